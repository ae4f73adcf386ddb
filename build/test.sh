#!/usr/bin/env bash
# Runs every test (README command 2; .ci/run calls exactly this script):
#   1. installs missing system packages                       (build/install-deps.sh)
#   2. release build (out/release) -> ctest: unit, integration, fuzz tables; then the
#      house style by tools (build/check-style.sh: no circle between the library's files,
#      clang-format, clang-tidy, .editorconfig, header comments; one count per check)
#   3. ASan + UBSan build (out/asan) -> ctest again; then every libFuzzer target for a
#      bounded time (build/fuzz.sh: clang, out/fuzz; one count per target)
#   4. valgrind memcheck over every integration test of the release build and the
#      allocation-failure test (the test programs and the library they load; one run also
#      puts the emulator itself under valgrind)
#   5. the PowerShell module's Pester tests (build/install-pwsh.sh, build/package-module.sh,
#      tests/ps/run.ps1)
#   6. the emulator against Microsoft's Node and .NET SDKs (tests/conformance/run.sh:
#      npm and NuGet install the pinned SDKs; one count per SDK x check)
#   7. Windows x64: cross-build (build/build-windows.sh), package both runtimes, and the
#      Windows tests under Wine (tests/windows/run.sh)
#   8. a secret scan of every log of this run (build/secret-scan.sh): out/logs (ctest,
#      valgrind, Pester, sign-in TRACE captures) and both builds' ctest LastTest.log. The
#      ctest stages run with AZSREG_TEST_LOG=trace, so the integration tests' clients log at
#      TRACE into that output. Each hit counts as a failure. A self-check first plants a
#      secret, a JWT and a PEM key in a scratch file: the scan must find all three.
# Ends with one line "N passed, N failed" (ctest tests of both builds + libFuzzer targets +
# valgrind runs + Pester tests + conformance checks + Windows parts) and exits non-zero
# when anything failed. Logs are kept in out/logs/.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${AZSREG_JOBS:-2}"
LOGS="$ROOT/out/logs"
mkdir -p "$LOGS"
# Every emulator of this run (ctest, Pester, the SDKs, Wine) signs its tokens with one RSA
# key kept here, instead of generating one at each of its hundreds of starts (0.1-0.3 s of
# CPU each). Not a log: the secret scan does not read it; it signs only emulator tokens.
export AZSREG_EMULATOR_SIGNING_KEY="${AZSREG_EMULATOR_SIGNING_KEY:-$ROOT/out/emulator-signing-key.pem}"

total_passed=0
total_failed=0
summary=()
start_time=$(date +%s)

banner() { printf '\n======== %s ========\n' "$*"; }
record() { # stage passed failed
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	summary+=("$(printf '%-28s %4d passed, %4d failed' "$1" "$2" "$3")")
}
finish() {
	local elapsed=$(( $(date +%s) - start_time ))
	banner "summary (${elapsed} s; logs in out/logs)"
	local line
	for line in "${summary[@]}"; do echo "  $line"; done
	echo "$total_passed passed, $total_failed failed"
	if [ "$total_failed" -ne 0 ]; then exit 1; fi
	exit 0
}

# ctest_stage <label> <build dir> [extra env assignments...]
ctest_stage() {
	local label="$1" dir="$2"; shift 2
	local log="$LOGS/ctest-$label.log" rc
	banner "ctest ($label)"
	rm -rf "$LOGS/signin-$label"
	mkdir -p "$LOGS/signin-$label"
	rm -f "$dir"/Testing/Temporary/LastTest*.log
	env AZSREG_TEST_LOG=trace SIGNIN_LOG_DIR="$LOGS/signin-$label" "$@" \
		ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 1500 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local line failed total
	line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)"
	if [ -n "$line" ]; then
		failed="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
		total="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
		if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
		record "ctest $label" $((total - failed)) "$failed"
	elif grep -q 'No tests were found' "$log"; then
		echo "test.sh: no tests found in $dir" >&2
		record "ctest $label" 0 1
	else
		record "ctest $label" 0 1
	fi
}

# ---------------------------------------------------------------------------------------
banner "dependencies"
if ! bash build/install-deps.sh; then
	record "install-deps" 0 1
	finish
fi

banner "release build"
if bash build/build.sh release 2>&1 | tee "$LOGS/build-release.log"; [ "${PIPESTATUS[0]}" -ne 0 ]; then
	record "build release" 0 1
