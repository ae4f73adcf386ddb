#!/usr/bin/env bash
# Runs the whole test command (build/test.sh) several times in a row while other
# processes keep every core busy, and says whether it passed every time. This is how the
# suite is shown not to flake on a loaded machine (issue 9): no test may depend on how
# fast the machine is.
#
# Usage: build/test-under-load.sh [runs (default 3)] [cpu hogs (default: number of cores)]
#   Load comes from Debian's `stress --cpu N` (installed with apt-get when missing), started
#   before the first run and stopped when the script exits; 0 hogs: no stress, the load is
#   brought by the caller (for example build/fuzz-long.sh in another checkout, which keeps
#   two fuzzers busy and measures them meanwhile). While the runs go, the load
#   average is sampled every 30 s; each run prints its summary line, its time and the
#   median and maximum load average seen during it.
#   Each run's logs are kept in out/load/run-<i>/ (build/test.sh reuses out/logs).
# Exits 0 only when every run ended with "N passed, 0 failed".
# Not part of the test command itself: it takes runs x (about 1.5 x the unloaded time).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
RUNS="${1:-3}"
HOGS="${2:-$(nproc)}"
case "$RUNS$HOGS" in *[!0-9]*|'') echo "usage: $0 [runs] [cpu-hogs]" >&2; exit 2 ;; esac

if [ "$HOGS" -gt 0 ] && ! command -v stress >/dev/null 2>&1; then
	SUDO=()
	if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends stress >/dev/null
fi

OUT="$ROOT/out/load"
rm -rf "$OUT"
mkdir -p "$OUT"

stress_pid=""
sampler_pid=""
run_pid=""
cleanup() {
	# a run in progress is stopped with everything it started (its own process group)
	if [ -n "$run_pid" ]; then kill -- "-$run_pid" 2>/dev/null || kill "$run_pid" 2>/dev/null; fi
	if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null; fi
	if [ -n "$stress_pid" ]; then kill -- "-$stress_pid" 2>/dev/null || kill "$stress_pid" 2>/dev/null; fi
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$HOGS" -gt 0 ]; then
	# its own process group, so that cleanup stops stress and its workers together
	set -m
	stress --cpu "$HOGS" >/dev/null 2>&1 &
	stress_pid=$!
	set +m
	echo "test-under-load: stress --cpu $HOGS (pid $stress_pid) on $(nproc) cores; $RUNS runs of build/test.sh"
else
	echo "test-under-load: no stress (the caller brings the load) on $(nproc) cores; $RUNS runs of build/test.sh"
fi

# load average samples, one line "epoch load1" every 30 s
(
	while :; do
		printf '%s %s\n' "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)"
		sleep 30
	done
) >"$OUT/loadavg.txt" &
sampler_pid=$!

load_stats() { # from to -> "median M, max X"
	awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { v[n++] = $2 }
		END {
			if (n == 0) { print "no samples"; exit }
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			printf "median %s, max %s (%d samples)\n", v[int(n / 2)], v[n - 1], n
		}' "$OUT/loadavg.txt"
}

failed_runs=0
results=()
for i in $(seq 1 "$RUNS"); do
	start=$(date +%s)
	echo "test-under-load: run $i of $RUNS started $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
	set -m
	bash build/test.sh >"$OUT/run-$i.log" 2>&1 &
	run_pid=$!
	set +m
	wait "$run_pid"
	rc=$?
	run_pid=""
	end=$(date +%s)
	mkdir -p "$OUT/run-$i"
	cp -r out/logs/. "$OUT/run-$i/" 2>/dev/null
	summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/run-$i.log" | tail -n 1)"
	[ -n "$summary" ] || summary="no summary line"
	if [ "$rc" -ne 0 ] || ! grep -qE '^[0-9]+ passed, 0 failed$' <<<"$summary"; then
		failed_runs=$((failed_runs + 1))
		grep -E 'failed' "$OUT/run-$i.log" | grep -vE ' 0 failed' | tail -n 20
	fi
	results+=("run $i: $summary (exit $rc), $((end - start)) s, load average $(load_stats "$start" "$end")")
	echo "test-under-load: ${results[-1]}"
done

echo
for line in "${results[@]}"; do echo "  $line"; done
if [ "$failed_runs" -ne 0 ]; then
	echo "test-under-load: $failed_runs of $RUNS runs failed (logs in out/load/)"
	exit 1
fi
echo "test-under-load: all $RUNS runs passed"
