#!/usr/bin/env bash
# Sign-in through the azsreg command line against the emulator over TLS, for every
# credential the CLI takes from the environment:
#   AZURE_CLIENT_SECRET (AAD v2; AD FS on an emulator started with --adfs; tenant as a
#   domain), AZURE_CLIENT_CERTIFICATE_PATH (PEM; PKCS#12 + AZURE_CLIENT_CERTIFICATE_PASSWORD),
#   AZURE_FEDERATED_TOKEN_FILE, AZSREG_ACCESS_TOKEN, IDENTITY_ENDPOINT + IDENTITY_HEADER,
#   MSI_ENDPOINT + MSI_SECRET, AZSREG_IMDS_ENDPOINT (IMDS on the plain-HTTP listener),
#   AZURE_CLIENT_ID alone (user-assigned managed identity), AZSREG_USERNAME + AZSREG_PASSWORD.
# Also: --managed-identity [--identity-id] (IMDS only at the emulator's loopback address),
# --device-code approved (exit 0) and declined (exit 3, AADSTS65004) with the user code read
# from stderr while azsreg runs, the sign-in directory options (--tenant-id / --sign-in-tenant),
# and exit codes for ARM refusals (403 -> 4, 401 -> 3).
# Each correct sign-in registers a customer (the emulator state proves it) and -v names
# the credential picked. Each failure exits 3 (authentication) with the identity code and
# a hint on stderr. Every run is -vvv; all output is then searched for every secret,
# password, assertion and token used: none may appear.
# Certificates and assertions are made at test time with the openssl CLI.
# usage: test_signin_cli.sh <path to azsreg> <path to azsreg-emulator>
set -uo pipefail

AZSREG="${1:?usage: test_signin_cli.sh <azsreg> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_signin_cli.sh <azsreg> <azsreg-emulator>}"
read -r -a WRAP <<<"${AZSREG_CLI_WRAPPER:-}"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
TENANT=11111111-1111-1111-1111-111111111111
DOMAIN=contoso.onmicrosoft.com
APP=22222222-2222-2222-2222-222222222222
SECRET=emulator-sample-secret
WRONG_SECRET="wrong-cli-secret-do-not-log-6602"
EXPIRED_SECRET="expired-cli-secret-do-not-log-4410"
P12_PASSWORD="cli-p12-password-do-not-log-3307"
IDENTITY_HEADER_VALUE=emulator-identity-header
WRONG_HEADER="wrong-cli-identity-header-do-not-log-1990"
UNKNOWN_APP=9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a
UNKNOWN_TENANT=0badbad0-1234-4321-8888-abcdefabcdef
UA_CLIENT=88888888-8888-4888-8888-888888888888
USER=admin@contoso.onmicrosoft.com
USER_PASSWORD=emulator-sample-password
WRONG_USER_PASSWORD="wrong-cli-user-password-do-not-log-2291"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # description, then a command that must succeed
	local what="$1"; shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-signin-cli.XXXXXX")"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_emulator <name> [args...]: sets BASE_<name>, CONTROL_<name>, HTTP_<name>
start_emulator() {
	local name="$1"; shift
	local dir="$tmp/emu-$name"
	mkdir -p "$dir"
	"$EMULATOR" --port 0 --http-port 0 --ca-out "$dir/ca.pem" --ready-file "$dir/ready.json" "$@" >"$dir/emulator.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 1200); do # waits for readiness; 60 s is only a hang guard (issue 9)
		[ -s "$dir/ready.json" ] && break
		sleep 0.05
	done
	if [ ! -s "$dir/ready.json" ]; then
		echo "FAIL - the emulator ($name) did not get ready; its output:"
		cat "$dir/emulator.log"
		exit 1
	fi
	printf -v "BASE_$name" '%s' "$(jq -r .baseUrl "$dir/ready.json")"
	printf -v "HTTP_$name" '%s' "$(jq -r .httpPort "$dir/ready.json")"
	printf -v "CONTROL_$name" 'http://127.0.0.1:%s/_emulator' "$(jq -r .httpPort "$dir/ready.json")"
}
start_emulator main
start_emulator adfs --adfs
BASE="${BASE_main%/}"
CA="$tmp/emu-main/ca.pem"
echo "# emulator at $BASE_main (AD FS one at $BASE_adfs)"