else
	ctest_stage release out/release
	# House style by tools (build/check-style.sh): no circle between the library's files,
	# clang-format, clang-tidy, .editorconfig, a header comment in each C file.
	banner "style (layers, clang-format, clang-tidy, editorconfig, headers)"
	bash build/check-style.sh out/release 2>&1 | tee "$LOGS/style.log"
	st="$(sed -nE 's/^style: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$LOGS/style.log")"
	if [ -n "$st" ]; then
		record "style" ${st% *} ${st#* }
	else
		record "style" 0 1
	fi
fi

banner "ASan + UBSan build"
if bash build/build.sh asan 2>&1 | tee "$LOGS/build-asan.log"; [ "${PIPESTATUS[0]}" -ne 0 ]; then
	record "build asan" 0 1
else
	ctest_stage asan out/asan \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

# ---------------------------------------------------------------------------------------
# libFuzzer: every target of tests/fuzz (build/fuzz.sh: clang, out/fuzz, library and
# targets instrumented) for a bounded time over a scratch copy of its seed corpus; each
# target counts as passed or failed (crash, leak, sanitizer report, invariant, timeout).
banner "libFuzzer targets (bounded runs, build/fuzz.sh)"
bash build/fuzz.sh 2>&1 | tee "$LOGS/fuzz.log"
rc=${PIPESTATUS[0]}
fz_passed="$(grep -cE '^fuzz [a-z0-9_]+: .*, ok$' "$LOGS/fuzz.log")"
fz_failed="$(grep -cE '^fuzz [a-z0-9_]+: .*CRASH' "$LOGS/fuzz.log")"
if [ "$rc" -ne 0 ] && [ "$fz_failed" -eq 0 ]; then fz_failed=1; fi
record "libFuzzer" "$fz_passed" "$fz_failed"

# ---------------------------------------------------------------------------------------
# valgrind: every integration test (ctest name integ_*) of the release build and the
# allocation-failure test (native_test_alloc_failure: every allocation of the library
# failed in turn must leak nothing), one valgrind run per test program. Criterion runs
# each test in a child process, and valgrind only reports a child's errors in its own
# log, so every process gets its own log file and the run fails when any log reports an
# error (leaks of kind definite/indirect count).
banner "valgrind memcheck (integration tests and allocation failures, release build)"
if [ -f out/release/CTestTestfile.cmake ] && command -v valgrind >/dev/null; then
	VG_DIR="$LOGS/valgrind"
	rm -rf "$VG_DIR"
	mkdir -p "$VG_DIR"
	vg_opts=(--leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
	         --show-leak-kinds=definite,indirect --num-callers=30
	         --suppressions="$ROOT/tests/integration/valgrind.supp")
	ctest --test-dir out/release -R '^(integ_|native_test_alloc_failure$)' --show-only=json-v1 >"$VG_DIR/tests.json" 2>/dev/null || true
	vg_passed=0
	vg_failed=0
	n="$(jq '.tests | length' "$VG_DIR/tests.json" 2>/dev/null || echo 0)"
	# vg_check <run name> <exit code> <started>: counts the run; a run is clean when the
	# program passed and no process log reports an error. A log without a summary comes
	# from a child that exec'd a skipped program (the emulator): only its 6-line header.
	vg_check() {
		local run="$1" rc="$2" started="$3" f bad="" logs
		logs="$(ls "$VG_DIR/$run"/vg.*.log 2>/dev/null | wc -l)"
		for f in "$VG_DIR/$run"/vg.*.log; do
			[ -f "$f" ] || continue
			if grep -qE 'ERROR SUMMARY: [1-9]' "$f"; then
				bad="$bad $f"
			elif ! grep -q 'ERROR SUMMARY' "$f" && [ "$(wc -l <"$f")" -gt 6 ]; then
				bad="$bad $f"
			fi
		done
		if [ "$rc" -eq 0 ] && [ -z "$bad" ] && [ "$logs" -gt 0 ]; then
			vg_passed=$((vg_passed + 1))
			echo "valgrind $run: clean ($logs process logs, $(( $(date +%s) - started )) s)"
		else
			vg_failed=$((vg_failed + 1))
			echo "valgrind $run: FAILED (exit code $rc, $logs process logs)"
			for f in $bad; do echo "--- $f"; cat "$f"; done
			if [ "$rc" -ne 0 ]; then tail -n 40 "$VG_DIR/$run/output.log"; fi
		fi
	}
	for ((i = 0; i < n; i++)); do
		name="$(jq -r ".tests[$i].name" "$VG_DIR/tests.json")"
		mapfile -t cmd < <(jq -r ".tests[$i].command[]" "$VG_DIR/tests.json")
		[ "${#cmd[@]}" -gt 0 ] || continue
		mkdir -p "$VG_DIR/$name"
		vg=(valgrind "${vg_opts[@]}" --log-file="$VG_DIR/$name/vg.%p.log")
		started=$(date +%s)
		case "$(basename "${cmd[0]}")" in
			bash|sh)
				# A shell test: valgrind goes around each azsreg invocation.
				AZSREG_CLI_WRAPPER="${vg[*]}" "${cmd[@]}" >"$VG_DIR/$name/output.log" 2>&1
				rc=$? ;;
			*)
				# A Criterion program: valgrind follows its per-test child processes,
				# not the emulator they spawn (checked separately below).
				"${vg[@]}" --trace-children=yes --trace-children-skip='*azsreg-emulator*,*valgrind*' \
					"${cmd[@]}" >"$VG_DIR/$name/output.log" 2>&1
				rc=$? ;;
		esac
		vg_check "$name" "$rc" "$started"
		# The emulator itself under valgrind, for one full scenario (start, sign-in,
		# register, get, list, delete, SIGTERM): it must exit 0 with nothing leaked.
		if [ "$name" = "integ_test_crud" ]; then
			run="integ_test_crud-emulator"
			mkdir -p "$VG_DIR/$run"
			vg=(valgrind "${vg_opts[@]}" --log-file="$VG_DIR/$run/vg.%p.log")
			started=$(date +%s)
			AZSREG_EMULATOR_WRAPPER="${vg[*]}" "${cmd[0]}" --filter 'crud/put_get_list_delete_round_trip' \
				>"$VG_DIR/$run/output.log" 2>&1
			rc=$?
			if ! grep -q 'Tested: 1 ' "$VG_DIR/$run/output.log"; then rc=98; fi
			vg_check "$run" "$rc" "$started"
		fi
	done
	if [ "$n" -eq 0 ]; then
		echo "test.sh: no integration tests found for valgrind" >&2
		vg_failed=$((vg_failed + 1))
	fi
	record "valgrind" "$vg_passed" "$vg_failed"
