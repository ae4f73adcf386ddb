#!/bin/sh
# Fails when library, CLI or emulator sources call a banned function:
# strcpy strcat sprintf vsprintf gets atoi atol strtok sscanf (see docs/style.md).
# Comments and string literals are ignored; snprintf/vsnprintf/strtok_r-free code passes.
root=${1:-$(dirname "$0")/../..}
status=0
found=0
for dir in native/src native/cli native/emulator; do
	[ -d "$root/$dir" ] || continue
	for f in $(find "$root/$dir" -type f \( -name '*.c' -o -name '*.h' \) | sort); do
		found=1
		# Strip /* */ and // comments and string / char literals, keep line numbers.
		hits=$(sed -e 's://.*$::' "$f" | awk '
			BEGIN { inc = 0 }
			{
				line = $0; out = ""
				while (length(line) > 0) {
					if (inc) {
						p = index(line, "*/")
						if (p == 0) { line = ""; break }
						line = substr(line, p + 2); inc = 0
					} else {
						p = index(line, "/*")
						if (p == 0) { out = out line; line = ""; break }
						out = out substr(line, 1, p - 1); line = substr(line, p + 2); inc = 1
					}
				}
				gsub(/"([^"\\]|\\.)*"/, "\"\"", out)
				gsub(/'"'"'([^'"'"'\\]|\\.)*'"'"'/, "0", out)
				print NR ": " out
			}' | grep -E '(^|[^A-Za-z0-9_.>])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|sscanf)[[:space:]]*\(' )
		if [ -n "$hits" ]; then
			echo "$hits" | sed "s|^|$dir/$(basename "$f"):|"
			status=1
		fi
	done
done
if [ "$found" = 0 ]; then
	echo "banned_calls: no sources found under $root" >&2
	exit 1
fi
if [ "$status" != 0 ]; then
	echo "banned_calls: banned functions used (see above); use snprintf, strtol with checks, memcpy with bounds" >&2
fi
exit $status
