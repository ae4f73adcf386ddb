#!/usr/bin/env bash
# Builds the Windows x64 dependencies of azsreg -- OpenSSL, libcurl, Jansson and libcsv -- as
# static libraries with the mingw-w64 cross compiler, from Debian bookworm's own source
# packages (upstream tarball + Debian's patches, which carry the security fixes).
#   bash build/windows/deps.sh
# Result, all under out/windows/:
#   deps/{include,lib,lib/pkgconfig}  the installed libraries (prefix)
#   deps/deps.cmake                   CMake variables for consumers (include it)
#   deps/STAMP                        Debian versions + toolchain the prefix was built from
#   deps/licenses/                    licence texts, for the Windows zip
#   src/                              downloaded source packages and a private apt index
#   deps-build/                       unpacked, patched source trees and build directories
#   logs/deps-<step>.log              full output of every step
#
# When deps/STAMP names the versions apt offers now (and the same toolchain and recipe),
# the script only prints them and exits (a second or two). Otherwise it rebuilds all four.
#
# The sources come from a private apt configuration (out/windows/src/apt/): a deb-src
# entry derived from the machine's own Debian entries, its own lists directory and cache.
# The machine's apt configuration and state are not modified (apart from installing missing
# build packages), so nothing has to be cleaned up afterwards, and the Sources index stays
# around for the fast path.
#
# Environment:
#   AZSREG_JOBS=2          parallel make jobs
#   AZSREG_DEPS_FORCE=1    rebuild even when the stamp matches
#   AZSREG_DEPS_OFFLINE=1  do not refresh the source index; use the one from the last run
#   AZSREG_DEPS_STRICT=1   fail when the newest source version cannot be downloaded,
#                          instead of falling back to the next older one (see fetch_source)
# Meant to run as root (CI); for another user, package installation goes through sudo.
# Non-interactive.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPT="$ROOT/build/windows/deps.sh"
TOOLCHAIN_FILE="$ROOT/build/windows/mingw-w64-x86_64.cmake"
OUT="$ROOT/out/windows"
PREFIX="$OUT/deps"
SRC="$OUT/src"
APT_DIR="$SRC/apt"
BUILD="$OUT/deps-build"
LOGS="$OUT/logs"
STAMP="$PREFIX/STAMP"
JOBS="${AZSREG_JOBS:-2}"

SUITE=bookworm
HOST=x86_64-w64-mingw32
# The -posix compilers use winpthreads as thread model; used everywhere for consistency.
CC_HOST="$HOST-gcc-posix"
SOURCES=(openssl curl jansson libcsv)
# Debian versions actually built, set by fetch_source.
BUILT_openssl="" BUILT_curl="" BUILT_jansson="" BUILT_libcsv=""

# Build system packages (checked with dpkg-query, installed only when missing).
# autoconf, automake, libtool: libcsv's build files are regenerated as Debian does (below).
PACKAGES=(gcc-mingw-w64-x86-64 mingw-w64-tools dpkg-dev cmake make perl pkg-config patch xz-utils
	autoconf automake libtool)

# Compiler flags: -O2 plus the Debian hardening flags that mean something for PE targets
# (stack protector, fortify, format checks). relro/bindnow/PIE are ELF-only; the linker
# defaults of binutils >= 2.36 already give ASLR/DEP (--dynamicbase --nxcompat
# --high-entropy-va) to the final executable. Stack protector and fortify make the code
# call libssp (__stack_chk_fail, __memcpy_chk, ...), so consumers link ssp as well.
CFLAGS_HOST="-O2 -fstack-protector-strong -Wformat -Werror=format-security"
CPPFLAGS_HOST="-D_FORTIFY_SOURCE=2"

# Windows libraries the static archives need, in link order after them:
#   crypt32 (certificate stores: OpenSSL capi engine, curl's CURLSSLOPT_NATIVE_CA),
#   bcrypt (BCryptGenRandom: OpenSSL, curl), ws2_32 (sockets), user32 + advapi32 (OpenSSL's
#   fatal-error reporting, Jansson's CryptGenRandom seed), ssp (hardening, see above),
#   pthread (winpthreads: curl's threaded resolver; the -posix gcc adds it anyway).
SYSTEM_LIBS=(crypt32 bcrypt ws2_32 user32 advapi32 ssp pthread)

# OpenSSL bakes these directories into libcrypto (openssl.cnf, engines, providers). Left at
# the build prefix they would become \work\main\out\... on the current drive, a place any
# Windows user can create, so point them at OpenSSL's own Windows defaults instead, which
# only administrators can write to.
OPENSSL_WIN_OPENSSLDIR="C:/Program Files/Common Files/SSL"
OPENSSL_WIN_LIBDIR="C:/Program Files/OpenSSL/lib"

