#!/bin/sh
# Checks tests/native/README.md's table of which test file tests which library source
# against the tree (issue 12, item 7: the unit tests mirror native/src's layers):
#   - every native/src/<layer>/<file>.c has exactly one row, and no row names a source
#     that does not exist;
#   - every test file a row names exists; the first one, the source's own test file, sits in
#     tests/native/L/ for a source of layer L (platform sources: base/, whose tests reach
#     them); further ones may be tests of a higher layer that exercise the source through it;
#   - every tests/native/<layer>/test_*.c is named in some row.
# Prints each problem and exits 1 when there is one. Before the real check it runs itself
# on a planted copy with three faults and must find all three (self-check).
root=${1:-$(dirname "$0")/../..}

check() { # <source root> <tests dir>: prints problems, returns their count in $bad
	src=$1
	tdir=$2
	bad=0
	rows=$(grep -E '^\| `(platform|base|http|identity|arm)/[a-z_0-9]+\.c` \|' "$tdir/README.md")
	for f in "$src"/*/*.c; do
		rel=${f#"$src"/}
		n=$(printf '%s\n' "$rows" | grep -c "^| \`$rel\` |")
		if [ "$n" -ne 1 ]; then
			echo "native/src/$rel: $n rows in tests/native/README.md (expected 1)"
			bad=$((bad + 1))
		fi
	done
	printf '%s\n' "$rows" | while IFS= read -r row; do
		rel=$(printf '%s\n' "$row" | sed -E 's/^\| `([^`]+)`.*/\1/')
		layer=${rel%%/*}
		[ -f "$src/$rel" ] || echo "tests/native/README.md names native/src/$rel, which does not exist"
		tests=$(printf '%s\n' "$row" | sed -E 's/^\| `[^`]+` \|//' | grep -oE '`[a-z]+/test_[a-z_0-9]+\.c`' | tr -d '`')
		[ -n "$tests" ] || echo "native/src/$rel: its row names no test file"
		first=1
		for t in $tests; do
			tl=${t%%/*}
			[ -f "$tdir/$t" ] || echo "native/src/$rel: tests/native/$t does not exist"
			if [ "$first" = 1 ] && [ "$tl" != "$layer" ] && ! { [ "$layer" = platform ] && [ "$tl" = base ]; }; then
				echo "native/src/$rel: tests/native/$t is not in the folder of its layer ($layer/)"
			fi
			first=0
		done
	done >"$tmp/problems"
	bad=$((bad + $(wc -l <"$tmp/problems")))
	cat "$tmp/problems"
	rm -f "$tmp/problems"
	for t in "$tdir"/*/test_*.c; do
		rel=${t#"$tdir"/}
		if ! grep -q "\`$rel\`" "$tdir/README.md"; then
			echo "tests/native/$rel: named in no row of tests/native/README.md"
			bad=$((bad + 1))
		fi
	done
}

# Self-check: a copy with a source without a row, a test file named in no row, and a row
# pointing at a test file in another layer's folder.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/base" "$tmp/src/http" "$tmp/t/base" "$tmp/t/http"
: >"$tmp/src/base/a.c"
: >"$tmp/src/base/b.c"
: >"$tmp/src/http/c.c"
: >"$tmp/t/base/test_a.c"
: >"$tmp/t/base/test_c.c"
: >"$tmp/t/http/test_orphan.c"
printf '%s\n' '| `base/a.c` | `base/test_a.c` |' '| `http/c.c` | `base/test_c.c` |' >"$tmp/t/README.md"
out=$(check "$tmp/src" "$tmp/t")
for want in "native/src/base/b.c: 0 rows" "tests/native/base/test_c.c is not in the folder of its layer" \
	"tests/native/http/test_orphan.c: named in no row"; do
	case $out in
	*"$want"*) ;;
	*)
		echo "test_map.sh self-check: the planted fault \"$want\" was not found; got:"
		echo "$out"
		exit 1
		;;
	esac
done

check "$root/native/src" "$root/tests/native"
if [ "$bad" -ne 0 ]; then
	echo "$bad problem(s): tests/native/README.md and the tree disagree"
	exit 1
fi
echo "tests/native/README.md: every source of native/src has its row and every test file its layer"
