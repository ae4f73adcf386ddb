#!/bin/sh
# Fails when a string literal of the library (native/src) names a front end: a CLI option
# (--ca-file), a PowerShell parameter (-UseDeviceAuthentication), a command of the CLI or
# the module, or "PowerShell" (issue 12: the library does not know its front ends; it
# speaks of its own options and the environment, and azsreg / the module add their own
# words: native/cli/main.c cli_hint, AzsCmdlet.ModuleHint).
# Comments are ignored. Before the scan, planted samples must be caught (self-check).
root=${1:-$(dirname "$0")/../..}

# The string literals of a C file, one per line as "<line>: <text>". One state machine over
# the characters (code, "string", 'c'har, /* block */ and // line comments), so that a "//"
# inside a string (a URL) or inside a block comment is what it is. Each literal of a
# concatenation prints on its own line.
literals() {
	awk '
		BEGIN { st = "code"; q = sprintf("%c", 34); a = sprintf("%c", 39); bs = sprintf("%c", 92) }
		{
			line = $0; n = length(line); lit = ""; i = 1
			while (i <= n) {
				c = substr(line, i, 1); d = substr(line, i, 2)
				if (st == "code") {
					if (d == "/*") { st = "block"; i += 2; continue }
					if (d == "//") { break }
					if (c == q) { st = "str"; lit = ""; i++; continue }
					if (c == a) { st = "chr"; i++; continue }
				} else if (st == "block") {
					if (d == "*/") { st = "code"; i += 2; continue }
				} else if (st == "str") {
					if (c == bs) { lit = lit d; i += 2; continue }
					if (c == q) { print NR ": " lit; st = "code"; i++; continue }
					lit = lit c
				} else if (st == "chr") {
					if (c == bs) { i += 2; continue }
					if (c == a) { st = "code" }
				}
				i++
			}
			if (st == "str") { print NR ": " lit; st = "code" }   # unterminated on its line: shown anyway
			if (st == "chr") st = "code"
		}' "$1"
}

# --option, -PowerShellParameter (after a space, a parenthesis, a slash or a quote), the
# front ends' commands, and the word PowerShell.
PATTERN='(^|[ (/'"'"'])--[a-z][a-z-]+|(^|[ (/'"'"'])-[A-Z][a-z]+[A-Za-z]*|PowerShell|Connect-AzureRm|Get-Azs|Register-Azs|azsreg (request|register|list|get|sync|remove)'

sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
cat >"$sample" <<'SAMPLE'
/* a comment may say --ca-file or -TenantId */
static const char *a = "check --proxy / HTTPS_PROXY";
static const char *b = "sign in (-UseDeviceAuthentication)";
static const char *c = "run azsreg request GET ...";
static const char *d = "fine: a-b, x--y, ARM -> ok, -1";
static const char *e = "see https://x/ then --proxy"; /* http:// in a comment */
/* a block comment with // inside */ static const char *f = "then -TenantId";
static const char *g = "a quote \" then --ca-file", h = '"';
static const char *i = "after a char literal: PowerShell";
SAMPLE
caught=$(literals "$sample" | grep -cE "$PATTERN")
if [ "$caught" != 7 ]; then
	echo "library_words: self-check failed: $caught of the 7 planted front-end names caught; the literals seen:" >&2
	literals "$sample" >&2
	exit 1
fi

status=0
nfiles=0
nlit=0
files=$(find "$root/native/src" -type f \( -name '*.c' -o -name '*.h' \) | sort)
for f in $files; do
	if [ ! -f "$f" ]; then
		echo "library_words: cannot read '$f' (a path with a space?)" >&2
		exit 1
	fi
	nfiles=$((nfiles + 1))
	nlit=$((nlit + $(literals "$f" | wc -l)))
	hits=$(literals "$f" | grep -E "$PATTERN")
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | sed "s|^|native/src/${f#"$root/native/src/"}:|"
		status=1
	fi
done
if [ "$nfiles" = 0 ]; then
	echo "library_words: no sources found under $root/native/src" >&2
	exit 1
fi
if [ "$status" != 0 ]; then
	echo "library_words: the library names a front end above; say it in neutral terms and let the CLI (cli_hint) and the module (ModuleHint) add their words" >&2
else
	echo "library_words: no front-end names in the $nlit string literals of $nfiles files"
fi
exit "$status"