else
	echo "test.sh: release build or valgrind missing; valgrind stage failed" >&2
	record "valgrind" 0 1
fi

# ---------------------------------------------------------------------------------------
banner "PowerShell module (Pester)"
if [ ! -f build/install-pwsh.sh ]; then
	echo "SKIPPED: build/install-pwsh.sh does not exist yet, so the PowerShell tests cannot run"
	summary+=("PowerShell tests: SKIPPED (build/install-pwsh.sh not written yet)")
else
	ps_log="$LOGS/pester.log"
	(
		set -e
		bash build/install-pwsh.sh
		bash build/package-module.sh out/release
		export AZSREG_BUILD_DIR="$ROOT/out/release"
		export AZSREG_MODULE_PATH="$ROOT/out/module/AzsRegistration"
		"$HOME/.dotnet/tools/pwsh" -NoProfile -File tests/ps/run.ps1
	) 2>&1 | tee "$ps_log"
	rc=${PIPESTATUS[0]}
	# Pester 5 prints "Tests Passed: N, Failed: N, Skipped: N ..." at the end of a run.
	line="$(sed -E 's/\x1b\[[0-9;]*m//g' "$ps_log" | grep -E 'Tests Passed: [0-9]+, Failed: [0-9]+' | tail -n 1)"
	if [ -n "$line" ]; then
		p="$(sed -E 's/.*Tests Passed: ([0-9]+), Failed: ([0-9]+).*/\1/' <<<"$line")"
		f="$(sed -E 's/.*Tests Passed: ([0-9]+), Failed: ([0-9]+).*/\2/' <<<"$line")"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		record "Pester" "$p" "$f"
	elif [ "$rc" -eq 0 ]; then
		record "PowerShell stage (uncounted)" 1 0
	else
		record "PowerShell stage" 0 1
	fi
fi