ctl() { curl -sS --noproxy '*' -X "$1" "$CONTROL_main$2" ${3:+-H 'Content-Type: application/json' --data "$3"}; }
ctl_adfs() { curl -sS --noproxy '*' -X "$1" "$CONTROL_adfs$2" ${3:+-H 'Content-Type: application/json' --data "$3"}; }
stat() { ctl GET /stats | jq -r ".$1"; }
has_mapping() { # emulator-control-function guid
	[ "$("$1" GET /state | jq -r --arg id "$2" '[.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[] | select(.id == $id)] | length')" = 1 ]
}
cust() { printf 'c11e%04x-5160-4e1a-9b2c-%012x' "$1" "$1"; }

# ---- material made at test time ---------------------------------------------------------
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
make_cert() { # name
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/$1.key" -out "$tmp/$1.crt" -days 1 \
		-subj "/CN=azsreg sign-in CLI test $1" >/dev/null 2>&1 || { echo "FAIL - openssl req"; exit 1; }
	cat "$tmp/$1.crt" "$tmp/$1.key" >"$tmp/$1.pem"
}
x5t_of() { openssl x509 -in "$tmp/$1.crt" -outform DER | openssl dgst -sha1 -binary | b64url; }
register_cert() { # name: adds its certificate to the sample application
	local state
	state="$(ctl GET /state | jq --rawfile pem "$tmp/$1.crt" '.applications[0].certificates += [$pem]')"
	ctl PUT /state "$state" >/dev/null
}
# assertion <signing key name> <x5t> <exp offset> <jti>: an RS256 client assertion for the v2 token endpoint
assertion() {
	local now h c sig
	now="$(date +%s)"
	h="$(printf '{"alg":"RS256","typ":"JWT","x5t":"%s"}' "$2" | b64url)"
	c="$(printf '{"aud":"%s/%s/oauth2/v2.0/token","iss":"%s","sub":"%s","jti":"%s","nbf":%d,"iat":%d,"exp":%d}' \
		"$BASE" "$TENANT" "$APP" "$APP" "$4" "$((now - 5))" "$((now - 5))" "$((now + $3))" | b64url)"
	sig="$(printf '%s.%s' "$h" "$c" | openssl dgst -sha256 -sign "$tmp/$1.key" | b64url)"
	printf '%s.%s.%s' "$h" "$c" "$sig"
}

make_cert good
make_cert p12
make_cert unregistered
make_cert attacker
make_cert fed
register_cert good
register_cert p12
register_cert fed
openssl pkcs12 -export -in "$tmp/p12.crt" -inkey "$tmp/p12.key" -out "$tmp/sp.pfx" -passout "pass:$P12_PASSWORD" \
	|| { echo "FAIL - openssl pkcs12"; exit 1; }
FED_ASSERTION="$(assertion fed "$(x5t_of fed)" 600 cli-fed-1)"
FORGED_ASSERTION="$(assertion attacker "$(x5t_of fed)" 600 cli-forged-1)"
EXPIRED_ASSERTION="$(assertion fed "$(x5t_of fed)" -3600 cli-expired-1)"
printf '%s\n' "$FED_ASSERTION" >"$tmp/fed.token"
printf '%s\n' "$FORGED_ASSERTION" >"$tmp/forged.token"
printf '%s\n' "$EXPIRED_ASSERTION" >"$tmp/expired.token"
ACCESS_TOKEN="$(curl -sS --cacert "$CA" --noproxy '*' "$BASE/$TENANT/oauth2/v2.0/token" \
	-d grant_type=client_credentials -d "client_id=$APP" -d "client_secret=$SECRET" \
	--data-urlencode "scope=https://management.emulator.azsreg.local/.default" | jq -r .access_token)"
