#!/usr/bin/env bash
# Cross-builds the real Criterion unit-test framework (Debian bookworm's 2.4.1 sources) for
# Windows x64 with mingw-w64, so tests/native/test_*.c can run unchanged under Wine.
#   bash build/windows/criterion.sh [--no-check] [--force]
#     --no-check  skip the Wine smoke test
#     --force     rebuild even when out/windows/criterion/STAMP matches
# Result: out/windows/criterion/{include,lib,bin}: headers, the import library
# lib/libcriterion.dll.a (lib/libcriterion.a is a copy of it) and bin/libcriterion-3.dll.
# Link a test with
#   x86_64-w64-mingw32-gcc-posix -Iout/windows/criterion/include t.c \
#       -Lout/windows/criterion/lib -lcriterion        (works with -static too)
# and run it with libcriterion-3.dll on the path, e.g.
#   WINEPATH='Z:\...\out\windows\criterion\bin' wine t.exe
# The DLL links libgcc and winpthreads statically: it needs only Windows system DLLs.
#
# Sources: Debian source packages (bookworm), orig tarballs only, verified three ways: apt's
# signed Sources index (hash of the .dsc and the tarball), the .dsc's Checksums-Sha256, and
# the SHA-256 pinned below.
#   criterion  - the framework itself
#   boxfort    - runs each test in a child process (Windows backend: CreateProcess)
#   nanomsg    - IPC between runner and children;  nanopb - the protobuf messages
#   debugbreak, miniasm (for its pristine klib khash.h/kvec.h) - header-only bits that
#     Criterion's upstream git submodules provide and Debian's orig tarball lacks.
# libffi (theories), libgit2 (diffs) and gettext are left out: the tests use none of them.
# Debian's own packaging diffs (debian.tar.xz) are not used; the one change Criterion 2.4.1
# needs from Debian's boxfort 0.1.2-2 (BXF_DBG_FALLBACK, only used by --debug) is applied
# below as it appears in Debian's installed /usr/include/boxfort.h.
# Logs: out/windows/logs/criterion-{apt,fetch,setup,build,check}.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/out/windows"
PREFIX="$OUT/criterion"
SRC="$OUT/criterion-src"
WORK="$OUT/criterion-build"
LOGS="$OUT/logs"
TRIPLE=x86_64-w64-mingw32
CC="$TRIPLE-gcc-posix"
JOBS="${AZSREG_JOBS:-2}"

check=1 force=0
for a in "$@"; do
	case "$a" in
		--no-check) check=0 ;;
		--force) force=1 ;;
		*) echo "usage: bash build/windows/criterion.sh [--no-check] [--force]" >&2; exit 2 ;;
	esac
done

# name=version orig-tarball-sha256
SOURCES=(
	"criterion=2.4.1-2 34eb5c92c2663e0c0a0b77f7c4c2f6d5600ee08a4e41833e06859b7af089c891"
	"boxfort=0.1.2-2 7651a02c4ed159bb1631c34b4dd2a3df60253cd1956490a434a7ef22f20cd7c8"
	"nanomsg=1.1.5+dfsg-1.1 0b0c3457f9f8476b5635fb3f418c7a144c22f5f7bf633c647d91af722ffe2386"
	"nanopb=0.4.7-2 e1d89b166367a3c42d42311bdc2ed57ff78f86aede9a66828516e45490d48c81"
	"debugbreak=1.0-1 62089680cc1cd0857519e2865b274ed7534bfa7ddfce19d72ffee41d4921ae2f"
	"miniasm=0.3+dfsg-4 365f6f6c439807842da08b9d66957312a431c888c873bd0d5042f593e4c2d988"
)
APT_NEEDS=(meson ninja-build cmake python3 mingw-w64-tools gcc-mingw-w64-x86-64-posix)
MESON_OPTS=(--buildtype release -Dtests=false -Dsamples=false -Di18n=disabled
	-Dtheories=disabled -Ddiffs=disabled -Dcxx-support=disabled)

mkdir -p "$LOGS"
log() { echo "criterion: $*"; }
fail() { echo "criterion: error: $*" >&2; exit 1; }
# run LOGNAME CMD...: output to the log; on failure show its tail.
run() {
	local lf="$LOGS/criterion-$1.log"; shift
	if ! "$@" >>"$lf" 2>&1; then
		tail -n 30 "$lf" >&2
		fail "'$*' failed, see ${lf#"$ROOT"/}"
	fi
}

