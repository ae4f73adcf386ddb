#!/usr/bin/env bash
# Searches test logs for secrets: every value in tests/secrets.txt, every string in the
# test sources (tests/) that contains "do-not-log" / "do-not-print", JWT-shaped strings
# (eyJ...\.eyJ...) and PEM private keys. Prints each hit as file:line: [what] with the
# line's secrets masked, never a secret itself. Exits 1 when anything was found, 2 on a
# usage error, 0 when clean. The last line is "secret scan: N files, N hits".
# One kind of line is skipped: valgrind's "==PID== Command: ..." header, which repeats the
# arguments the test itself gave the program (tests pass a proxy URL with credentials to
# --proxy on purpose); everything the programs print is searched.
# usage: secret-scan.sh <file or directory>...     (directories are searched recursively)
# env SECRET_SCAN_EXTRA: a file with more secrets, one per line (used by the self-check).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$#" -eq 0 ]; then
	echo "usage: secret-scan.sh <file or directory>..." >&2
	exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-secret-scan.XXXXXX")"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# the secrets, one per line, at least 6 characters (shorter ones would hit ordinary text)
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT/tests/secrets.txt"
	grep -rhoE '[A-Za-z0-9_.:-]*do-not-(log|print)[A-Za-z0-9_.-]*' "$ROOT/tests" --include='*.c' --include='*.h' \
		--include='*.sh' --include='*.ps1' --include='*.psm1' 2>/dev/null
	if [ -n "${SECRET_SCAN_EXTRA:-}" ] && [ -f "$SECRET_SCAN_EXTRA" ]; then cat "$SECRET_SCAN_EXTRA"; fi
} | sed 's/[[:space:]]*$//' | awk 'length($0) >= 6' | sort -u >"$work/secrets"
# a pre-filter: any secret, or the start of a JWT / PEM key
cp "$work/secrets" "$work/prefilter"
printf '%s\n' 'eyJ' 'PRIVATE KEY-----' >>"$work/prefilter"

files=0
hits=0
while IFS= read -r -d '' f; do
	files=$((files + 1))
	grep -a -n -F -f "$work/prefilter" "$f" 2>/dev/null | awk -v file="$f" '
		FNR == NR { sec[++ns] = $0; next }
		{
			p = index($0, ":"); lineno = substr($0, 1, p - 1); line = substr($0, p + 1)
			# valgrind echoes the command line it ran (the test'"'"'s own arguments, e.g. a
			# proxy URL with credentials given to --proxy on purpose): not program output
			if (line ~ /^==[0-9]+== Command: /) next
			what = ""
			for (i = 1; i <= ns; i++) {
				found = 0
				while ((q = index(line, sec[i])) > 0) {
					line = substr(line, 1, q - 1) "***" substr(line, q + length(sec[i]))
					found = 1
				}
				if (found) what = what " secret"
			}
			if (line ~ /eyJ[A-Za-z0-9_-]+\.eyJ/) {
				gsub(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?/, "<JWT>", line)
				what = what " JWT"
			}
			if (line ~ /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/) {
				what = what " PEM-private-key"
				line = "(a PEM private key begins here)"
			}
			if (what != "") {
				print file ":" lineno ":" what ": " substr(line, 1, 160)
			}
		}' "$work/secrets" - >"$work/hits"
	if [ -s "$work/hits" ]; then
		cat "$work/hits"
		hits=$((hits + $(wc -l <"$work/hits")))
	fi
done < <(for a in "$@"; do
	if [ -d "$a" ]; then find "$a" -type f -print0; elif [ -f "$a" ]; then printf '%s\0' "$a"; fi
done)

echo "secret scan: $files files, $hits hits ($(wc -l <"$work/secrets") secrets + JWT + PEM private keys)"
[ "$hits" -eq 0 ]