[ -n "$ACCESS_TOKEN" ] && [ "$ACCESS_TOKEN" != null ] || { echo "FAIL - no access token from the emulator"; exit 1; }
KEY_SLICE="$(sed -n 3p "$tmp/good.key")"
# an expired secret and a user-assigned identity in the state
ctl PUT /state "$(ctl GET /state | jq --arg s "$EXPIRED_SECRET" --argjson e "$(($(date +%s) - 86400))" --arg ua "$UA_CLIENT" --arg t "$TENANT" \
	'.applications[0].secrets += [{"value": $s, "expiresOn": $e}]
	 | .managedIdentities += [{"clientId": $ua, "principalId": "99999999-9999-4999-8999-999999999999", "tenantId": $t, "systemAssigned": false,
	                          "resourceId": "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cli-ua"}]')" >/dev/null
UA_RESOURCE_ID=/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cli-ua
CLOSED_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

# ---- running azsreg --------------------------------------------------------------------------
CRED_VARS=(AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH
	AZURE_CLIENT_CERTIFICATE_PASSWORD AZURE_FEDERATED_TOKEN_FILE AZSREG_ACCESS_TOKEN IDENTITY_ENDPOINT
	IDENTITY_HEADER MSI_ENDPOINT MSI_SECRET AZSREG_IMDS_ENDPOINT AZSREG_USERNAME AZSREG_PASSWORD
	AZURE_CLIENT_SEND_CERTIFICATE_CHAIN)
