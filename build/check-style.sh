#!/usr/bin/env bash
# House style, checked by tools (the README's test command runs this after the release
# build). Each check prints "check-style: <name>: ok" or its findings, then one line
# "style: N passed, N failed" (one count per check):
#   layers        build/check-layers.sh: the graph of which file of native/src uses which
#                 other file's functions has no circle (read from the build's objects)
#   format        clang-format --dry-run --Werror with .clang-format over every tracked .c/.h
#   tidy          clang-tidy with .clang-tidy over every .c file of native/ (the build's
#                 compile_commands.json; win32.c is the Windows build's and is left out).
#                 One file per clang-tidy process: in one process clang 14's analyzer
#                 carries state from one file to the next (va_list "uninitialized" right
#                 after va_start, depending on the order of the files).
#   editorconfig  lintspaces (npm, pinned in build/style/package-lock.json) over every
#                 tracked text file: final newline, no trailing whitespace, LF line ends,
#                 as .editorconfig's [*] section says. Not indentation: C indentation is
#                 clang-format's, and the indent-size checkers take the aligned
#                 continuation lines (tabs, then spaces) for errors.
#   headers       every .c/.h file opens with a comment saying what it is for
#
#   bash build/check-style.sh [build dir]        (default out/release)
#   bash build/check-style.sh --fix              rewrites the C files with clang-format
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "${1:-}" = "--fix" ]; then
	git ls-files -z '*.c' '*.h' | xargs -0 clang-format -i
	exit 0
fi
BUILD="${1:-$ROOT/out/release}"
OUT="$ROOT/out/style"
JOBS="${AZSREG_JOBS:-2}"
mkdir -p "$OUT"
passed=0
failed=0
result() { # <name> <ok 0|1> [findings file]
	if [ "$2" -eq 0 ]; then
		echo "check-style: $1: ok"
		passed=$((passed + 1))
	else
		echo "check-style: $1: FAILED"
		[ -n "${3:-}" ] && head -n 60 "$3" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# Data, not text to style (.editorconfig's data section says the same).
data_re='^(tests/fuzz/corpus/|tests/.*fixtures/)|\.(dict|bin|supp|patch)$|^tests/secrets\.txt$'

# --- layers
bash build/check-layers.sh "$BUILD" >"$OUT/layers.txt" 2>&1
result layers $? "$OUT/layers.txt"

# --- format
git ls-files -z '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror >"$OUT/format.txt" 2>&1
result format $? "$OUT/format.txt"

# --- tidy
if [ ! -f "$BUILD/compile_commands.json" ]; then
	echo "no $BUILD/compile_commands.json (configure the build first)" >"$OUT/tidy.txt"
	result tidy 1 "$OUT/tidy.txt"
else
	git ls-files -z 'native/*.c' | grep -zv 'platform/win32\.c$' |
		xargs -0 -P "$JOBS" -n 1 clang-tidy -p "$BUILD" --quiet >"$OUT/tidy.txt" 2>"$OUT/tidy.err"
	rc=$?
	# clang-tidy prints "N warnings generated" on stderr even when they are all filtered.
	grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^$' \
		"$OUT/tidy.err" >>"$OUT/tidy.txt" || true
	if [ "$rc" -eq 0 ] && ! grep -qE '(warning|error):' "$OUT/tidy.txt"; then
		result tidy 0
	else
		result tidy 1 "$OUT/tidy.txt"
	fi
fi

# --- editorconfig
tools="$OUT/node"
if ! cmp -s build/style/package-lock.json "$tools/package-lock.json" || [ ! -x "$tools/node_modules/.bin/lintspaces" ]; then
	rm -rf "$tools"
	mkdir -p "$tools"
	cp build/style/package.json build/style/package-lock.json "$tools/"
	if ! (cd "$tools" && env npm_config_update_notifier=false timeout 600 npm ci --no-audit --no-fund --silent) \
		>"$OUT/npm.log" 2>&1; then
		result editorconfig 1 "$OUT/npm.log"
		tools=""
	fi
fi
if [ -n "$tools" ]; then
	git ls-files | grep -vE "$data_re" | tr '\n' '\0' |
		xargs -0 "$tools/node_modules/.bin/lintspaces" --newline --trailingspaces --endofline LF \
			>"$OUT/editorconfig.raw" 2>&1
	rc=$?
	sed 's/\x1b\[[0-9;]*m//g' "$OUT/editorconfig.raw" | grep -v '^$' >"$OUT/editorconfig.txt"
	if [ "$rc" -eq 0 ] && ! grep -q '^Line' "$OUT/editorconfig.txt"; then
		result editorconfig 0
	else
		result editorconfig 1 "$OUT/editorconfig.txt"
	fi
fi

# --- header comments
: >"$OUT/headers.txt"
while IFS= read -r f; do
	head -n 1 "$f" | grep -q '^/\*' || echo "$f: does not open with a comment saying what it is for" >>"$OUT/headers.txt"
done < <(git ls-files '*.c' '*.h')
[ -s "$OUT/headers.txt" ]
result headers $((!$?)) "$OUT/headers.txt"

echo "style: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