log() { echo "deps: $*"; }
warn() { echo "deps: WARNING: $*" >&2; }
die() { echo "deps: ERROR: $*" >&2; exit 1; }

# Seconds since $1 (an $EPOCHREALTIME value), formatted like 2m31.4s.
since() {
	awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { d = e - s; m = int(d / 60);
		printf (m > 0 ? "%dm%04.1fs" : "%.1fs"), (m > 0 ? m : d - 60 * m), d - 60 * m }'
}

# step <log name> <description> <command...>: runs the command (a function or program) in
# a subshell with errexit, output appended to logs/deps-<log name>.log. On failure prints
# the tail of that log and exits.
step() {
	local name="$1" desc="$2" rc
	shift 2
	echo "deps:   $desc"
	echo "=== $desc ($(date -u +%FT%TZ))" >>"$LOGS/deps-$name.log"
	set +e
	(set -e; "$@") >>"$LOGS/deps-$name.log" 2>&1
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "deps: FAILED ($rc): $desc; last lines of out/windows/logs/deps-$name.log:" >&2
		tail -n 40 "$LOGS/deps-$name.log" | sed 's/^/    /' >&2
		exit 1
	fi
}

# --- system packages ---------------------------------------------------------------------

ensure_packages() {
	local pkg missing=() sudo=()
	for pkg in "${PACKAGES[@]}"; do
		if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
			missing+=("$pkg")
		fi
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}); run as root or install sudo"
		sudo=(sudo)
	fi
	log "installing ${missing[*]}"
	step apt "apt-get update" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update
	step apt "apt-get install ${missing[*]}" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=600 install "${missing[@]}"
}

# --- private apt configuration for the source packages ------------------------------------

# Prints deb822 deb-src stanzas for $SUITE main (and $SUITE-updates / $SUITE-security when
# the machine has them) on the machine's own mirrors, from its deb entries: the deb822 file
# /etc/apt/sources.list.d/debian.sources (bookworm default) or one-line /etc/apt/sources.list.
machine_src_entries() {
	local f
	f=/etc/apt/sources.list.d/debian.sources
	[ -r "$f" ] && awk -v suite="$SUITE" '
		function flush(   n, i, s, keep) {
			if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && uris != "" \
			    && comps ~ /(^| )main( |$)/) {
				n = split(suites, s, " ")
				for (i = 1; i <= n; i++)
					if (s[i] ~ ("^" suite "(-updates|-security)?$")) keep = keep " " s[i]
				if (keep != "") {
					printf "Types: deb-src\nURIs: %s\nSuites:%s\nComponents: main\n", uris, keep
					if (signed != "") printf "Signed-By: %s\n", signed
					printf "\n"
				}
			}
			types = uris = suites = comps = signed = enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { next }   # continuation line (e.g. an inline key): not needed
		{
			key = tolower($0); sub(/:.*/, "", key)
			val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			if (key == "types") types = val
			else if (key == "uris") uris = val
			else if (key == "suites") suites = val
			else if (key == "components") comps = val
			else if (key == "signed-by") signed = val
			else if (key == "enabled") enabled = val
		}
		END { flush() }' "$f"
	f=/etc/apt/sources.list
	[ -r "$f" ] && awk -v suite="$SUITE" '
		$1 != "deb" { next }
		{
			opts = ""; i = 2
			if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { opts = opts " " $i; i++ }; opts = opts " " $i; i++ }
			uri = $i; s = $(i + 1); main = 0
			for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
			if (!main || s !~ ("^" suite "(-updates|-security)?$")) next
			printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n", uri, s
			if (match(opts, /signed-by=[^] ]+/)) printf "Signed-By: %s\n", substr(opts, RSTART + 10, RLENGTH - 10)
			printf "\n"
		}' "$f"
	return 0
}

APT_OPTS=(
	-o "Dir::Etc::SourceList=$APT_DIR/azsreg-src.sources"
	-o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
	-o "Dir::State::Lists=$APT_DIR/lists"
	-o "Dir::Cache=$APT_DIR/cache"
	-o "Acquire::Languages=none"
)

write_apt_sources() {
	local entries
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/sources.list.d"
	entries="$(machine_src_entries)"
	if [ -z "$entries" ]; then
		# No Debian entries found on this machine: use the official archive.
		entries="$(printf '%s\n' \
			"Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: $SUITE $SUITE-updates" \
			"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
			"Types: deb-src" "URIs: http://deb.debian.org/debian-security" "Suites: $SUITE-security" \
			"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg")"
	fi
	printf '# Written by build/windows/deps.sh; used only through its -o Dir::... options.\n%s\n' \
		"$entries" >"$APT_DIR/azsreg-src.sources.new"
	mv "$APT_DIR/azsreg-src.sources.new" "$APT_DIR/azsreg-src.sources"
}

