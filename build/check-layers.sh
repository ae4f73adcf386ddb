#!/usr/bin/env bash
# Which file of native/src uses which other file's functions, the circles in that graph
# (issue 12: "no import circles") and the uses that go up the layers. Read from the object
# files of a build (default out/release), with nm: file A uses file B when A's object has
# an undefined symbol that B's object defines. Files are named by their folder, which is
# their layer, lowest first: platform, base, http, identity, arm (native/CMakeLists.txt).
# Prints the edges (A -> B: the symbols, up to three), every use of a higher layer
# ("upward: ..."), every strongly connected group of more than one file ("circle: ..."),
# then "N circles, N upward uses".
#
#   bash build/check-layers.sh [build dir]     exits 1 when there is a circle or an upward use
#
# The test command runs it (build/check-style.sh, check "layers").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/out/release}"
OBJ="$BUILD/native/CMakeFiles/azsreg_objects.dir/src"
LAYERS="platform base http identity arm"
objects() { find "$OBJ" -name '*.c.o' | sort; }
if [ -z "$(objects)" ]; then
	echo "check-layers: no object files in $OBJ (build first: cmake --build $BUILD)" >&2
	exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
while IFS= read -r o; do
	f="${o#"$OBJ"/}"
	f="${f%.o}"
	nm --defined-only -g "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print $3, f }'
done < <(objects) | sort >"$work/defs"
while IFS= read -r o; do
	f="${o#"$OBJ"/}"
	f="${f%.o}"
	nm -u "$o" | awk -v f="$f" '{ print $2, f }'
done < <(objects) | sort >"$work/uses"
# "user definer symbol" for every symbol defined in another file of the library
join "$work/uses" "$work/defs" | awk '$2 != $3 { print $2, $3, $1 }' | sort >"$work/edges"

awk '
	{ key = $1 " -> " $2; if (!(key in n)) { order[++k] = key }; if (n[key]++ < 3) syms[key] = syms[key] (n[key] > 1 ? ", " : "") $3 }
	END { for (i = 1; i <= k; i++) { key = order[i]; printf "%s: %s%s\n", key, syms[key], (n[key] > 3 ? sprintf(" (+%d)", n[key] - 3) : "") } }
' "$work/edges"

# Uses of a higher layer (a file outside the known layers counts as one).
awk -v layers="$LAYERS" '
	BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i }
	function r(f,    d) { d = f; sub(/\/.*/, "", d); return (d in rank) ? rank[d] : 0 }
	{ if (r($1) == 0 || r($1) < r($2)) print "upward: " $1 " -> " $2 }
' <(awk '{ print $1, $2 }' "$work/edges" | sort -u) >"$work/upward"
cat "$work/upward"
upward=$(wc -l <"$work/upward")

# Strongly connected components (Tarjan) over the file graph.
awk '{ print $1, $2 }' "$work/edges" | sort -u | awk -v upward="$upward" '
	{ adj[$1] = adj[$1] " " $2; nodes[$1] = 1; nodes[$2] = 1 }
	function strong(v,    i, n, ws, w, comp, size) {
		index_of[v] = idx; low[v] = idx; idx++
		stack[++sp] = v; on[v] = 1
		n = split(adj[v], ws, " ")
		for (i = 1; i <= n; i++) {
			w = ws[i]
			if (!(w in index_of)) { strong(w); if (low[w] < low[v]) low[v] = low[w] }
			else if (on[w] && index_of[w] < low[v]) low[v] = index_of[w]
		}
		if (low[v] == index_of[v]) {
			comp = ""; size = 0
			do { w = stack[sp--]; on[w] = 0; comp = comp " " w; size++ } while (w != v)
			if (size > 1) { circles++; print "circle:" comp }
		}
	}
	END {
		idx = 0; sp = 0; circles = 0
		for (v in nodes) if (!(v in index_of)) strong(v)
		print circles " circles, " upward " upward uses"
		exit circles > 0 || upward > 0
	}
'
