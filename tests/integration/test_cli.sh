#!/usr/bin/env bash
# The azsreg command line against the emulator over TLS:
#   register / get / list / remove / request, exit codes 0 (ok), 2 (usage or invalid input,
#   nothing sent), 3 (authentication), 4 (service error), 5 (network / TLS), valid JSON
#   with --output json, the ARM code and request ID on stderr on failure, and never a
#   secret or token on stdout/stderr, even with -vvv.
# usage: test_cli.sh <path to azsreg> <path to azsreg-emulator>
# AZSREG_CLI_WRAPPER (e.g. a valgrind command line) is put in front of every azsreg run.
set -uo pipefail

AZSREG="${1:?usage: test_cli.sh <azsreg> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_cli.sh <azsreg> <azsreg-emulator>}"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
MISSING_REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-missing"
CUST="f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
CUST_UPPER="F1E2D3C4-B5A6-4978-8A9B-0C1D2E3F4A5B"
CUST_TENANT="dbab3982-7a4c-4b8e-9f21-5c6d7e8f9a0b"
WRONG_SECRET="wrong-cli-secret-do-not-print-2718"
GUID_RE='[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'

TMP_PREFIX=azsreg-cli-test
# shellcheck source=tests/integration/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
arm_requests() { ctl GET /stats | jq -r .armRequests; }
token_requests() { ctl GET /stats | jq -r .tokenRequests; }
mappings() { ctl GET /state | jq -r '[.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[].id] | sort | join(",")'; }


# ---- help and usage errors (2), nothing sent -------------------------------------------
run help --help
expect_rc help 0
check "--help names the commands" grep -q register "$tmp/help.out" "$tmp/help.err"

before_arm="$(arm_requests)"; before_tok="$(token_requests)"
run noargs
expect_rc noargs 2
run badcmd frobnicate "${G[@]}"
expect_rc badcmd 2
run badopt register --registration "$REG" --customer-subscription "$CUST" --no-such-option "${G[@]}"
expect_rc badopt 2
run nocust register --registration "$REG" "${G[@]}"
expect_rc nocust 2
run badguid register --registration "$REG" --customer-subscription not-a-guid "${G[@]}"
expect_rc badguid 2
check "bad GUID: stderr names the problem" grep -qi "customer subscription" "$tmp/badguid.err"
run dotdot register --registration "$REG/../x" --customer-subscription "$CUST" "${G[@]}"
expect_rc dotdot 2
run percent list --registration "${REG/AzureStack-sample/AzureStack%2Fsample}" "${G[@]}"
expect_rc percent 2
run badoutput list --registration "$REG" --output yaml "${G[@]}"
expect_rc badoutput 2
check "usage errors sent no ARM request" [ "$(arm_requests)" = "$before_arm" ]
check "usage errors sent no token request" [ "$(token_requests)" = "$before_tok" ]
check "state still empty" [ "$(mappings)" = "" ]

# ---- register / get / list / request / remove (0) ---------------------------------------
run register register --registration "$REG" --customer-subscription "$CUST_UPPER" --tenant-id "$CUST_TENANT" --output json "${G[@]}"
expect_rc register 0
check "register --output json is valid JSON" is_json "$tmp/register.out"
check "register result has the lowercase id" [ "$(jq -r .id "$tmp/register.out")" = "$REG/customerSubscriptions/$CUST" ]
check "state holds exactly the new mapping" [ "$(mappings)" = "$CUST" ]

# global options before the command work too, and a second register does not duplicate
run register2 "${G[@]}" --output json register --registration "$REG" --customer-subscription "$CUST" --tenant-id "$CUST_TENANT"
expect_rc register2 0
check "state still holds one mapping" [ "$(mappings)" = "$CUST" ]

run get get --registration "$REG" --customer-subscription "$CUST" --output json "${G[@]}"
expect_rc get 0
check "get --output json is valid JSON" is_json "$tmp/get.out"
check "get returns the tenant" [ "$(jq -r .properties.tenantId "$tmp/get.out")" = "$CUST_TENANT" ]

run listjson list --registration "$REG" --output json "${G[@]}"
expect_rc listjson 0
check "list --output json is valid JSON" is_json "$tmp/listjson.out"
check "list holds one customer" [ "$(jq -r 'if type == "array" then length else (.value | length) end' "$tmp/listjson.out")" = "1" ]

run listtable list --registration "$REG" --output table "${G[@]}"
expect_rc listtable 0
check "list --output table shows the customer" grep -qi "$CUST" "$tmp/listtable.out"
check "list --output table is not JSON" bash -c "! jq -e . '$tmp/listtable.out' >/dev/null 2>&1"

run request request GET "$REG" --api-version 2017-06-01 --output json "${G[@]}"
expect_rc request 0
check "request GET output is valid JSON" is_json "$tmp/request.out"
check "request GET returns the registration" [ "$(jq -r .name "$tmp/request.out")" = "AzureStack-sample" ]

echo '{"properties":{"tenantId":"'"$CUST_TENANT"'"}}' >"$tmp/body.json"
CUST2="0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
run requestput request PUT "$REG/customerSubscriptions/$CUST2" --api-version 2017-06-01 --body @"$tmp/body.json" "${G[@]}"
expect_rc requestput 0
check "request PUT added the mapping" [ "$(mappings)" = "$CUST2,$CUST" ]

run remove remove --registration "$REG" --customer-subscription "$CUST" "${G[@]}"
expect_rc remove 0
run remove2 remove --registration "$REG" --customer-subscription "$CUST2" "${G[@]}"
expect_rc remove2 0
check "state empty after remove" [ "$(mappings)" = "" ]

