#!/usr/bin/env bash
# test_cli_args.sh: the azsreg command line's argument handling and --help text, and the
# --device-code sign-in against the emulator (loopback only).
#   - usage errors exit 2 and send nothing: missing values (also when the next word is
#     another option), unknown options, request-only options on other commands, an
#     unreadable --body @file; options are accepted before and after the command.
#   - --help documents every sign-in kind that azsreg_credential_from_environment reads,
#     and --device-code.
#   - --device-code prints the emulator's code on stderr, waits for approval, then works.
# usage: test_cli_args.sh <path to azsreg> <path to azsreg-emulator>
set -u

AZSREG="${1:?usage: test_cli_args.sh <azsreg> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_cli_args.sh <azsreg> <azsreg-emulator>}"
REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
CUST="f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-cli-args.XXXXXX")"
emu_pid=""
cli_pid=""
cleanup() {
	[ -n "$cli_pid" ] && kill -TERM "$cli_pid" 2>/dev/null
	if [ -n "$emu_pid" ]; then
		kill -TERM "$emu_pid" 2>/dev/null
		wait "$emu_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Usage errors must not even try to sign in: point every credential at nothing usable.
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH \
	AZURE_CLIENT_CERTIFICATE_PASSWORD AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT IDENTITY_HEADER \
	MSI_ENDPOINT MSI_SECRET AZSREG_IMDS_ENDPOINT || true
export AZSREG_ACCESS_TOKEN="cli-args-token-never-printed"
export HTTPS_PROXY="http://127.0.0.1:9" https_proxy="http://127.0.0.1:9" NO_PROXY="" no_proxy=""

# expect <name> <exit code> <stderr pattern or ""> args...
expect() {
	local name="$1" want="$2" pattern="$3"
	shift 3
	"$AZSREG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name: exit code $rc, expected $want"
		sed 's/^/    | /' "$tmp/$name.out" "$tmp/$name.err" | head -n 10
		return
	fi
	if [ -n "$pattern" ] && ! grep -qiE -- "$pattern" "$tmp/$name.err"; then
		fail "$name: stderr does not match '$pattern'"
		sed 's/^/    | /' "$tmp/$name.err" | head -n 10
		return
	fi
	if grep -q "cli-args-token-never-printed" "$tmp/$name.out" "$tmp/$name.err"; then
		fail "$name: the access token was printed"
		return
	fi
	ok "$name: exit $want"
}

# ---- option parsing -----------------------------------------------------------------
expect missing_value_at_end 2 "option '--registration' needs a value" get --registration
expect missing_value_before_option 2 "option '--registration' needs a value" \
	get --registration --customer-subscription "$CUST"
expect missing_value_eq_empty 2 "needs --registration" get --registration= --customer-subscription "$CUST"
expect unknown_long_option 2 "unknown option '--bogus'" list --registration "$REG" --bogus
expect unknown_short_option 2 "unknown option '-x'" list -x --registration "$REG"
expect option_twice 2 "given twice" list --registration "$REG" --registration "$REG"
expect unknown_command 2 "unknown command" frobnicate
expect no_command 2 "" --registration "$REG"
expect extra_argument 2 "unexpected argument" get extra --registration "$REG" --customer-subscription "$CUST"
expect request_option_on_get 2 "belong to 'request'" \
	get --registration "$REG" --customer-subscription "$CUST" --api-version 2017-06-01
expect all_pages_on_list 2 "belong to 'request'" list --registration "$REG" --all-pages
expect identity_id_alone 2 "add --managed-identity" list --registration "$REG" --identity-id 44444444-4444-4444-4444-444444444444
expect device_code_and_managed_identity 2 "either --device-code or --managed-identity" list --registration "$REG" --device-code --managed-identity
expect bad_identity_resource_id 2 "resource ID" list --registration "$REG" --managed-identity --identity-id "/subscriptions/x y"
expect tenant_twice_on_get 2 "either --tenant-id or --sign-in-tenant" get --registration "$REG" --customer-subscription "$CUST" --tenant-id x --sign-in-tenant y
expect bad_sign_in_tenant_on_list 2 "neither a GUID nor a domain" list --registration "$REG" --tenant-id 'bad/tenant'
expect bad_sign_in_tenant_on_register 2 "neither a GUID nor a domain" register --registration "$REG" --customer-subscription "$CUST" --sign-in-tenant 'a b'
expect customer_on_request 2 "belongs to register / get / remove" request GET /subscriptions --api-version 2020-01-01 --customer-subscription "$CUST"
expect bad_timeout 2 "--timeout" list --registration "$REG" --timeout 0
expect bad_output 2 "--output" list --registration "$REG" --output yaml
expect body_file_missing 2 "cannot read the body file '$tmp/none.json'" \
	request PUT "$REG/customerSubscriptions/$CUST" --api-version 2017-06-01 --body "@$tmp/none.json"
mkdir -p "$tmp/unreadable"
expect body_file_directory 2 "body file" \
	request PUT "$REG/customerSubscriptions/$CUST" --api-version 2017-06-01 --body "@$tmp/unreadable"
printf '{"properties":' >"$tmp/bad.json"
expect body_file_not_json 2 "not valid JSON" \
	request PUT "$REG/customerSubscriptions/$CUST" --api-version 2017-06-01 --body "@$tmp/bad.json"
expect request_needs_api_version 2 "needs --api-version" request GET "$REG"
# Options before and after the command parse the same way: each run gets past parsing and
# validation to creating the client, which refuses the unreadable CA bundle (still exit 2,
# nothing sent) and so proves every option was read.
NOCA="$tmp/no-such-ca.pem"
expect options_before_command 2 "CA bundle '$NOCA' cannot be read" --ca-file "$NOCA" --timeout 5 --registration "$REG" list
expect options_after_command 2 "CA bundle '$NOCA' cannot be read" list --registration "$REG" --timeout 5 --ca-file "$NOCA"
expect option_equals_form 2 "CA bundle '$NOCA' cannot be read" list --registration="$REG" --timeout=5 --ca-file="$NOCA"
expect verbose_short_bundle 2 "CA bundle '$NOCA' cannot be read" -vv list --registration "$REG" --ca-file "$NOCA"

# ---- --help --------------------------------------------------------------------------
"$AZSREG" --help >"$tmp/help.out" 2>"$tmp/help.err"
rc=$?
[ "$rc" -eq 0 ] && ok "--help exits 0" || fail "--help exits $rc"
for word in AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH \
	AZURE_CLIENT_CERTIFICATE_PASSWORD AZURE_FEDERATED_TOKEN_FILE AZSREG_ACCESS_TOKEN AZSREG_USERNAME AZSREG_PASSWORD \
	1950a258-227b-4e31-a9cf-717495945fc2 --managed-identity --identity-id AZURE_CLIENT_SEND_CERTIFICATE_CHAIN 169.254.169.254 \
	IDENTITY_ENDPOINT IDENTITY_HEADER MSI_ENDPOINT MSI_SECRET AZSREG_IMDS_ENDPOINT \
	--device-code 04b07795-8ddb-461a-bbee-02f9e1bf7b46 register get list remove registration request \
	--registration --customer-subscription --tenant-id --sign-in-tenant --environment --arm-endpoint --ca-file --proxy \
	--output --correlation-id --timeout --api-version --body --query --all-pages --no-wait --verbose --version; do
	if grep -q -- "$word" "$tmp/help.out"; then ok "--help mentions $word"; else fail "--help does not mention $word"; fi
done

# ---- --device-code against the emulator --------------------------------------------------
if [ -x "$EMULATOR" ] && command -v curl >/dev/null && command -v jq >/dev/null; then
	unset HTTPS_PROXY https_proxy AZSREG_ACCESS_TOKEN
	export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
	"$EMULATOR" --port 0 --http-port 0 --ca-out "$tmp/ca.pem" --ready-file "$tmp/ready.json" --quiet \
		>"$tmp/emulator.log" 2>&1 &
	emu_pid=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/ready.json" ] && break
		sleep 0.05
	done
	if [ ! -s "$tmp/ready.json" ]; then
		fail "the emulator did not get ready"
	else
		BASE="$(jq -r .baseUrl "$tmp/ready.json")"
		CONTROL="http://127.0.0.1:$(jq -r .httpPort "$tmp/ready.json")/_emulator"
		AZURE_TENANT_ID=11111111-1111-1111-1111-111111111111 "$AZSREG" --device-code \
			--arm-endpoint "$BASE" --ca-file "$tmp/ca.pem" --timeout 60 list --registration "$REG" \
			>"$tmp/dc.out" 2>"$tmp/dc.err" &
		cli_pid=$!
		code=""
		for _ in $(seq 1 200); do
			code="$(grep -oE '[B-Z]{4}-[0-9]{4}' "$tmp/dc.err" 2>/dev/null | head -n 1)"
			[ -n "$code" ] && break
			sleep 0.05
		done
		if [ -z "$code" ]; then
			fail "--device-code printed no user code on stderr"
			sed 's/^/    | /' "$tmp/dc.err" | head -n 10
		else
			ok "--device-code printed the user code $code on stderr"
			grep -q "$code" "$tmp/dc.out" && fail "the user code went to stdout" || ok "stdout holds no prompt"
			curl -sS --noproxy '*' -X POST "$CONTROL/devicecode/approve" -H 'Content-Type: application/json' \
				--data "{\"userCode\":\"$code\"}" >/dev/null
		fi
		wait "$cli_pid"
		rc=$?
		cli_pid=""
		[ "$rc" -eq 0 ] && ok "--device-code list exits 0 after approval" || {
			fail "--device-code list exits $rc"
			sed 's/^/    | /' "$tmp/dc.err" | head -n 10
		}
		[ -s "$tmp/dc.out" ] && jq -e 'type == "array"' "$tmp/dc.out" >/dev/null 2>&1 && ok "--device-code list printed a JSON array" ||
			fail "--device-code list output is not a JSON array"
		[ "$(curl -sS --noproxy '*' "$CONTROL/stats" | jq -r .byDeviceCode)" -ge 1 ] &&
			ok "the emulator saw a device code token request" || fail "no device code token request"
	fi
else
	echo "# skipping --device-code: no emulator, curl or jq"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
