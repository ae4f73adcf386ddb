#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c; clang, -DAZSREG_FUZZ=ON, library and
# targets instrumented with ASan + UBSan + coverage) in out/fuzz and runs each of them
# for a bounded time over a scratch copy of its seed corpus (tests/fuzz/corpus/<target>/;
# the repository's corpus is never written). Two targets run at a time (2 cores).
#
#   bash build/fuzz.sh               build, then run every target
#   bash build/fuzz.sh --build-only  build only
#   bash build/fuzz.sh jwt url       build, then run only these targets
#
# Environment:
#   AZSREG_FUZZ_RUNS      executions per target (-runs; default 50000, with seed 1 and a
#                         300 s cap; set explicitly: a random seed and no cap)
#   AZSREG_FUZZ_SEED      libFuzzer's random seed (-seed)
#   AZSREG_FUZZ_SECONDS   time per target (-max_total_time). Set alone (without
#                         AZSREG_FUZZ_RUNS) it runs by time with a random seed instead:
#                         that is exploration (build/fuzz-long.sh), not a test.
#   AZSREG_FUZZ_PARALLEL  targets at a time (default 2)
#   AZSREG_FUZZ_WORK      scratch directory (default out/fuzz-run): corpus copies, logs,
#                         crash artifacts
#   AZSREG_FUZZ_KEEP      1: keep a scratch corpus that exists (long runs resume from it)
#   AZSREG_FUZZ_RATE      1: add execs/s to every target's line (build/fuzz-long.sh)
#   AZSREG_FUZZ_TIMEOUT   seconds one input may take before libFuzzer calls it a hang
#                         (-timeout; default 10; build/fuzz-long.sh: 60, see there)
# Prints one line per target, "fuzz <target>: <execs> execs, <cov> cov, ok" or
# "... CRASH (<artifact>)", then "N passed, N failed"; exits non-zero when any target
# crashed, leaked, broke an invariant, hit a sanitizer report, a timeout or the RSS limit.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
JOBS="${AZSREG_JOBS:-2}"
# The default (the test command's stage) is reproducible: a fixed seed and a fixed number
# of executions per target (about 1 to 60 CPU seconds each), so it runs exactly the inputs
# that passed before and cannot fail by chance; a run cut short by the 300 s cap on a
# loaded machine runs a prefix of the same inputs. Finding new bugs is build/fuzz-long.sh's job.
if [ -n "${AZSREG_FUZZ_SECONDS:-}" ] && [ -z "${AZSREG_FUZZ_RUNS:-}" ]; then
	SECONDS_PER="$AZSREG_FUZZ_SECONDS"
	RUNS=""
	SEED="${AZSREG_FUZZ_SEED:-}"
elif [ -n "${AZSREG_FUZZ_RUNS:-}" ]; then
	SECONDS_PER="${AZSREG_FUZZ_SECONDS:-0}"     # 0: no time limit
	RUNS="$AZSREG_FUZZ_RUNS"
	SEED="${AZSREG_FUZZ_SEED:-}"
else
	SECONDS_PER=300
	RUNS=50000
	SEED="${AZSREG_FUZZ_SEED:-1}"
fi
PARALLEL="${AZSREG_FUZZ_PARALLEL:-2}"
WORK="${AZSREG_FUZZ_WORK:-$ROOT/out/fuzz-run}"
BUILD="$ROOT/out/fuzz"
build_only=0
selected=()
for a in "$@"; do
	case "$a" in
		--build-only) build_only=1 ;;
		-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
		-*) echo "fuzz.sh: unknown option $a" >&2; exit 2 ;;
		*) selected+=("$a") ;;
	esac
done

# ------------------------------------------------------------------ toolchain
# clang and its compiler-rt (libFuzzer, ASan, UBSan runtimes) from Debian's archive.
clang_ok() {
	command -v clang >/dev/null 2>&1 || return 1
	local d
	d="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-fuzz-probe.XXXXXX")"
	printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$d/p.c"
	clang -fsanitize=fuzzer,address,undefined "$d/p.c" -o "$d/p" >/dev/null 2>&1
	local rc=$?
	rm -rf "$d"
	return $rc
}
if ! clang_ok; then
	echo "fuzz: installing clang and libFuzzer (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update >/dev/null || true
	ver="$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -n 1)"
	pkgs=(clang)
	if [ -n "$ver" ] && apt-cache show "libclang-rt-$ver-dev" >/dev/null 2>&1; then
		pkgs+=("libclang-rt-$ver-dev")
	fi
	if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${pkgs[@]}"; then
		echo "fuzz: could not install ${pkgs[*]}" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	if ! clang_ok; then
		echo "fuzz: clang cannot link -fsanitize=fuzzer,address,undefined programs" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

# ---------------------------------------------------------------------- build
mkdir -p "$BUILD"
echo "fuzz: configuring out/fuzz (clang, AZSREG_FUZZ=ON)"
if ! CC=clang cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAZSREG_FUZZ=ON \
	-DAZSREG_SANITIZE=OFF >"$BUILD/fuzz-configure.log" 2>&1; then
	cat "$BUILD/fuzz-configure.log"
	echo "fuzz: configure failed"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "fuzz: building the fuzz targets ($JOBS jobs)"
