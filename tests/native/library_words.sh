#!/bin/sh
# Fails when a string literal of the library (native/src) names a front end: a CLI option
# (--ca-file), a PowerShell parameter (-UseDeviceAuthentication), a command of the CLI or
# the module, or "PowerShell" (issue 12: the library does not know its front ends; it
# speaks of its own options and the environment, and azsreg / the module add their own
# words: native/cli/main.c cli_hint, AzsCmdlet.ModuleHint).
# Comments are ignored. Before the scan, a planted sample must be caught (self-check).
root=${1:-$(dirname "$0")/../..}

# The string literals of a C file, one per line as "<line>: <text>", comments stripped.
literals() {
	sed -e 's://.*$::' "$1" | awk '
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
			while (match(out, /"([^"\\]|\\.)*"/)) {
				print NR ": " substr(out, RSTART + 1, RLENGTH - 2)
				out = substr(out, RSTART + RLENGTH)
			}
		}'
}

# --option, -PowerShellParameter (after a space, a parenthesis, a slash or a quote), the
# front ends' commands, and the word PowerShell.
PATTERN='(^|[ (/'"'"'])--[a-z][a-z-]+|(^|[ (/'"'"'])-[A-Z][a-z]+[A-Za-z]*|PowerShell|Connect-AzureRm|Get-Azs|Register-Azs|azsreg (request|register|list|get|sync|remove)'

sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
cat >"$sample" <<'EOF'
/* a comment may say --ca-file or -TenantId */
static const char *a = "check --proxy / HTTPS_PROXY";
static const char *b = "sign in (-UseDeviceAuthentication)";
static const char *c = "run azsreg request GET ...";
static const char *d = "fine: a-b, x--y, ARM -> ok, -1";
EOF
caught=$(literals "$sample" | grep -cE "$PATTERN")
if [ "$caught" != 3 ]; then
	echo "library_words: self-check failed: $caught of the 3 planted front-end names caught" >&2
	exit 1
fi

status=0
found=0
for f in $(find "$root/native/src" -type f \( -name '*.c' -o -name '*.h' \) | sort); do
	found=1
	hits=$(literals "$f" | grep -E "$PATTERN")
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|native/src/${f#"$root/native/src/"}:|"
		status=1
	fi
done
if [ "$found" = 0 ]; then
	echo "library_words: no sources found under $root/native/src" >&2
	exit 1
fi
if [ "$status" != 0 ]; then
	echo "library_words: the library names a front end above; say it in neutral terms and let the CLI (cli_hint) and the module (ModuleHint) add their words" >&2
else
	echo "library_words: no front-end names in the library's strings"
fi
exit "$status"
