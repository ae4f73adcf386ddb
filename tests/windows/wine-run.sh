#!/usr/bin/env bash
# wine-run.sh <program.exe> [args...]: the AZSREG_CLI_WRAPPER of the CLI scripts under Wine
# (tests/windows/run.sh). Runs `wine <program> args...` with the same stdin, stdout, stderr
# and exit code, with two differences:
#
# - Wine's own error messages are on (WINEDEBUG=-all,err+all: "-all" first, or Debian's
#   wine script prints its wine32 hint), kept apart from the program's output: lines of
#   the form "0024:err:<channel>:..." go to $AZSREG_WINE_DIAG (default: dropped), never
#   into the output the test checks.
# - A start-up failure is retried, at most twice, and said loudly: the program exited
#   non-zero without printing a single byte on stdout or stderr and Wine reported no
#   exception. azsreg.exe never does that itself (every non-zero exit prints an error),
#   and under Wine it happened about once in ten runs of the whole suite on a loaded
#   machine ("remove" exited 1 with no output, the emulator saw no request). Each retry is
#   written to $AZSREG_WINE_RETRY_LOG with the program and subcommand, the exit code and
#   the Wine messages of the failed start, and tests/windows/run.sh prints that log. A
#   crash (Wine reports the exception) or a failure with any output is never retried.
set -uo pipefail

diag="${AZSREG_WINE_DIAG:-/dev/null}"
retry_log="${AZSREG_WINE_RETRY_LOG:-/dev/null}"
work="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-wine-run.XXXXXX")" || exit 125
trap 'rm -rf "$work"' EXIT

# stdin is read once, so that a retry sees the same bytes (the scripts give a file or
# /dev/null; a background job gets /dev/null)
cat >"$work/in"

# Output is passed on as it comes (a test reads the device code prompt while the program
# waits): the program writes into files (a file needs no reader to finish: Wine's helper
# processes may keep the program's stderr open long after it ended), and `tail -f --pid`
# forwards them while it runs, Wine's own messages filtered out. Afterwards the files tell
# whether there was any output at all.
wine_pattern='^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:(err|fixme|warn|trace):'
tries=0
wine_pid=""
trap 'if [ -n "$wine_pid" ]; then kill -TERM "$wine_pid" 2>/dev/null; fi; exit 143' TERM INT
while :; do
	: >"$work/out"
	: >"$work/err.all"
	WINEDEBUG=-all,err+all wine "$@" <"$work/in" >"$work/out" 2>"$work/err.all" &
	wine_pid=$!
	tail -s 0.02 -c +1 -f --pid="$wine_pid" "$work/out" &
	out_pid=$!
	tail -s 0.02 -c +1 -f --pid="$wine_pid" "$work/err.all" | grep --line-buffered -v -E "$wine_pattern" >&2 &
	err_pid=$!
	wait "$wine_pid"
	rc=$?
	wine_pid=""
	wait "$out_pid" "$err_pid"
	# only what the program wrote before it ended counts
	grep -E "$wine_pattern" "$work/err.all" >"$work/wine" || true
	grep -v -E "$wine_pattern" "$work/err.all" >"$work/err" || true
	cat "$work/wine" >>"$diag" 2>/dev/null || true
	if [ "$rc" -ne 0 ] && [ ! -s "$work/out" ] && [ ! -s "$work/err" ] && [ "$tries" -lt 2 ] &&
		! grep -q -i -E 'exception|seh:|page fault|backtrace' "$work/wine"; then
		tries=$((tries + 1))
		{
			# the program and its subcommand only: the rest may hold values a log must not show
			echo "wine-run: retry $tries: exit $rc with no output and no exception reported by Wine: $(basename "$1") ${2:-}"
			sed 's/^/wine-run:   | /' "$work/wine"
			[ -s "$work/wine" ] || echo "wine-run:   | (Wine printed no error message)"
		} >>"$retry_log"
		continue
	fi
	break
done
exit "$rc"