# Refreshes the private Sources index (about a second when nothing changed: apt fetches
# only the InRelease files). This is what makes the fast path correct: it compares the stamp
# with what the archive offers now, security updates included. If the refresh fails
# (offline) and an index from an earlier run exists, that one is used with a warning.
refresh_source_index() {
	if [ "${AZSREG_DEPS_OFFLINE:-0}" = 1 ]; then
		compgen -G "$APT_DIR/lists/*Sources*" >/dev/null ||
			die "AZSREG_DEPS_OFFLINE=1 but there is no source index from an earlier run"
		return 0
	fi
	if ! apt-get -q "${APT_OPTS[@]}" update >>"$LOGS/deps-apt.log" 2>&1; then
		compgen -G "$APT_DIR/lists/*Sources*" >/dev/null || {
			tail -n 20 "$LOGS/deps-apt.log" | sed 's/^/    /' >&2
			die "could not download the Debian source index (see out/windows/logs/deps-apt.log)"
		}
		warn "could not refresh the Debian source index; using the one from the last run"
	fi
}

# All versions of source package $1 in the index, newest first.
source_versions() {
	local v sorted=() i j t
	while read -r v; do
		sorted+=("$v")
	done < <(apt-cache "${APT_OPTS[@]}" showsrc --only-source "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -u)
	# Insertion sort with Debian version ordering (a handful of entries).
	for ((i = 1; i < ${#sorted[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			dpkg --compare-versions "${sorted[j]}" gt "${sorted[j - 1]}" || break
			t="${sorted[j]}"; sorted[j]="${sorted[j - 1]}"; sorted[j - 1]="$t"
		done
	done
	[ "${#sorted[@]}" -gt 0 ] && printf '%s\n' "${sorted[@]}"
	return 0
}

# --- stamp --------------------------------------------------------------------------------

toolchain_version() {
	dpkg-query -W -f='${Package} ${Version}\n' gcc-mingw-w64-x86-64-posix mingw-w64-x86-64-dev \
		binutils-mingw-w64-x86-64 2>/dev/null | paste -sd ';' | sed 's/;/; /g'
}

# Hash of everything that decides how the libraries are built besides the sources: this
# script and the CMake toolchain file. Editing either one triggers a rebuild.
recipe_hash() {
	cat "$SCRIPT" "$TOOLCHAIN_FILE" | sha256sum | cut -c1-16
}

stamp_get() { # <file> <key>
	sed -n "s/^$2=//p" "$1" 2>/dev/null | sed -n 1p
}

# --- sources ------------------------------------------------------------------------------

# Checks file $1 (in $SRC) against a "SHA256:<hex>" value from the signed index.
check_index_hash() {
	local want="${2#SHA256:}" have
	have="$(sha256sum "$SRC/$1" | cut -d' ' -f1)"
	[ "$have" = "$want" ] || { echo "sha256 mismatch for $1 (index): $have != $want"; return 1; }
}

# Checks every file listed in the Checksums-Sha256 field of .dsc $1 against its sha256.
check_dsc_files() {
	local dsc="$1" list n
	list="$(awk '/^Checksums-Sha256:/ { f = 1; next } /^[^ ]/ { f = 0 } f && NF == 3 { print $1 "  " $3 }' "$SRC/$dsc")"
	n="$(printf '%s\n' "$list" | grep -c . || true)"
	[ "$n" -ge 2 ] || { echo "$dsc: no Checksums-Sha256 entries"; return 1; }
	(cd "$SRC" && printf '%s\n' "$list" | sha256sum --check --strict) || {
		echo "$dsc: sha256 of the files above does not match the .dsc"
		return 1
	}
	echo "$dsc: $n files match Checksums-Sha256"
}

# Downloads (unless already there) and verifies source package $1 version $2.
# The .dsc is checked against the hash in the signed Sources index, the other files against
# both the index and the .dsc's Checksums-Sha256 (apt-get source checks the former too, but
# files reused from an earlier run are not seen by apt).
download_source() {
	local pkg="$1" ver="$2" uris line file hash
	# (--print-uris leaves out files already present in the current directory, hence the
	# empty directory.)
	mkdir -p "$APT_DIR/empty"
	uris="$(cd "$APT_DIR/empty" && apt-get -q "${APT_OPTS[@]}" source --print-uris --only-source "$pkg=$ver" | grep "^'")"
	[ -n "$uris" ] || { echo "apt-get source --print-uris $pkg=$ver printed nothing"; return 1; }
	if (while read -r line; do
		file="$(echo "$line" | awk '{ print $2 }')"
		hash="$(echo "$line" | awk '{ print $4 }')"
		[ -f "$SRC/$file" ] || exit 1
		check_index_hash "$file" "$hash" >/dev/null || exit 1
	done <<<"$uris"); then
		echo "reusing the downloaded files of $pkg $ver"
	else
		(cd "$SRC" && apt-get -q "${APT_OPTS[@]}" source --download-only --only-source "$pkg=$ver")
	fi
	while read -r line; do
		file="$(echo "$line" | awk '{ print $2 }')"
		hash="$(echo "$line" | awk '{ print $4 }')"
		check_index_hash "$file" "$hash"
	done <<<"$uris"
	check_dsc_files "$(echo "$uris" | awk '$2 ~ /\.dsc$/ { print $2 }')"
}

# Fetches the newest version of source package $1 that can be downloaded, and sets
# BUILT_<pkg> to it. Normally that is the newest version in the index. If the mirror does
# not have it (seen on partial mirrors and during mirror syncs) the next older one is used
# with a warning -- unless AZSREG_DEPS_STRICT=1, then the script fails.
fetch_source() {
	local pkg="$1" ver rc tmp="$LOGS/deps-fetch.tmp"
	for ver in $(source_versions "$pkg"); do
		set +e
		(set -e; download_source "$pkg" "$ver") >"$tmp" 2>&1
		rc=$?
		set -e
		echo "=== fetching $pkg $ver (rc $rc)" >>"$LOGS/deps-apt.log"
		cat "$tmp" >>"$LOGS/deps-apt.log"
		if [ "$rc" -eq 0 ]; then
			rm -f "$tmp"
			printf -v "BUILT_$pkg" '%s' "$ver"
			return 0
		fi
		warn "could not download or verify $pkg $ver:"
		{ grep -E '^(E:|Err|.*mismatch|.*FAILED|.*does not match)' "$tmp" || tail -n 3 "$tmp"; } |
			sed -n 1,5p | sed 's/^/    /' >&2
		rm -f "$tmp"
		[ "${AZSREG_DEPS_STRICT:-0}" = 1 ] && die "AZSREG_DEPS_STRICT=1: not falling back to an older $pkg"
		warn "falling back to the next older $pkg version in the index"
	done
	die "no version of source package $pkg could be downloaded"
}

# Unpacks source package $1 (version $2) with Debian's patches applied into deps-build/$1.
unpack_source() {
	local pkg="$1" ver="$2"
	cd "$OUT"
	rm -rf "${BUILD:?}/$pkg"
	mkdir -p "$BUILD"
	dpkg-source -x --no-copy "$SRC/${pkg}_${ver#*:}.dsc" "$BUILD/$pkg"
}

# --- builds -------------------------------------------------------------------------------

openssl_configure() {
	cd "$BUILD/openssl"
	./Configure mingw64 --cross-compile-prefix="$HOST-" CC=gcc-posix \
		no-shared no-module no-tests --prefix="$PREFIX" --libdir=lib \
		CFLAGS="$CFLAGS_HOST -Wall -ffile-prefix-map=$BUILD/openssl=openssl" \
		CPPFLAGS="$CPPFLAGS_HOST"
}

openssl_make() {
	cd "$BUILD/openssl"
	# OPENSSLDIR/ENGINESDIR/MODULESDIR only end up as -D defines of the library build
	# (install_dev does not use them), so they are overridden here, see above.
	make -j"$JOBS" build_libs \
		OPENSSLDIR="$OPENSSL_WIN_OPENSSLDIR" \
		ENGINESDIR="$OPENSSL_WIN_LIBDIR/engines-3" \
		MODULESDIR="$OPENSSL_WIN_LIBDIR/ossl-modules"
}

openssl_install() {
	cd "$BUILD/openssl"
	make install_dev \
		OPENSSLDIR="$OPENSSL_WIN_OPENSSLDIR" \
		ENGINESDIR="$OPENSSL_WIN_LIBDIR/engines-3" \
		MODULESDIR="$OPENSSL_WIN_LIBDIR/ossl-modules"
	grep -qaF "OPENSSLDIR: \"$OPENSSL_WIN_OPENSSLDIR\"" "$PREFIX/lib/libcrypto.a" ||
		{ echo "the OPENSSLDIR override did not reach libcrypto.a"; return 1; }
}

# dpkg-source applied all of Debian's patches, including the last two, which turn the tree
# into the GnuTLS and NSS flavours (debian/rules pops them with quilt before building the
# OpenSSL flavour). Take them back out the same way.
curl_unpatch_flavours() {
	cd "$BUILD/curl"
	local last2
	last2="$(grep -v '^#' debian/patches/series | grep . | tail -n 2 | paste -sd ' ')"
	[ "$last2" = "90_gnutls.patch 99_nss.patch" ] ||
		{ echo "unexpected end of debian/patches/series: $last2"; return 1; }
	patch -R -p1 --no-backup-if-mismatch <debian/patches/99_nss.patch
	patch -R -p1 --no-backup-if-mismatch <debian/patches/90_gnutls.patch
}

# The shipped configure is used as is. Debian regenerates it (./buildconf) because of its
# patches to configure.ac/Makefile.am, which only concern GSS-API/LDAP linking, zsh
# completion and the GnuTLS/NSS flavours -- none of that is built here. AM_MAINTAINER_MODE
# keeps make from trying to rerun automake on the patched (newer) files.
curl_configure() {
	cd "$BUILD/curl"
	# LIBS: the static libcrypto needs these; without them configure's link test fails and
	# it reports that OpenSSL was not found (pkg-config --libs-only-l omits Libs.private).
	# --disable-openssl-auto-load-config: curl_global_init() must not make OpenSSL read
	# openssl.cnf (defence in depth, with the OPENSSLDIR choice above).
	# --without-ca-bundle/-path/-fallback: no Unix CA paths are baked in; consumers pass
	# CURLOPT_CAINFO(_BLOB) or CURLSSLOPT_NATIVE_CA (Windows certificate store).
	# Only HTTP and HTTPS, with proxy support (incl. HTTP CONNECT and Basic auth) and the
	# threaded resolver (winpthreads); every other protocol and optional library is off.
	./configure --build="$(dpkg-architecture -qDEB_BUILD_GNU_TYPE)" --host="$HOST" \
		CC="$CC_HOST" AR="$HOST-ar" RANLIB="$HOST-ranlib" \
		CFLAGS="$CFLAGS_HOST -ffile-prefix-map=$BUILD/curl=curl" CPPFLAGS="$CPPFLAGS_HOST" \
		LIBS="-lcrypt32 -lbcrypt -lws2_32" \
		--prefix="$PREFIX" --disable-shared --enable-static --disable-dependency-tracking \
		--with-openssl="$PREFIX" --disable-openssl-auto-load-config \
		--without-ca-bundle --without-ca-path --without-ca-fallback \
		--enable-http --enable-proxy --enable-ipv6 --enable-threaded-resolver \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-websockets \
		--disable-unix-sockets --disable-ntlm-wb --disable-sspi --disable-manual \
		--without-libssh2 --without-libssh --without-wolfssh --without-librtmp \
		--without-nghttp2 --without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3 \
		--without-hyper --without-zlib --without-brotli --without-zstd \
		--without-libidn2 --without-winidn --without-libpsl --without-libgsasl \
		--without-gssapi --without-zsh-functions-dir --without-fish-functions-dir
	# Make sure the protocol set is what we asked for.
	grep -q '^SUPPORT_PROTOCOLS = HTTP HTTPS$' Makefile ||
		{ echo "unexpected protocols: $(sed -n 's/^SUPPORT_PROTOCOLS = //p' Makefile)"; return 1; }
}

curl_make() {
	cd "$BUILD/curl"
	make -j"$JOBS" -C lib    # the library only, not the curl tool
}

curl_install() {
	cd "$BUILD/curl"
	make -C lib install
	make -C include install
	make install-pkgconfigDATA install-binSCRIPTS
	rm -f "$PREFIX/lib/libcurl.la"    # libtool archive: not useful to consumers (as in Debian)
	grep -q '^Cflags:.*-DCURL_STATICLIB' "$PREFIX/lib/pkgconfig/libcurl.pc" ||
		{ echo "CURL_STATICLIB is missing from libcurl.pc Cflags"; return 1; }
}

jansson_configure() {
	# CMAKE_BUILD_TYPE=None as in Debian's CMake builds: only CMAKE_C_FLAGS apply (the
	# Release type would append -O3 -DNDEBUG). JANSSON_INSTALL_CMAKE_DIR is a PATH cache
	# entry: given relative it would be made absolute against the current directory, so
	# it is given absolute (its Windows default would be <prefix>/cmake).
	cd "$BUILD/jansson"
	cmake -S "$BUILD/jansson" -B "$BUILD/jansson/obj" \
		-DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN_FILE" -DCMAKE_BUILD_TYPE=None \
		-DCMAKE_C_FLAGS="$CFLAGS_HOST $CPPFLAGS_HOST -ffile-prefix-map=$BUILD/jansson=jansson" \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DJANSSON_INSTALL_CMAKE_DIR:PATH="$PREFIX/lib/cmake/jansson" \
		-DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF
}

jansson_make() {
	cd "$BUILD/jansson"
	cmake --build "$BUILD/jansson/obj" -j "$JOBS"
}

jansson_install() {
	cd "$BUILD/jansson"
	cmake --install "$BUILD/jansson/obj"
	# Everything must have landed in the prefix.
	local outside
	outside="$(awk -v p="$PREFIX/" 'index($0, p) != 1' "$BUILD/jansson/obj/install_manifest.txt")"
	[ -z "$outside" ] || { echo "jansson installed files outside $PREFIX: $outside"; return 1; }
}

# libcsv (LGPL-2.1+, one C file) uses autotools. Debian's patch to Makefile.am leaves the
# shipped Makefile.in older than it, and without AM_MAINTAINER_MODE make would then try to
# rerun automake halfway; so the build files are regenerated first, exactly as Debian's
# build does (dh_autoreconf). Only the library and its header are built and installed.
libcsv_configure() {
	cd "$BUILD/libcsv"
	autoreconf -fi
	./configure --build="$(dpkg-architecture -qDEB_BUILD_GNU_TYPE)" --host="$HOST" \
		CC="$CC_HOST" AR="$HOST-ar" RANLIB="$HOST-ranlib" \
		CFLAGS="$CFLAGS_HOST -ffile-prefix-map=$BUILD/libcsv=libcsv" CPPFLAGS="$CPPFLAGS_HOST" \
		--prefix="$PREFIX" --disable-shared --enable-static --disable-dependency-tracking
}

libcsv_make() {
	cd "$BUILD/libcsv"
	make -j"$JOBS" libcsv.la
}

libcsv_install() {
	cd "$BUILD/libcsv"
	make install-libLTLIBRARIES install-nobase_libcsv_includeHEADERS
	rm -f "$PREFIX/lib/libcsv.la"    # libtool archive: not useful to consumers (as in Debian)
	"$HOST-objdump" -f "$PREFIX/lib/libcsv.a" | grep -q 'file format pe-x86-64' ||
		{ echo "libcsv.a is not a Windows x64 archive"; return 1; }
}

# --- outputs ------------------------------------------------------------------------------

install_licenses() {
	mkdir -p "$PREFIX/licenses"
	cp "$BUILD/openssl/LICENSE.txt" "$PREFIX/licenses/openssl-LICENSE.txt"
	cp "$BUILD/curl/COPYING" "$PREFIX/licenses/curl-LICENSE.txt"
	cp "$BUILD/jansson/LICENSE" "$PREFIX/licenses/jansson-LICENSE.txt"
	cp "$BUILD/libcsv/COPYING.LESSER" "$PREFIX/licenses/libcsv-LICENSE.txt"
}

write_deps_cmake() {
	local f="$PREFIX/deps.cmake"
	cat >"$f" <<EOF
# Generated by build/windows/deps.sh -- do not edit. Static Windows x64 (mingw-w64)
# builds of OpenSSL, libcurl, Jansson and libcsv from Debian $SUITE source packages.
# Paths are relative to this file, so the prefix can move.
#   include(out/windows/deps/deps.cmake)
#   target_include_directories(t PRIVATE \${AZSREG_WIN_DEPS_INCLUDE})
#   target_compile_definitions(t PRIVATE \${AZSREG_WIN_DEPS_DEFINES})
#   target_link_libraries(t PRIVATE \${AZSREG_WIN_DEPS_LIBS})
# Link the final .exe/.dll with -static (or at least -static-libgcc and a static
# winpthread/ssp) so that it does not need libwinpthread-1.dll or libssp-0.dll.
set(AZSREG_WIN_DEPS_PREFIX "\${CMAKE_CURRENT_LIST_DIR}")
set(AZSREG_WIN_DEPS_INCLUDE "\${AZSREG_WIN_DEPS_PREFIX}/include")
set(AZSREG_WIN_CURL_LIBS "\${AZSREG_WIN_DEPS_PREFIX}/lib/libcurl.a")
set(AZSREG_WIN_OPENSSL_LIBS "\${AZSREG_WIN_DEPS_PREFIX}/lib/libssl.a" "\${AZSREG_WIN_DEPS_PREFIX}/lib/libcrypto.a")
set(AZSREG_WIN_JANSSON_LIBS "\${AZSREG_WIN_DEPS_PREFIX}/lib/libjansson.a")
set(AZSREG_WIN_CSV_LIBS "\${AZSREG_WIN_DEPS_PREFIX}/lib/libcsv.a")
set(AZSREG_WIN_SYSTEM_LIBS ${SYSTEM_LIBS[*]})
# Link order: libcurl before OpenSSL (it uses it), the Windows libraries last.
set(AZSREG_WIN_DEPS_LIBS
  \${AZSREG_WIN_CURL_LIBS} \${AZSREG_WIN_OPENSSL_LIBS} \${AZSREG_WIN_JANSSON_LIBS}
  \${AZSREG_WIN_CSV_LIBS} \${AZSREG_WIN_SYSTEM_LIBS})
# CURL_STATICLIB: curl.h must not declare the functions dllimport.
set(AZSREG_WIN_DEPS_DEFINES CURL_STATICLIB)
set(AZSREG_WIN_OPENSSL_VERSION "$BUILT_openssl")
set(AZSREG_WIN_CURL_VERSION "$BUILT_curl")
set(AZSREG_WIN_JANSSON_VERSION "$BUILT_jansson")
set(AZSREG_WIN_CSV_VERSION "$BUILT_libcsv")
set(AZSREG_WIN_DEPS_TOOLCHAIN "$TOOLCHAIN")
set(AZSREG_WIN_LICENSE_FILES
  "\${AZSREG_WIN_DEPS_PREFIX}/licenses/openssl-LICENSE.txt"
  "\${AZSREG_WIN_DEPS_PREFIX}/licenses/curl-LICENSE.txt"
  "\${AZSREG_WIN_DEPS_PREFIX}/licenses/jansson-LICENSE.txt"
  "\${AZSREG_WIN_DEPS_PREFIX}/licenses/libcsv-LICENSE.txt")
EOF
}

write_stamp() { # <file>
	{
		echo "# Written by build/windows/deps.sh: what out/windows/deps was built from."
		echo "suite=$SUITE"
		for pkg in "${SOURCES[@]}"; do
			local b="BUILT_$pkg"
			echo "$pkg=${!b}"
		done
		echo "toolchain=$TOOLCHAIN"
		echo "recipe=$RECIPE"
		echo "# Newest versions in the source index at build time (differ from the above only"
		echo "# when the mirror could not deliver the newest one); compared by the fast path."
		echo "index=$INDEX"
		echo "built=$(date -u +%FT%TZ)"
	} >"$1"
}

print_versions() { # <stamp file>
	local pkg
	for pkg in "${SOURCES[@]}"; do
		log "  $pkg $(stamp_get "$1" "$pkg") (Debian $SUITE source package)"
	done
	log "  toolchain: $(stamp_get "$1" toolchain)"
}

print_consumer_info() {
	log "consumers: include $PREFIX/deps.cmake, or by hand:"
	log "  include dir: $PREFIX/include"
	log "  define:      CURL_STATICLIB"
	log "  link, in this order: $PREFIX/lib/libcurl.a $PREFIX/lib/libssl.a" \
		"$PREFIX/lib/libcrypto.a $PREFIX/lib/libjansson.a $PREFIX/lib/libcsv.a ${SYSTEM_LIBS[*]/#/-l}"
	log "  and link the final binary with -static"
}

# --- main ---------------------------------------------------------------------------------

start="$EPOCHREALTIME"
trap 'echo "deps: ERROR: unexpected failure (exit $?) at line $LINENO of build/windows/deps.sh" >&2' ERR
mkdir -p "$OUT" "$SRC" "$LOGS"
# One run at a time (a second run waits for the first to finish).
exec 9>"$OUT/.deps.lock"
flock 9

: >"$LOGS/deps-apt.log"
ensure_packages
write_apt_sources
refresh_source_index

INDEX=""
for pkg in "${SOURCES[@]}"; do
	v="$(source_versions "$pkg" | sed -n 1p)"
	[ -n "$v" ] || die "source package $pkg not found in the Debian $SUITE source index"
	INDEX="$INDEX${INDEX:+ }$pkg=$v"
done
TOOLCHAIN="$(toolchain_version)"
RECIPE="$(recipe_hash)"

# Fast path: same index versions, toolchain and recipe as the stamp, and the outputs exist.
# Otherwise $why says what changed.
why=""
if [ "${AZSREG_DEPS_FORCE:-0}" = 1 ]; then
	why="AZSREG_DEPS_FORCE=1"
elif [ ! -f "$STAMP" ]; then
	why="no stamp, building from scratch"
elif [ "$(stamp_get "$STAMP" index)" != "$INDEX" ]; then
	why="Debian versions changed: $(stamp_get "$STAMP" index) -> $INDEX"
elif [ "$(stamp_get "$STAMP" toolchain)" != "$TOOLCHAIN" ]; then
	why="toolchain changed: $(stamp_get "$STAMP" toolchain) -> $TOOLCHAIN"
elif [ "$(stamp_get "$STAMP" recipe)" != "$RECIPE" ]; then
	why="build/windows/deps.sh or the toolchain file changed"
else
	for f in lib/libcurl.a lib/libssl.a lib/libcrypto.a lib/libjansson.a lib/libcsv.a deps.cmake; do
		[ -f "$PREFIX/$f" ] || why="out/windows/deps/$f is missing"
	done
fi
if [ -z "$why" ]; then
	log "up to date in out/windows/deps, built from:"
	print_versions "$STAMP"
	for pkg in "${SOURCES[@]}"; do
		built="$(stamp_get "$STAMP" "$pkg")"
		newest="$(echo "$INDEX" | tr ' ' '\n' | sed -n "s/^$pkg=//p")"
		[ "$built" = "$newest" ] ||
			warn "$pkg $newest is the newest in the index but was not downloadable at build time;" \
				"AZSREG_DEPS_FORCE=1 retries"
	done
	log "nothing to do ($(since "$start"))"
	exit 0
fi

log "building ($why)"
log "toolchain: $TOOLCHAIN"

mkdir -p "$BUILD"
for pkg in "${SOURCES[@]}"; do
	: >"$LOGS/deps-$pkg.log"
done

t="$EPOCHREALTIME"
log "fetching source packages"
for pkg in "${SOURCES[@]}"; do
	fetch_source "$pkg"
	b="BUILT_$pkg"
	log "  $pkg ${!b}: sha256 of all files checked against the signed index and the .dsc"
done
# Remove downloads of other versions (older runs, failed fallbacks); keep the private index.
keep="$(for pkg in "${SOURCES[@]}"; do
	b="BUILT_$pkg"
	dsc="${pkg}_${!b#*:}.dsc"
	echo "$dsc"
	awk '/^Checksums-Sha256:/ { f = 1; next } /^[^ ]/ { f = 0 } f && NF == 3 { print $3 }' "$SRC/$dsc"
done)"
find "$SRC" -maxdepth 1 -type f | while read -r f; do
	grep -qxF "$(basename "$f")" <<<"$keep" || rm -f "$f"
done
for pkg in "${SOURCES[@]}"; do
	b="BUILT_$pkg"
	step "$pkg" "unpacking $pkg ${!b} with Debian's patches" unpack_source "$pkg" "${!b}"
done
log "sources ready ($(since "$t"))"

# From here on the prefix is incomplete until the check passed and the stamp is written.
# (A failed download above leaves the previous build in place.)
rm -rf "${PREFIX:?}"
mkdir -p "$PREFIX"

t="$EPOCHREALTIME"
log "building OpenSSL $BUILT_openssl"
step openssl "configure" openssl_configure
step openssl "make build_libs (-j$JOBS)" openssl_make
step openssl "make install_dev" openssl_install
time_openssl="$(since "$t")"
log "OpenSSL done ($time_openssl)"

t="$EPOCHREALTIME"
log "building libcurl $BUILT_curl"
step curl "reverting the GnuTLS/NSS flavour patches" curl_unpatch_flavours
step curl "configure" curl_configure
step curl "make -C lib (-j$JOBS)" curl_make
step curl "make install (lib, headers, libcurl.pc)" curl_install
time_curl="$(since "$t")"
log "libcurl done ($time_curl)"

t="$EPOCHREALTIME"
log "building Jansson $BUILT_jansson"
step jansson "cmake configure" jansson_configure
step jansson "cmake --build (-j$JOBS)" jansson_make
step jansson "cmake --install" jansson_install
time_jansson="$(since "$t")"
log "Jansson done ($time_jansson)"

t="$EPOCHREALTIME"
log "building libcsv $BUILT_libcsv"
step libcsv "autoreconf + configure" libcsv_configure
step libcsv "make libcsv.la (-j$JOBS)" libcsv_make
step libcsv "make install (library, header)" libcsv_install
time_libcsv="$(since "$t")"
log "libcsv done ($time_libcsv)"

install_licenses
write_deps_cmake
write_stamp "$PREFIX/STAMP.pending"

t="$EPOCHREALTIME"
log "checking the result"
bash "$ROOT/build/windows/deps-check.sh" "$PREFIX/STAMP.pending"
time_check="$(since "$t")"
mv "$PREFIX/STAMP.pending" "$STAMP"

log "built into out/windows/deps from:"
print_versions "$STAMP"
print_consumer_info
log "times: OpenSSL $time_openssl, libcurl $time_curl, Jansson $time_jansson, libcsv $time_libcsv," \
	"check $time_check;" \
	"total $(since "$start")"