if ! cmake --build "$BUILD" -j "$JOBS" --target fuzz_all >"$BUILD/fuzz-build.log" 2>&1; then
	grep -E 'error|Error' "$BUILD/fuzz-build.log" | head -n 40
	echo "fuzz: build failed (log: ${BUILD#"$ROOT"/}/fuzz-build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
[ "$build_only" -eq 1 ] && { echo "fuzz: targets built in ${BUILD#"$ROOT"/}/fuzz"; exit 0; }

# ---------------------------------------------------------------------- targets
targets=()
if [ "${#selected[@]}" -gt 0 ]; then
	targets=("${selected[@]}")
else
	for src in tests/fuzz/fuzz_*.c; do
		t="$(basename "$src" .c)"
		t="${t#fuzz_}"
		[ "$t" = "tables" ] && continue      # the ctest table run, not a libFuzzer target
		targets+=("$t")
	done
fi

mkdir -p "$WORK"
# run_target <name>: one libFuzzer run; writes $WORK/<name>.log and $WORK/<name>.result
run_target() {
	local t="$1" bin="$BUILD/fuzz/fuzz_$1" dir="$WORK/$1" log="$WORK/$1.log" rc opts
	rm -f "$WORK/$t.result"
	if [ ! -x "$bin" ]; then
		echo "missing" >"$WORK/$t.result"
		return
	fi
	if [ "${AZSREG_FUZZ_KEEP:-0}" != 1 ]; then
		rm -rf "$dir"
	fi
	mkdir -p "$dir/corpus" "$dir/artifacts"
	rm -f "$dir/artifacts"/*
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp -n "tests/fuzz/corpus/$t"/* "$dir/corpus/" 2>/dev/null || true
	fi
	opts=(-timeout="${AZSREG_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
	[ -f "tests/fuzz/dict/$t.dict" ] && opts+=(-dict="tests/fuzz/dict/$t.dict")
	if [ -n "$RUNS" ]; then
		opts+=(-runs="$RUNS")
	fi
	opts+=(-max_total_time="$SECONDS_PER")
	if [ -n "$SEED" ]; then
		opts+=(-seed="$SEED")
	fi
	local started ended
	started=$(date +%s.%N)
	local TIMEFORMAT='%U %S' cpu
	{ time ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1" \
	       UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		"$bin" "${opts[@]}" "$dir/corpus" >"$log" 2>&1 ; } 2>"$WORK/$t.cpu"
	rc=$?
	ended=$(date +%s.%N)
	cpu="$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/$t.cpu" 2>/dev/null)"
	echo "$rc $started $ended ${cpu:-0}" >"$WORK/$t.result"
}

pids=()
names=()
for t in "${targets[@]}"; do
	run_target "$t" &
	pids+=($!)
	names+=("$t")
	# At most PARALLEL at a time.
	while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do
		wait -n 2>/dev/null || sleep 0.2
	done
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
	log="$WORK/$t.log"
	res="$(cat "$WORK/$t.result" 2>/dev/null || echo "none")"
	if [ "$res" = "missing" ] || [ "$res" = "none" ]; then
		echo "fuzz $t: CRASH (no program out/fuzz/fuzz/fuzz_$t)"
		failed=$((failed + 1))
		continue
	fi
	read -r rc started ended cpu <<<"$res"
	execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
	[ -z "$execs" ] && execs="$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
	[ -z "$execs" ] && execs=0
	cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | sed 's/cov: //')"
	[ -z "$cov" ] && cov=0
	rate=""
	if [ "${AZSREG_FUZZ_RATE:-0}" = 1 ]; then
		# Wall-clock rate, and the rate per CPU second (what a quiet machine would reach).
		rate="$(awk -v e="$execs" -v a="$started" -v b="$ended" -v c="${cpu:-0}" 'BEGIN { d = b - a; if (d <= 0) d = 1; if (c <= 0) c = d;
			printf ", %d execs/s over %d s (%d execs per CPU second)", e / d, d, e / c }')"
	fi
	bad=""
	if [ "$rc" -ne 0 ]; then
		bad="exit code $rc"
	elif grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|FUZZ INVARIANT BROKEN|SUMMARY: ' "$log"; then
		bad="sanitizer report"
	fi
	if [ -z "$bad" ]; then
		echo "fuzz $t: $execs execs, $cov cov$rate, ok"
		passed=$((passed + 1))
	else
		art="$(find "$WORK/$t/artifacts" -type f 2>/dev/null | head -n 1)"
		echo "fuzz $t: $execs execs, $cov cov$rate, CRASH (${art:-no artifact; $bad}; log ${log#"$ROOT"/})"
		grep -E -m 3 'FUZZ INVARIANT BROKEN|ERROR: |runtime error:|SUMMARY: ' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