UNSET=()
for v in "${CRED_VARS[@]}"; do UNSET+=(-u "$v"); done
all_output="$tmp/all-output.txt"
: >"$all_output"
# run <name> [VAR=value...] -- azsreg args...: stdout -> $tmp/<name>.out, stderr -> $tmp/<name>.err, sets rc
run() {
	local name="$1"; shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	env "${UNSET[@]}" "${envs[@]}" "${WRAP[@]}" "$AZSREG" -vvv "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	{ echo "### $name: azsreg -vvv $*"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
}
G=(--arm-endpoint "$BASE_main" --ca-file "$CA")
GA=(--arm-endpoint "$BASE_adfs" --ca-file "$tmp/emu-adfs/ca.pem")
expect_rc() { # name expected
	if [ "$rc" -eq "$2" ]; then ok "$1: exit code $2"; else
		fail "$1: exit code $rc, expected $2"; sed 's/^/    | /' "$tmp/$1.out" "$tmp/$1.err" | grep -v '\[trace\]\|\[debug\]' | head -n 20; fi
}
err_has() { grep -qF -- "$2" "$tmp/$1.err"; }
SP=(AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$APP")

# register_ok <name> <n> <picked-source> [VAR=value...]: a sign-in that registers customer n
register_ok() {
	local name="$1" n="$2" source="$3"; shift 3
	local c
	c="$(cust "$n")"
	run "$name" "$@" -- register --registration "$REG" --customer-subscription "$c" --tenant-id "$TENANT" "${G[@]}"
	expect_rc "$name" 0
	check "$name: the state holds the customer" has_mapping ctl "$c"
	check "$name: -v names the credential picked ($source)" err_has "$name" "from environment ($source)"
}

# ---- each credential kind -------------------------------------------------------------------
before="$(stat byClientSecret)"
register_ok secret 1 AZURE_CLIENT_SECRET "${SP[@]}" AZURE_CLIENT_SECRET="$SECRET"
check "secret: one client-secret token" [ "$(stat byClientSecret)" = "$((before + 1))" ]

c="$(cust 2)"
run domain AZURE_TENANT_ID="$DOMAIN" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_SECRET="$SECRET" -- \
	register --registration "$REG" --customer-subscription "$c" --tenant-id "$DOMAIN" "${G[@]}"
expect_rc domain 0
check "domain: the customer's tenant is stored as the GUID" \
	[ "$(ctl GET /state | jq -r --arg id "$c" '.registrations[0].customerSubscriptions[] | select(.id == $id) | .properties.tenantId')" = "$TENANT" ]
check "domain: signed in at the domain's token endpoint" \
	[ "$(ctl GET /requests | jq --arg p "/$DOMAIN/oauth2/v2.0/token" '[.[] | select(.method == "POST" and .path == $p)] | length')" -ge 1 ]

c="$(cust 3)"
run adfs "${SP[@]}" AZURE_CLIENT_SECRET="$SECRET" -- register --registration "$REG" --customer-subscription "$c" "${GA[@]}"
expect_rc adfs 0
check "adfs: the state holds the customer" has_mapping ctl_adfs "$c"
check "adfs: signed in at /adfs/oauth2/token with resource=" \
	[ "$(ctl_adfs GET /requests | jq '[.[] | select(.method == "POST" and .path == "/adfs/oauth2/token" and (.body | test("resource=")))] | length')" = 1 ]

before="$(stat byAssertion)"
register_ok cert_pem 4 AZURE_CLIENT_CERTIFICATE_PATH "${SP[@]}" AZURE_CLIENT_CERTIFICATE_PATH="$tmp/good.pem"
register_ok cert_pfx 5 AZURE_CLIENT_CERTIFICATE_PATH "${SP[@]}" AZURE_CLIENT_CERTIFICATE_PATH="$tmp/sp.pfx" \
	AZURE_CLIENT_CERTIFICATE_PASSWORD="$P12_PASSWORD"
register_ok federated 6 AZURE_FEDERATED_TOKEN_FILE "${SP[@]}" AZURE_FEDERATED_TOKEN_FILE="$tmp/fed.token"
check "certificates and federated: three verified assertions" [ "$(stat byAssertion)" = "$((before + 3))" ]

before="$(stat tokenRequests)"
register_ok access_token 7 AZSREG_ACCESS_TOKEN AZSREG_ACCESS_TOKEN="$ACCESS_TOKEN"
check "access token: no token request" [ "$(stat tokenRequests)" = "$before" ]

before="$(stat byManagedIdentity)"
register_ok identity_endpoint 8 IDENTITY_ENDPOINT IDENTITY_ENDPOINT="$BASE/msi/token" IDENTITY_HEADER="$IDENTITY_HEADER_VALUE"
register_ok msi_endpoint 9 MSI_ENDPOINT MSI_ENDPOINT="$BASE/msi/token" MSI_SECRET="$IDENTITY_HEADER_VALUE"
register_ok imds 10 AZSREG_IMDS_ENDPOINT AZSREG_IMDS_ENDPOINT="http://127.0.0.1:$HTTP_main"
check "imds: asked on the plain-HTTP listener" \
	[ "$(ctl GET /requests | jq '[.[] | select(.path == "/metadata/identity/oauth2/token" and .listener == "http")] | length')" = 1 ]
register_ok user_assigned 11 IDENTITY_ENDPOINT AZURE_CLIENT_ID="$UA_CLIENT" IDENTITY_ENDPOINT="$BASE/msi/token" \
	IDENTITY_HEADER="$IDENTITY_HEADER_VALUE"
check "user-assigned: asked for client_id=$UA_CLIENT" \
	[ "$(ctl GET /requests | jq --arg q "client_id=$UA_CLIENT" '[.[] | select(.path == "/msi/token" and (.query | contains($q)))] | length')" = 1 ]
check "managed identity: four tokens" [ "$(stat byManagedIdentity)" = "$((before + 4))" ]

before="$(stat byPassword)"
register_ok user_password 12 AZSREG_USERNAME AZSREG_USERNAME="$USER" AZSREG_PASSWORD="$USER_PASSWORD" AZURE_TENANT_ID="$TENANT"
check "user_password: one password grant" [ "$(stat byPassword)" = "$((before + 1))" ]
check "user_password: -v names the user" err_has user_password "UsernamePassword(user $USER"

# ---- failures: exit 3, the identity code and a hint on stderr, nothing registered ------------
# fail_auth <name> <n> <code> <credential kind> [VAR=value...]
fail_auth() {
	local name="$1" n="$2" code="$3" kind="$4"; shift 4
	local c arm_before
	c="$(cust "$n")"
	arm_before="$(stat armRequests)"
	run "$name" "$@" -- register --registration "$REG" --customer-subscription "$c" "${G[@]}"
	expect_rc "$name" 3
	check "$name: stderr gives the code $code" err_has "$name" "code: $code"
	check "$name: stderr names the credential ($kind)" grep -q "^error: .*$kind" "$tmp/$name.err"
	check "$name: stderr has a hint" grep -q '^hint: .' "$tmp/$name.err"
	check "$name: nothing reached ARM" [ "$(stat armRequests)" = "$arm_before" ]
	check "$name: nothing registered" eval '! has_mapping ctl "$c"'
}
fail_auth wrong_secret 20 AADSTS7000215 "ClientSecret(client $APP, tenant $TENANT).* at $BASE/$TENANT/oauth2" \
	"${SP[@]}" AZURE_CLIENT_SECRET="$WRONG_SECRET"
fail_auth expired_secret 21 AADSTS7000222 "ClientSecret(client $APP, tenant $TENANT).* at $BASE/$TENANT/oauth2" \
	"${SP[@]}" AZURE_CLIENT_SECRET="$EXPIRED_SECRET"
fail_auth unknown_app 22 AADSTS700016 "ClientSecret(client $UNKNOWN_APP, tenant $TENANT)" \
	AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$UNKNOWN_APP" AZURE_CLIENT_SECRET="$SECRET"
fail_auth unknown_tenant 23 AADSTS90002 "ClientSecret(client $APP, tenant $UNKNOWN_TENANT).* at $BASE/$UNKNOWN_TENANT/oauth2" \
	AZURE_TENANT_ID="$UNKNOWN_TENANT" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_SECRET="$SECRET"
fail_auth cert_unregistered 24 AADSTS700027 "Certificate(client $APP, tenant $TENANT" \
	"${SP[@]}" AZURE_CLIENT_CERTIFICATE_PATH="$tmp/unregistered.pem"
fail_auth forged_assertion 25 AADSTS700027 "Federated(client $APP, tenant $TENANT" \
	"${SP[@]}" AZURE_FEDERATED_TOKEN_FILE="$tmp/forged.token"
fail_auth expired_assertion 26 AADSTS700024 "Federated(client $APP, tenant $TENANT" \
	"${SP[@]}" AZURE_FEDERATED_TOKEN_FILE="$tmp/expired.token"
fail_auth wrong_identity_header 27 unauthorized_client "ManagedIdentity(system-assigned, IDENTITY_ENDPOINT $BASE/msi/token" \
	IDENTITY_ENDPOINT="$BASE/msi/token" IDENTITY_HEADER="$WRONG_HEADER"
fail_auth wrong_user_password 31 AADSTS50126 "UsernamePassword(user $USER, client 1950a258-227b-4e31-a9cf-717495945fc2, tenant $TENANT)" \
	AZSREG_USERNAME="$USER" AZSREG_PASSWORD="$WRONG_USER_PASSWORD" AZURE_TENANT_ID="$TENANT"
check "wrong_user_password: the hint says wrong user name or password" grep -q '^hint: Wrong user name or password' "$tmp/wrong_user_password.err"
fail_auth imds_unreachable 28 ManagedIdentityUnavailable "ManagedIdentity(system-assigned, IMDS http://127.0.0.1:$CLOSED_PORT" \
	AZSREG_IMDS_ENDPOINT="http://127.0.0.1:$CLOSED_PORT"

# a missing identity header is invalid input: exit 2 before anything is sent
before="$(stat tokenRequests)"
run missing_header IDENTITY_ENDPOINT="$BASE/msi/token" -- register --registration "$REG" --customer-subscription "$(cust 29)" "${G[@]}"
expect_rc missing_header 2
check "missing_header: stderr names IDENTITY_HEADER" err_has missing_header IDENTITY_HEADER
check "missing_header: no token request" [ "$(stat tokenRequests)" = "$before" ]

# ---- --managed-identity [--identity-id] (IMDS only ever at the emulator's loopback address) ------------
IMDS_LOCAL=(AZSREG_IMDS_ENDPOINT="http://127.0.0.1:$HTTP_main")
mi_ok() { # name n [VAR=value...] -- [extra azsreg options...]
	local name="$1" n="$2"; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run "$name" "${envs[@]}" -- register --managed-identity "$@" --registration "$REG" --customer-subscription "$(cust "$n")" "${G[@]}"
	expect_rc "$name" 0
	check "$name: the state holds the customer" has_mapping ctl "$(cust "$n")"
}
before="$(stat byManagedIdentity)"
ctl DELETE /requests >/dev/null
mi_ok mi_imds 50 "${IMDS_LOCAL[@]}" --
check "mi_imds: -v names the IMDS credential" err_has mi_imds "credential: ManagedIdentity(system-assigned, IMDS http://127.0.0.1:$HTTP_main"
check "mi_imds: asked IMDS with Metadata: true" \
	[ "$(ctl GET /requests | jq '[.[] | select(.path == "/metadata/identity/oauth2/token" and .headers.metadata == "true")] | length')" = 1 ]
mi_ok mi_identity_endpoint 51 IDENTITY_ENDPOINT="$BASE/msi/token" IDENTITY_HEADER="$IDENTITY_HEADER_VALUE" "${IMDS_LOCAL[@]}" --
check "mi_identity_endpoint: IDENTITY_ENDPOINT wins over IMDS" err_has mi_identity_endpoint "credential: ManagedIdentity(system-assigned, IDENTITY_ENDPOINT"
mi_ok mi_client_id 52 "${IMDS_LOCAL[@]}" -- --identity-id "$UA_CLIENT"
check "mi_client_id: asked for client_id=$UA_CLIENT" \
	[ "$(ctl GET /requests | jq --arg q "client_id=$UA_CLIENT" '[.[] | select(.path == "/metadata/identity/oauth2/token" and (.query | contains($q)))] | length')" = 1 ]
mi_ok mi_resource_id 53 "${IMDS_LOCAL[@]}" -- --identity-id "$UA_RESOURCE_ID"
check "mi_resource_id: asked IMDS for msi_res_id" \
	[ "$(ctl GET /requests | jq '[.[] | select(.path == "/metadata/identity/oauth2/token" and (.query | contains("msi_res_id=")) and (.query | contains("cli-ua")))] | length')" = 1 ]
check "managed identity options: four tokens" [ "$(stat byManagedIdentity)" = "$((before + 4))" ]
arm_before="$(stat armRequests)"
run mi_unknown_identity "${IMDS_LOCAL[@]}" -- register --managed-identity --identity-id "$UNKNOWN_APP" --registration "$REG" \
	--customer-subscription "$(cust 54)" "${G[@]}"
expect_rc mi_unknown_identity 3
check "mi_unknown_identity: the hint names --identity-id (the CLI's words) and not -AccountId (the module's)" eval 'grep "^hint: " "$tmp/mi_unknown_identity.err" | grep -q -- "azsreg: --identity-id selects the user-assigned identity" &&
	! grep -q -- "-AccountId" "$tmp/mi_unknown_identity.err"'
check "mi_unknown_identity: nothing reached ARM" [ "$(stat armRequests)" = "$arm_before" ]

# ---- --device-code through azsreg: approved (exit 0, registered) and declined (exit 3) ------------------
# device_code <name> <n> approve|decline: azsreg runs in the background, its stderr in a file; the test
# reads the user code from it and approves or declines it on the control listener
device_code() {
	local name="$1" n="$2" action="$3" code="" pid
	env "${UNSET[@]}" AZURE_TENANT_ID="$TENANT" "${WRAP[@]}" "$AZSREG" --device-code register --registration "$REG" \
		--customer-subscription "$(cust "$n")" --timeout 60 "${G[@]}" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	for _ in $(seq 1 1200); do # waits for the prompt; 60 s is only a hang guard (issue 9)
		code="$(grep -oE '[B-Z]{4}-[0-9]{4}' "$tmp/$name.err" 2>/dev/null | head -n 1)"
		[ -n "$code" ] && break
		sleep 0.05
	done
	if [ -z "$code" ]; then
		fail "$name: no user code on stderr"
		kill -TERM "$pid" 2>/dev/null
	else
		ok "$name: the user code $code is on stderr"
		check "$name: the control listener took the $action" \
			[ "$(curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' -X POST "$CONTROL_main/devicecode/$action" \
				-H 'Content-Type: application/json' --data "{\"userCode\":\"$code\"}")" = 200 ]
	fi
	wait "$pid"
	rc=$?
	{ echo "### $name: azsreg --device-code"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
}
before="$(stat byDeviceCode)"
device_code dc_approved 60 approve
expect_rc dc_approved 0
check "dc_approved: the state holds the customer" has_mapping ctl "$(cust 60)"
check "dc_approved: one device code token" [ "$(stat byDeviceCode)" = "$((before + 1))" ]
arm_before="$(stat armRequests)"
device_code dc_declined 61 decline
expect_rc dc_declined 3
check "dc_declined: stderr gives AADSTS65004" err_has dc_declined "code: AADSTS65004"
check "dc_declined: the message says authorization_declined" grep -q '^error: .*authorization_declined' "$tmp/dc_declined.err"
check "dc_declined: stderr has the declined hint" grep -q '^hint: The user declined' "$tmp/dc_declined.err"
check "dc_declined: stderr gives the correlation ID" grep -q '^correlation ID: .' "$tmp/dc_declined.err"
check "dc_declined: nothing registered" eval '! has_mapping ctl "$(cust 61)"'
check "dc_declined: nothing reached ARM" [ "$(stat armRequests)" = "$arm_before" ]
check "dc_declined: no device code token" [ "$(stat byDeviceCode)" = "$((before + 1))" ]

# ---- the sign-in directory: --tenant-id (all but register) and --sign-in-tenant override AZURE_TENANT_ID
token_posts() { ctl GET /requests | jq --arg p "/$1/oauth2/v2.0/token" '[.[] | select(.method == "POST" and .path == $p)] | length'; }
BADT=(AZURE_TENANT_ID="$UNKNOWN_TENANT" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_SECRET="$SECRET")
ctl DELETE /requests >/dev/null
run tenant_on_list "${BADT[@]}" -- list --registration "$REG" --tenant-id "$DOMAIN" "${G[@]}"
expect_rc tenant_on_list 0
check "tenant_on_list: signed in at the --tenant-id domain" [ "$(token_posts "$DOMAIN")" = 1 ]
check "tenant_on_list: AZURE_TENANT_ID was not used" [ "$(token_posts "$UNKNOWN_TENANT")" = 0 ]
run tenant_on_request "${BADT[@]}" -- request GET "$REG" --api-version 2017-06-01 --tenant-id "$TENANT" "${G[@]}"
expect_rc tenant_on_request 0
check "tenant_on_request: signed in at the --tenant-id GUID" [ "$(token_posts "$TENANT")" = 1 ]
c="$(cust 30)"
run sign_in_tenant_on_register "${BADT[@]}" -- register --registration "$REG" --customer-subscription "$c" \
	--tenant-id "$UA_CLIENT" --sign-in-tenant "$DOMAIN" "${G[@]}"
expect_rc sign_in_tenant_on_register 0
check "sign_in_tenant_on_register: signed in at the --sign-in-tenant domain" [ "$(token_posts "$DOMAIN")" = 2 ]
check "sign_in_tenant_on_register: --tenant-id stayed the customer's tenant" \
	[ "$(ctl GET /state | jq -r --arg id "$c" '.registrations[0].customerSubscriptions[] | select(.id == $id) | .properties.tenantId')" = "$UA_CLIENT" ]
check "the sign-in directory options never used AZURE_TENANT_ID" [ "$(token_posts "$UNKNOWN_TENANT")" = 0 ]

# ---- exit codes: ARM 403 is a service refusal (4), ARM 401 an authentication failure (3) ----------
# arm_refusal <name> <n> <status> <code> <count> <expected exit>: the PUT answers status/code count times
arm_refusal() {
	local name="$1" n="$2" status="$3" code="$4" count="$5" want="$6"
	ctl DELETE /faults >/dev/null
	ctl POST /faults "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\",\"status\":$status,\"code\":\"$code\",\"count\":$count}" >/dev/null
	run "$name" "${SP[@]}" AZURE_CLIENT_SECRET="$SECRET" -- register --registration "$REG" --customer-subscription "$(cust "$n")" "${G[@]}"
	expect_rc "$name" "$want"
	check "$name: stderr gives the code $code" err_has "$name" "code: $code"
	check "$name: nothing registered" eval '! has_mapping ctl "$(cust "$n")"'
	ctl DELETE /faults >/dev/null
}
arm_refusal arm_403_authorization_failed 40 403 AuthorizationFailed 1 4
arm_refusal arm_403_unauthorized_csp 41 403 UnauthorizedCspRegistration 1 4
arm_refusal arm_403_policy 42 403 RequestDisallowedByPolicy 1 4
arm_refusal arm_401_invalid_token 43 401 InvalidAuthenticationToken 2 3
arm_refusal arm_401_wrong_tenant 44 401 InvalidAuthenticationTokenTenant 2 3
check "arm_401_wrong_tenant: the library's hint in neutral words, then the CLI's options" \
	grep -q "^hint: .*(the tenant given to the credential, or AZURE_TENANT_ID). azsreg: --sign-in-tenant names the directory to sign in to (so does --tenant-id outside 'register').$" "$tmp/arm_401_wrong_tenant.err"

# ---- secret scan of every output (all runs were -vvv) -------------------------------------------
check "the -vvv runs logged at trace level" grep -q '\[trace\]' "$all_output"
SECRET_NAMES=(SECRET WRONG_SECRET EXPIRED_SECRET P12_PASSWORD IDENTITY_HEADER_VALUE WRONG_HEADER USER_PASSWORD WRONG_USER_PASSWORD
	FED_ASSERTION FORGED_ASSERTION EXPIRED_ASSERTION ACCESS_TOKEN KEY_SLICE)
for s in "${SECRET_NAMES[@]}"; do
	v="${!s}"
	if [ -z "$v" ]; then
		fail "secret scan: \$$s is empty"
	elif grep -qF -- "$v" "$all_output"; then
		fail "secret scan: \$$s (${#v} characters) appears in the output"
	else
		ok "secret scan: \$$s is absent"
	fi
done
for mark in eyJhbGci eyJ0eXAi eyJ4NXQi "PRIVATE KEY" "client_secret=emu" "client_assertion=eyJ"; do
	check "secret scan: no '$mark' in any output" eval '! grep -qF -- "$mark" "$all_output"'
done
for name in main adfs; do
	check "secret scan: the $name emulator's output holds no secret" \
		eval '! grep -qF -e "$SECRET" -e "$P12_PASSWORD" -e "$WRONG_SECRET" -e eyJhbGci "$tmp/emu-$name/emulator.log"'
done

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
