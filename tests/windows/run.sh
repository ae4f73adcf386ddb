#!/usr/bin/env bash
# The Windows tests (stage "Windows" of build/test.sh): the Windows x64 build of
# out/windows/release under Wine, against the Linux emulator of out/release.
#   crash probe      a program that crashes must come back as a failure (else nothing
#                    below could be trusted to fail)
#   unit tests       ctest in out/windows/release: every tests/native file built with
#                    Criterion for Windows, plus the fuzz tables and the header test
#   azsreg.exe       the same CLI scripts as on Linux, with wine in front of azsreg.exe:
#                    test_cli.sh, test_signin_cli.sh, test_cli_proxy.sh, test_cli_invalid_input.sh,
#                    test_cli_bulk.sh
#   Windows only     non-ASCII paths, the Windows certificate store (test_cli_windows.sh)
#   module           the packaged module in the Windows PowerShell host
#                    (build/pwsh-windows.sh): tests/windows/*.Tests.ps1 and the Pester suite
# Prints "windows <part>: N passed, N failed" per part and exits non-zero on any failure.
# usage: tests/windows/run.sh [part ...]   (parts: crash unit cli store module; default all)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=tests/windows/wine-env.sh
. "$ROOT/tests/windows/wine-env.sh"
WIN="$ROOT/out/windows/release"
LIN="$ROOT/out/release"
LOGS="$ROOT/out/logs/windows"
mkdir -p "$LOGS"
parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(crash unit cli store module)
any_failed=0

report() { # part passed failed
	echo "windows $1: $2 passed, $3 failed"
	[ "$3" -eq 0 ] || any_failed=1
}
wants() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

if [ ! -f "$WIN/bin/azsreg.exe" ] || [ ! -x "$LIN/bin/azsreg-emulator" ]; then
	echo "run.sh: needs out/windows/release (bash build/build-windows.sh) and out/release (bash build/build.sh release)" >&2
	report setup 0 1
	exit 1
fi
azsreg_wine_ensure || { report setup 0 1; exit 1; }
# One wineserver for the whole run, so that no program starts while the previous one's
# server is shutting down; stopped at the end.
wineserver -p >/dev/null 2>&1 || true
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
# Wine's own services (services.exe, winedevice.exe, ...) start with the first program of a
# server and live as long as it. Started here with nothing attached, so that they do not
# inherit the output pipe of a test program (ctest then waits for that pipe to close until
# its timeout: seen when the run began with the unit tests, no crash probe before them).
wine cmd.exe /c exit </dev/null >/dev/null 2>&1 || true

# ---- a crash must be a failure -------------------------------------------------------
if wants crash; then
	t=$(date +%s)
	wine "$WIN/bin/crash_probe.exe" >"$LOGS/crash_probe.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q 'about to dereference NULL' "$LOGS/crash_probe.log"; then
		echo "crash probe: a crashing program exits $rc under Wine ($(( $(date +%s) - t )) s)"
		report crash 1 0
	else
		echo "crash probe: a crashing program exited $rc under Wine: crashes would go unnoticed"
		cat "$LOGS/crash_probe.log"
		report crash 0 1
	fi
fi

# ---- unit tests ------------------------------------------------------------------------
if wants unit; then
	log="$LOGS/ctest-unit.log"
	# spawn_failures_only <ctest log>: true when no failed program got as far as running a
	# test: its output has no Criterion result at all ([FAIL], CRASH, Synthesis) — empty,
	# or Criterion's "Could not spawn test instance" (boxfort failing to start a worker
	# process under Wine).
	spawn_failures_only() {
		awk '
			/Test +#[0-9]+: .*\*\*\*/ { if (cur != "" && ran) bad = 1; cur = $0; ran = 0; failed++; next }
			/^ *Start +[0-9]+: / || /^[0-9]+% tests passed/ { if (cur != "" && ran) bad = 1; cur = ""; next }
			cur != "" && /\[FAIL\]|CRASH|Synthesis|\[----\]/ { ran = 1 }
			END { if (cur != "" && ran) bad = 1; exit !(failed > 0 && !bad) }
		' "$1"
	}
	ctest --test-dir "$WIN" --output-on-failure -j 1 --timeout 600 >"$log" 2>&1
	rc=$?
	cat "$log"
	# Such a start-up failure is retried (twice at most, only those programs, said
	# loudly): under Wine a program failed to start its workers, or exited at once with no
	# output, in about one of five runs of the suite. A test that fails or crashes is
	# never retried.
	tries=0
	while [ "$rc" -ne 0 ] && [ "$tries" -lt 2 ] && spawn_failures_only "$log"; do
		tries=$((tries + 1))
		echo "windows unit: retry $tries of the programs whose test workers Wine did not start (Could not spawn test instance)"
		ctest --test-dir "$WIN" --output-on-failure -j 1 --timeout 600 --rerun-failed >"$log.retry" 2>&1
		rc=$?
		cat "$log.retry"
		if [ "$rc" -eq 0 ]; then
			# Every program has now passed: report the first run's total as passed.
			sed -i -E 's/[0-9]+% tests passed, [0-9]+ tests? failed out of ([0-9]+)/100% tests passed, 0 tests failed out of \1/' "$log"
		else
			cp "$log.retry" "$log"
		fi
	done
	line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)"
	if [ -n "$line" ]; then
		f="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
		n="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		report unit $((n - f)) "$f"
	else
		report unit 0 1
	fi
