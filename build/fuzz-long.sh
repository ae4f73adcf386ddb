#!/usr/bin/env bash
# Long fuzzing runs (hours): every libFuzzer target (or the ones named) for a given time
# or a given number of executions, two at a time, each resuming from its corpus of the
# previous long run (out/fuzz-long/<target>/corpus, seeded from tests/fuzz/corpus/).
#
#   bash build/fuzz-long.sh 3600               one hour per target
#   bash build/fuzz-long.sh --runs 10000000    ten million executions per target
#   bash build/fuzz-long.sh 600 operations url only these targets
#
# Prints, per target, executions, coverage and executions per second, then
# "N passed, N failed"; exits non-zero when any target failed (build/fuzz.sh does the
# build and the runs; crash artifacts land in out/fuzz-long/<target>/artifacts/).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=""
runs=""
args=()
while [ $# -gt 0 ]; do
	case "$1" in
		--runs) runs="${2:?--runs needs a number}"; shift 2 ;;
		--runs=*) runs="${1#--runs=}"; shift ;;
		-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
		[0-9]*) if [ -z "$seconds" ]; then seconds="$1"; else args+=("$1"); fi; shift ;;
		*) args+=("$1"); shift ;;
	esac
done
if [ -z "$seconds" ] && [ -z "$runs" ]; then
	echo "usage: bash build/fuzz-long.sh <seconds per target> | --runs <executions per target> [targets...]" >&2
	exit 2
fi

export AZSREG_FUZZ_WORK="${AZSREG_FUZZ_WORK:-$ROOT/out/fuzz-long}"
export AZSREG_FUZZ_KEEP=1
export AZSREG_FUZZ_RATE=1
# libFuzzer's hang limit is wall-clock time: on a machine shared with other work (the test
# command beside it, or a run started with nice) an input of 10 ms once took 12 s, and 10 s
# called that a hang. 60 s still finds a real hang (an endless loop) in a long run.
export AZSREG_FUZZ_TIMEOUT="${AZSREG_FUZZ_TIMEOUT:-60}"
if [ -n "$runs" ]; then
	export AZSREG_FUZZ_RUNS="$runs"
	if [ -n "$seconds" ]; then export AZSREG_FUZZ_SECONDS="$seconds"; else unset AZSREG_FUZZ_SECONDS; fi
else
	export AZSREG_FUZZ_SECONDS="$seconds"
	unset AZSREG_FUZZ_RUNS
fi
exec bash "$ROOT/build/fuzz.sh" "${args[@]}"