# ---------------------------------------------------------------------------------------
# The emulator against Microsoft's own SDKs (issue 10): the pinned Node SDKs (npm) and .NET
# SDKs (NuGet) sign in with every credential kind and drive registrations and customer
# subscriptions; each check counts. The SDKs' output is kept for the secret scan.
banner "conformance with Microsoft's SDKs (tests/conformance/run.sh)"
conf_log="$LOGS/conformance.log"
bash tests/conformance/run.sh out/release out/conformance 2>&1 | tee "$conf_log"
rc=${PIPESTATUS[0]}
rm -rf "$LOGS/conformance"
mkdir -p "$LOGS/conformance"
cp out/conformance/*.out out/conformance/*.err "$LOGS/conformance/" 2>/dev/null
read -r p f < <(sed -nE 's/^conformance: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$conf_log" | tail -n 1)
if [ -z "${f:-}" ]; then
	record "conformance (run.sh exit $rc)" 0 1
else
	# a non-zero exit with nothing counted as failed (no result from an SDK) is one failure
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	record "conformance (SDKs)" "$p" "$f"
fi
unset p f

# ---------------------------------------------------------------------------------------
# Windows x64: cross-built with mingw-w64 from Debian's sources of OpenSSL, libcurl, Jansson
# and libcsv (build/build-windows.sh; installs its toolchain and Wine itself), packaged with
# both runtimes, then tests/windows/run.sh under Wine: crash probe, unit tests, azsreg.exe
# against the Linux emulator, the Windows-only checks and the module in a Windows
# PowerShell host. Each part counts as its own line in the summary.
banner "Windows x64 (mingw-w64 cross-build, tests under Wine)"
win_started=$(date +%s)
if bash build/build-windows.sh 2>&1 | tee "$LOGS/build-windows.log"; [ "${PIPESTATUS[0]}" -ne 0 ]; then
	record "build windows" 0 1
elif ! AZSREG_REQUIRE_WINDOWS=1 bash build/package-module.sh out/release >"$LOGS/package-windows.log" 2>&1; then
	cat "$LOGS/package-windows.log"
	record "package windows" 0 1
else
	cat "$LOGS/package-windows.log"
	bash tests/windows/run.sh 2>&1 | tee "$LOGS/windows.log"
	rc=${PIPESTATUS[0]}
	parts=0
	while read -r part p f; do
		record "windows $part" "$p" "$f"
		parts=$((parts + 1))
	done < <(sed -nE 's/^windows ([a-z-]+): ([0-9]+) passed, ([0-9]+) failed$/\1 \2 \3/p' "$LOGS/windows.log")
	if [ "$parts" -eq 0 ] || { [ "$rc" -ne 0 ] && ! grep -qE '^windows [a-z-]+: [0-9]+ passed, [1-9][0-9]* failed$' "$LOGS/windows.log"; }; then
		record "windows (run.sh exit $rc)" 0 1
	fi
fi
echo "Windows stage: $(( $(date +%s) - win_started )) s"

# ---------------------------------------------------------------------------------------
banner "secret scan (every log of this run)"
scan_self_check() {
	local d rc out
	d="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-scan-check.XXXXXX")"
	{
		echo "a clean line"
		echo "client_secret=emulator-sample-secret&scope=x"
		echo "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJl"
		echo "-----BEGIN PRIVATE KEY-----"
	} >"$d/planted.log"
	out="$(bash build/secret-scan.sh "$d" 2>&1)"
	rc=$?
	rm -rf "$d"
	if [ "$rc" -ne 1 ] || ! grep -q ', 3 hits' <<<"$out" || grep -q -e 'emulator-sample-secret' -e 'eyJzdWIiOiJwbGFudGVkIn0' <<<"$out"; then
		echo "secret scan self-check FAILED (exit $rc; it must find 3 planted secrets and print none):"
		sed -e 's/emulator-sample-secret/***/g' -e 's/eyJ[A-Za-z0-9_.-]*/<JWT>/g' <<<"$out"
		return 1
	fi
	echo "secret scan self-check: the planted secret, JWT and private key were found, none printed"
	return 0
}
if ! scan_self_check; then
	record "secret scan self-check" 0 1
fi
scan_targets=("$LOGS")
for d in out/release out/asan; do
	[ -d "$d/Testing/Temporary" ] && scan_targets+=("$d/Testing/Temporary")
done
bash build/secret-scan.sh "${scan_targets[@]}" 2>&1 | tee "$LOGS/secret-scan.txt"
scan_hits="$(sed -n 's/^secret scan: [0-9]* files, \([0-9]*\) hits.*/\1/p' "$LOGS/secret-scan.txt" | tail -n 1)"
if [ -z "$scan_hits" ]; then
	record "secret scan" 0 1
elif [ "$scan_hits" -eq 0 ]; then
	record "secret scan" 1 0
else
	record "secret scan" 0 "$scan_hits"
fi

finish