fi

# ---- azsreg.exe: the Linux CLI scripts with wine in front ------------------------------
# run_script <name> <script> [args...]: the script prints "ok"/"FAIL" lines.
run_script() {
	local name="$1" log="$LOGS/$1.log" p f rc
	shift
	local retries="$LOGS/wine-retries.log" before
	touch "$retries"
	before=$(wc -l <"$retries")
	# tests/windows/wine-run.sh: wine, with Wine's error messages kept in
	# <name>.wine-err.log and a start-up failure (no output at all) retried loudly
	AZSREG_CLI_WRAPPER="$ROOT/tests/windows/wine-run.sh" AZSREG_WINE_RETRY_LOG="$retries" \
		AZSREG_WINE_DIAG="$LOGS/$name.wine-err.log" bash "$@" >"$log" 2>&1
	rc=$?
	if [ "$(wc -l <"$retries")" -gt "$before" ]; then
		echo "$name: Wine start-up failures were retried (no test failed for it; the log says what Wine reported):"
		tail -n "+$((before + 1))" "$retries"
	fi
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^FAIL' "$log")
	grep -E '^(FAIL|#)' "$log" | head -n 60
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	cli_passed=$((cli_passed + p))
	cli_failed=$((cli_failed + f))
	echo "$name: $p passed, $f failed (exit $rc)"
}
if wants cli; then
	cli_passed=0
	cli_failed=0
	run_script cli tests/integration/test_cli.sh "$WIN/bin/azsreg.exe" "$LIN/bin/azsreg-emulator"
	run_script signin-cli tests/integration/test_signin_cli.sh "$WIN/bin/azsreg.exe" "$LIN/bin/azsreg-emulator"
	run_script cli-proxy tests/integration/test_cli_proxy.sh "$WIN/bin/azsreg.exe" "$LIN/bin/azsreg-emulator" \
		"$LIN/tests/integration/integ-proxy"
	run_script cli-invalid-input tests/integration/test_cli_invalid_input.sh "$WIN/bin/azsreg.exe" "$LIN/bin/azsreg-emulator"
	run_script cli-bulk tests/integration/test_cli_bulk.sh "$WIN/bin/azsreg.exe" "$LIN/bin/azsreg-emulator"
	report cli "$cli_passed" "$cli_failed"
fi

# ---- Windows only: non-ASCII paths, the certificate store ------------------------------
if wants store; then
	cli_passed=0
	cli_failed=0
	run_script cli-windows tests/windows/test_cli_windows.sh "$WIN/bin" "$LIN/bin/azsreg-emulator"
	report store "$cli_passed" "$cli_failed"
fi

# ---- the module in the Windows PowerShell host -----------------------------------------
if wants module; then
	log="$LOGS/pester-windows.log"
	# Emulators for the Pester files come from a broker on the Linux side (Process.Start
	# of a Linux program does not work from .NET under Wine).
	spool="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-emu-spool.XXXXXX")"
	# Certificate files for Module.Windows.Tests.ps1, made with openssl: .NET under Wine
	# cannot create RSA keys.
	mkdir -p "$spool/certs"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$spool/certs/sp.key" -out "$spool/certs/sp.crt" -days 1 \
		-subj "/CN=azsreg Windows module test" >/dev/null 2>&1
	cat "$spool/certs/sp.crt" "$spool/certs/sp.key" >"$spool/certs/sp.pem"
	openssl pkcs12 -export -in "$spool/certs/sp.crt" -inkey "$spool/certs/sp.key" -out "$spool/certs/sp.pfx" \
		-passout "pass:win-module-pfx-do-not-log-8814"
	bash tests/windows/emulator-broker.sh "$spool" "$LIN/bin/azsreg-emulator" "$LIN/tests/integration/integ-proxy" &
	broker=$!
	pester_path="$(head -n 1 out/tools/pester-path.txt 2>/dev/null)"
	# AZSREG_TEST_CLI: the CLI the parity tests (tests/ps/InputRules.Tests.ps1) compare the
	# module with is the Windows azsreg.exe.
	AZSREG_EMULATOR_SPOOL="$spool" AZSREG_BUILD_DIR="$LIN" AZSREG_PESTER_PATH="$pester_path" \
		AZSREG_TEST_CLI="$WIN/bin/azsreg.exe" \
		bash build/pwsh-windows.sh tests/windows/run-pester.ps1 >"$log" 2>&1
	rc=$?
	: >"$spool/.quit"
	wait "$broker"
	rm -rf "$spool"
	sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\s*\[-\]|passed, .* failed|Tests Passed' | head -n 80
	line="$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)"
	if [ -n "$line" ]; then
		p="$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")"
		f="$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		report module "$p" "$f"
	else
		tail -n 40 "$log"
		report module 0 1
	fi
fi

exit "$any_failed"
