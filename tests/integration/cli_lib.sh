# Sourced by the command-line tests (test_cli*.sh): counters and checks, a fresh emulator on
# loopback (stopped on exit), its control API, and the sample service principal in the
# environment. Before sourcing: AZSREG and EMULATOR (paths), TMP_PREFIX (mktemp name part).
# After: $tmp, $BASE (ARM endpoint), $CONTROL, ctl(), WRAP (AZSREG_CLI_WRAPPER, e.g.
# valgrind, put in front of every azsreg run), ok/fail/check, run/expect_rc/is_json, G (the
# emulator's endpoint and CA options), and a `summary` to end with.
# shellcheck shell=bash

read -r -a WRAP <<<"${AZSREG_CLI_WRAPPER:-}"
SECRET="emulator-sample-secret"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # description, then a command that must succeed
	local what="$1"; shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
summary() {
	echo "# $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/${TMP_PREFIX:-azsreg-cli}.XXXXXX")"
emu_pid=""
cleanup() {
	if [ -n "$emu_pid" ]; then
		kill -TERM "$emu_pid" 2>/dev/null
		wait "$emu_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"$EMULATOR" --port 0 --http-port 0 --ca-out "$tmp/ca.pem" --ready-file "$tmp/ready.json" >"$tmp/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 1200); do # waits for readiness; 60 s is only a hang guard (issue 9)
	[ -s "$tmp/ready.json" ] && break
	sleep 0.05
done
if [ ! -s "$tmp/ready.json" ]; then
	echo "FAIL - the emulator did not get ready; its output:"
	cat "$tmp/emulator.log"
	exit 1
fi
BASE="$(jq -r .baseUrl "$tmp/ready.json")"
CONTROL="http://127.0.0.1:$(jq -r .httpPort "$tmp/ready.json")/_emulator"
echo "# emulator at $BASE, control at $CONTROL"

ctl() { curl -sS --noproxy '*' -X "$1" "$CONTROL$2" ${3:+-H 'Content-Type: application/json' --data "$3"}; }

export AZURE_TENANT_ID=11111111-1111-1111-1111-111111111111
export AZURE_CLIENT_ID=22222222-2222-2222-2222-222222222222
export AZURE_CLIENT_SECRET="$SECRET"
unset AZSREG_ACCESS_TOKEN AZURE_CLIENT_CERTIFICATE_PATH AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT MSI_ENDPOINT || true
all_output="$tmp/all-output.txt"

# run <name> args...: runs azsreg (stdin from $STDIN, else /dev/null), stdout -> $tmp/<name>.out,
# stderr -> $tmp/<name>.err, sets rc; everything printed also goes to $all_output (secret scans)
run() {
	local name="$1"; shift
	"${WRAP[@]}" "$AZSREG" "$@" <"${STDIN:-/dev/null}" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	{ echo "### azsreg $*"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
	return 0
}
G=(--arm-endpoint "$BASE" --ca-file "$tmp/ca.pem")
expect_rc() { # name expected
	if [ "$rc" -eq "$2" ]; then ok "$1: exit code $2"; else
		fail "$1: exit code $rc, expected $2"; sed 's/^/    | /' "$tmp/$1.out" "$tmp/$1.err" | head -n 20; fi
}
is_json() { [ -s "$1" ] && jq -e . "$1" >/dev/null 2>&1; }