# ---- service errors (4): code and request ID on stderr ------------------------------------
run getmissing get --registration "$REG" --customer-subscription "$CUST" "${G[@]}"
expect_rc getmissing 4
check "not found: stderr shows CustomerSubscriptionNotFound" grep -q CustomerSubscriptionNotFound "$tmp/getmissing.err"
check "not found: stderr shows a request ID" grep -qiE "request.?id.*$GUID_RE" "$tmp/getmissing.err"

run regmissing register --registration "$MISSING_REG" --customer-subscription "$CUST" "${G[@]}"
expect_rc regmissing 4
check "unknown registration: stderr shows RegistrationNotFound" grep -q RegistrationNotFound "$tmp/regmissing.err"
check "unknown registration: stderr shows a request ID" grep -qiE "request.?id.*$GUID_RE" "$tmp/regmissing.err"
check "unknown registration: the library's hint, then the CLI's command that lists registrations" \
	grep -qE "^hint: No registration by this name.* azsreg: 'azsreg request GET /subscriptions/<sub>/providers/Microsoft.AzureStack/registrations --api-version 2017-06-01' lists them.$" "$tmp/regmissing.err"
# the hint's command works as written (the sample subscription for <sub>)
run listregs request GET /subscriptions/33333333-3333-3333-3333-333333333333/providers/Microsoft.AzureStack/registrations --api-version 2017-06-01 "${G[@]}"
expect_rc listregs 0
check "the hint's listing shows the sample registration" grep -q "AzureStack-sample" "$tmp/listregs.out"

# ---- authentication error (3): wrong secret, never shown, even with -vvv ----------------
AZURE_CLIENT_SECRET="$WRONG_SECRET" run wrongsecret -vvv register --registration "$REG" --customer-subscription "$CUST" "${G[@]}"
expect_rc wrongsecret 3
check "wrong secret: stderr shows the identity error" grep -qE "invalid_client|AADSTS7000215" "$tmp/wrongsecret.err"
check "wrong secret: the secret is not shown" bash -c "! grep -q -- '$WRONG_SECRET' '$tmp/wrongsecret.out' '$tmp/wrongsecret.err'"
check "state still empty" [ "$(mappings)" = "" ]

# ---- network / TLS error (5): a CA that did not issue the emulator's certificate --------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/other.key" \
	-out "$tmp/other-ca.pem" -days 1 -subj "/CN=unrelated test CA" >/dev/null 2>&1
run wrongca register --registration "$REG" --customer-subscription "$CUST" --arm-endpoint "$BASE" --ca-file "$tmp/other-ca.pem"
expect_rc wrongca 5
check "wrong CA: stderr mentions the certificate / TLS" grep -qiE "certificate|tls|ssl" "$tmp/wrongca.err"
# issue 12: the library speaks of its own ca_file option; the CLI adds its option's name
check "wrong CA: the library's words (the client's ca_file option, SSL_CERT_FILE)" grep -q "give the client that CA bundle (its ca_file option, or SSL_CERT_FILE)" "$tmp/wrongca.err"
check "wrong CA: the CLI's hint names --ca-file" grep -q "^hint: azsreg: --ca-file <PEM file> gives the CA bundle.$" "$tmp/wrongca.err"

run refused list --registration "$REG" --arm-endpoint "https://127.0.0.1:1/" --ca-file "$tmp/ca.pem"
expect_rc refused 5

# ---- -vvv on success: logs requests, never the secret or a token ------------------------
run verbose -vvv register --registration "$REG" --customer-subscription "$CUST" "${G[@]}"
expect_rc verbose 0
check "-vvv logs the PUT" grep -q "PUT" "$tmp/verbose.err"
check "state holds the mapping again" [ "$(mappings)" = "$CUST" ]

# ---- a ready token in AZSREG_ACCESS_TOKEN --------------------------------------------------
token="$(curl -sS --noproxy '*' --cacert "$tmp/ca.pem" \
	--data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
	--data-urlencode "client_secret=$SECRET" \
	--data-urlencode "scope=https://management.emulator.azsreg.local/.default" \
	"${BASE}11111111-1111-1111-1111-111111111111/oauth2/v2.0/token" | jq -r .access_token)"
if [ -n "$token" ] && [ "$token" != null ]; then
	ok "fetched a token for AZSREG_ACCESS_TOKEN"
	env -u AZURE_TENANT_ID -u AZURE_CLIENT_ID -u AZURE_CLIENT_SECRET AZSREG_ACCESS_TOKEN="$token" \
		"${WRAP[@]}" "$AZSREG" -vvv list --registration "$REG" --output json "${G[@]}" \
		>"$tmp/token.out" 2>"$tmp/token.err"
	rc=$?
	{ echo "### AZSREG_ACCESS_TOKEN list"; cat "$tmp/token.out" "$tmp/token.err"; } >>"$all_output"
	expect_rc token 0
	check "token list output is valid JSON" is_json "$tmp/token.out"
	check "the ready token is not shown" bash -c "! grep -qF -- '$token' '$tmp/token.out' '$tmp/token.err'"
else
	fail "could not fetch a token from the emulator"
fi

# ---- secret scan over everything azsreg printed ------------------------------------------
check "no output shows the client secret" bash -c "! grep -q -- '$SECRET' '$all_output'"
check "no output shows the wrong secret" bash -c "! grep -q -- '$WRONG_SECRET' '$all_output'"
check "no output shows a token (eyJ...)" bash -c "! grep -q 'eyJ' '$all_output'"
check "no output shows a client_secret form field" bash -c "! grep -q 'client_secret=' '$all_output'"

summary