# --- apt needs (waits for a running apt/dpkg rather than failing on the lock)
missing=()
for p in "${APT_NEEDS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((check)) && ! command -v wine >/dev/null; then missing+=(wine wine64); fi
if ((${#missing[@]})); then
	log "installing ${missing[*]}"
	: >"$LOGS/criterion-apt.log"
	run apt env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q "${missing[@]}"
fi

# --- stamp: every input that changes the result
stamp_text() {
	printf 'criterion.sh %s\n' "$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
	printf 'boxfort-fallback.patch %s\n' "$(sha256sum "$ROOT/build/windows/boxfort-fallback.patch" | cut -d' ' -f1)"
	printf 'source %s\n' "${SOURCES[@]%% *}"
	dpkg-query -W -f='toolchain ${Package} ${Version}\n' gcc-mingw-w64-x86-64-posix \
		binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev meson cmake
}
want_stamp="$(stamp_text)"
if ((!force)) && [[ -f "$PREFIX/STAMP" && -f "$PREFIX/bin/libcriterion-3.dll" ]] &&
	[[ "$(cat "$PREFIX/STAMP")" == "$want_stamp" ]]; then
	log "up to date (${PREFIX#"$ROOT"/}/STAMP matches)"
else
	start=$SECONDS
	rm -f "$LOGS"/criterion-{fetch,setup,build,check}.log

	# --- fetch: .dsc + orig tarball of each source package, from a temporary deb-src entry
	mkdir -p "$SRC"
	list=/etc/apt/sources.list.d/azsreg-criterion-src.sources
	need_fetch=0 added_list=0
	for s in "${SOURCES[@]}"; do
		nv="${s%% *}"; n="${nv%%=*}"; v="${nv#*=}"
		[[ -f "$SRC/${n}_${v}.dsc" ]] || need_fetch=1
	done
	if ((need_fetch)); then
		if [[ ! -f $list ]]; then
			log "adding temporary deb-src entry"
			added_list=1
			trap 'rm -f "'"$list"'"' EXIT
			cat >"$list" <<-EOF
				Types: deb-src
				URIs: http://deb.debian.org/debian
				Suites: bookworm
				Components: main
				Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
			EOF
		fi
		run fetch apt-get -o DPkg::Lock::Timeout=900 update -q
	fi
	for s in "${SOURCES[@]}"; do
		nv="${s%% *}" pin="${s#* }"; n="${nv%%=*}"; v="${nv#*=}"
		dsc="$SRC/${n}_${v}.dsc"
		if [[ ! -f $dsc ]]; then
			log "fetching $n $v"
			uris="$(apt-get source --print-uris "$nv" 2>>"$LOGS/criterion-fetch.log" | grep "^'")" ||
				fail "no source package $nv (see logs/criterion-fetch.log)"
			# Only the .dsc and the orig tarball (Debian's packaging tarball is not needed).
			while read -r uri file _size hash; do
				case "$file" in *.dsc | *.orig.tar.*) ;; *) continue ;; esac
				uri="${uri//\'/}"
				rm -f "$SRC/$file"
				run fetch /usr/lib/apt/apt-helper download-file "$uri" "$SRC/$file" "$hash"
			done <<<"$uris"
		fi
		orig="$(sed -n '/^Checksums-Sha256:/,/^[^ ]/{/\.orig\.tar\./p}' "$dsc" | head -n1)"
		read -r osum _osize ofile <<<"$orig"
		[[ -n ${ofile:-} && -f "$SRC/$ofile" ]] || fail "$n: orig tarball missing"
		have="$(sha256sum "$SRC/$ofile" | cut -d' ' -f1)"
		[[ $have == "$osum" ]] || fail "$ofile: sha256 $have does not match ${dsc##*/}"
		[[ $have == "$pin" ]] || fail "$ofile: sha256 $have is not the pinned $pin"
		echo "$ofile OK (sha256 $have)" >>"$LOGS/criterion-fetch.log"
		declare "orig_$n=$SRC/$ofile"
	done
	if ((added_list)); then rm -f "$list"; trap - EXIT; fi

	# --- unpack into a meson tree: the dependencies go where Criterion's wraps expect them
	log "unpacking"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	t="$WORK/src"
	mkdir -p "$t"
	tar -xf "$orig_criterion" -C "$t" --strip-components=1
	for n in boxfort nanomsg nanopb; do
		o="orig_$n"
		mkdir -p "$t/subprojects/$n"
		tar -xf "${!o}" -C "$t/subprojects/$n" --strip-components=1
	done
	tar -xf "$orig_debugbreak" -C "$t/dependencies/debugbreak" --strip-components=1 \
		--wildcards '*/debugbreak.h'
	tar -xf "$orig_miniasm" -C "$t/dependencies/klib" --strip-components=1 \
		--wildcards '*/khash.h' '*/kvec.h'
	# Debian's boxfort 0.1.2-2 header (Criterion 2.4.1 needs BXF_DBG_ENABLE_FALLBACK).
	patch -s -d "$t/subprojects/boxfort" -p1 <"$ROOT/build/windows/boxfort-fallback.patch"

	cat >"$WORK/cross.ini" <<-EOF
		[binaries]
		c = '$TRIPLE-gcc-posix'
		cpp = '$TRIPLE-g++-posix'
		ar = '$TRIPLE-gcc-ar-posix'
		strip = '$TRIPLE-strip'
		windres = '$TRIPLE-windres'
		pkgconfig = '$TRIPLE-pkg-config'
		cmake = 'cmake'

		[built-in options]
		# libgcc and winpthreads inside libcriterion-3.dll: no extra DLLs to ship.
		c_link_args = ['-static']

		[host_machine]
		system = 'windows'
		cpu_family = 'x86_64'
		cpu = 'x86_64'
		endian = 'little'
	EOF

	log "configuring (meson)"
	rm -rf "$PREFIX"
	run setup meson setup --cross-file "$WORK/cross.ini" --prefix "$PREFIX" --libdir lib \
		"${MESON_OPTS[@]}" "$WORK/build" "$t"
	log "compiling ($JOBS jobs)"
	run build ninja -C "$WORK/build" -j "$JOBS"
	run build ninja -C "$WORK/build" install
	# Only the DLL is usable: Criterion's headers always declare its API dllimport, and
	# boxfort's static library is not installed. libcriterion.a becomes a copy of the import
	# library, so that -lcriterion means the DLL even in a -static link (as azsreg's
	# Windows build does).
	rm -f "$PREFIX"/lib/lib{nanomsg,protobuf_nanopb_static}.a
	cp "$PREFIX/lib/libcriterion.dll.a" "$PREFIX/lib/libcriterion.a"
	printf '%s\n' "$want_stamp" >"$PREFIX/STAMP"
	log "built in $((SECONDS - start)) s into ${PREFIX#"$ROOT"/}"
fi

# The DLL must need nothing but Windows' own DLLs.
deps="$("$TRIPLE-objdump" -p "$PREFIX/bin/libcriterion-3.dll" | sed -n 's/^\s*DLL Name: //p' | tr '\n' ' ')"
for d in $deps; do
	case "${d,,}" in kernel32.dll | msvcrt.dll | ws2_32.dll | mswsock.dll | advapi32.dll | user32.dll) ;;
		*) fail "libcriterion-3.dll depends on $d" ;; esac
done

((check)) || exit 0

# --- smoke test under Wine: counts, exit code, fixtures, a crash and a timeout in children
log "checking under Wine"
c="$WORK/check"
mkdir -p "$c"
cat >"$c/smoke.c" <<'EOF'
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

static int *fixture;
static void setup(void) { fixture = malloc(sizeof *fixture); *fixture = 42; }
static void teardown(void) { free(fixture); fixture = NULL; fprintf(stderr, "smoke: fini ran\n"); }
TestSuite(fx, .init = setup, .fini = teardown);

Test(fx, init_ran) { cr_assert_not_null(fixture); cr_assert_eq(*fixture, 42); }
Test(smoke, passes) { cr_assert_eq(1 + 1, 2); cr_expect_str_eq("abc", "abc", "msg %d", 1); }
Test(smoke, assert_eq_fails) { cr_assert_eq(1 + 1, 3, "math is %s", "broken"); cr_assert(0); }
Test(smoke, expect_str_eq_fails) { cr_expect_str_eq("abc", "abd"); cr_expect_eq(2, 2); }
Test(smoke, segfaults) { volatile int *p = NULL; *p = 1; }
Test(smoke, times_out, .timeout = 1) { for (;;) { } }
EOF
"$CC" -O1 -Wall -Werror -I"$PREFIX/include" "$c/smoke.c" -o "$c/smoke.exe" -static -L"$PREFIX/lib" -lcriterion \
	>"$LOGS/criterion-check.log" 2>&1 || { cat "$LOGS/criterion-check.log" >&2; fail "smoke test does not compile"; }
# winedbg disabled so that a crash is not hidden behind a debugger; the DLL found through
# WINEPATH (a missing DLL shows only as exit code 53 when WINEDEBUG=-all).
# The one prefix of the Windows steps (build/windows/wine-prefix.sh).
export WINEPREFIX="${WINEPREFIX:-$OUT/wine}" WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d"
# shellcheck source=build/windows/wine-prefix.sh
. "$ROOT/build/windows/wine-prefix.sh"
azsreg_wine_prefix criterion || fail "no usable Wine prefix"
export WINEPATH="Z:${PREFIX//\//\\}\\bin"
rc=0
# Windows text-mode stdio writes CRLF: drop the CRs so the log greps like Linux output.
(cd "$c" && timeout 300 wine ./smoke.exe --jobs 1) 2>&1 | tr -d '\r' >>"$LOGS/criterion-check.log" ||
	rc=${PIPESTATUS[0]}
l="$LOGS/criterion-check.log"
ok=1
grep -q '^\[====\] Synthesis: Tested: 6 | Passing: 2 | Failing: 4 | Crashing: 1 *$' "$l" || ok=0
grep -q '^\[FAIL\] smoke::segfaults: CRASH!' "$l" || ok=0
grep -q '^\[FAIL\] smoke::times_out: Timed out' "$l" || ok=0
grep -q 'math is broken' "$l" || ok=0
grep -q 'actual=`abc` expected=`abd`' "$l" || ok=0
grep -q '^smoke: fini ran' "$l" || ok=0
[[ $rc == 1 ]] || ok=0
if ((!ok)); then
	cat "$l" >&2
	fail "Wine smoke test gave unexpected results (exit code $rc)"
fi
log "Wine smoke test OK (6 tested, 2 pass, 4 fail incl. 1 crash and 1 timeout; exit code 1)"
