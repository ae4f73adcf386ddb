#!/usr/bin/env bash
# What only the Windows build of azsreg.exe has to get right, against the Linux emulator:
#   - a CA file and a certificate file (PEM and PFX) whose paths hold non-ASCII characters
#     (UTF-16 command line and environment, _wfopen), and a non-ASCII body file path;
#   - trust through the Windows certificate store when no CA file is given: refused
#     (exit 5) while the emulator's CA is not in LocalMachine\Root, accepted once
#     cert_store.exe put it there, refused again after it was taken out;
#   - JSON on stdout with LF line ends and the exact bytes (no CRLF, no code page);
#   - a list of several pages.
# usage: test_cli_windows.sh <dir with azsreg.exe and cert_store.exe> <path to azsreg-emulator>
# AZSREG_CLI_WRAPPER is put in front of every Windows program (tests/windows/run.sh: wine).
set -uo pipefail

BIN="${1:?usage: test_cli_windows.sh <windows bin dir> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_cli_windows.sh <windows bin dir> <azsreg-emulator>}"
read -r -a WRAP <<<"${AZSREG_CLI_WRAPPER:-}"
AZSREG="$BIN/azsreg.exe"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
TENANT=11111111-1111-1111-1111-111111111111
APP=22222222-2222-2222-2222-222222222222
SECRET=emulator-sample-secret
P12_PASSWORD="win-p12-password-do-not-log-5120"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-win-cli.XXXXXX")"
emu_pid=""
store_added=""
cleanup() {
	if [ -n "$store_added" ]; then "${WRAP[@]}" "$BIN/cert_store.exe" remove "$store_added" >/dev/null 2>&1; fi
	if [ -n "$emu_pid" ]; then kill -TERM "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"$EMULATOR" --port 0 --http-port 0 --ca-out "$tmp/ca.pem" --ready-file "$tmp/ready.json" >"$tmp/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 1200); do [ -s "$tmp/ready.json" ] && break; sleep 0.05; done # hang guard 60 s (issue 9)
if [ ! -s "$tmp/ready.json" ]; then echo "FAIL - the emulator did not get ready"; cat "$tmp/emulator.log"; exit 1; fi
BASE="$(jq -r .baseUrl "$tmp/ready.json")"
CONTROL="http://127.0.0.1:$(jq -r .httpPort "$tmp/ready.json")/_emulator"
echo "# emulator at $BASE"
ctl() { curl -sS --noproxy '*' -X "$1" "$CONTROL$2" ${3:+-H 'Content-Type: application/json' --data "$3"}; }
has_mapping() { [ "$(ctl GET /state | jq -r --arg id "$1" '[.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[] | select(.id == $id)] | length')" = 1 ]; }
tenant_of() { ctl GET /state | jq -r --arg id "$1" '.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[] | select(.id == $id) | .properties.tenantId'; }

all_output="$tmp/all-output.txt"
# run <name> [VAR=value ...] -- args...: azsreg.exe with only the given sign-in variables
run() {
	local name="$1" envs=()
	shift
	while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	env -u AZURE_TENANT_ID -u AZURE_CLIENT_ID -u AZURE_CLIENT_SECRET -u AZURE_CLIENT_CERTIFICATE_PATH \
		-u AZURE_CLIENT_CERTIFICATE_PASSWORD -u AZSREG_ACCESS_TOKEN -u IDENTITY_ENDPOINT -u MSI_ENDPOINT \
		-u SSL_CERT_FILE -u CURL_CA_BUNDLE "${envs[@]}" \
		"${WRAP[@]}" "$AZSREG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	{ echo "### $name: azsreg $*"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
}
expect_rc() { if [ "$rc" -eq "$2" ]; then ok "$1: exit code $2"; else fail "$1: exit code $rc, expected $2"; sed 's/^/#   /' "$tmp/$1.err" | head -n 8; fi; }
SP=(AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_SECRET="$SECRET")

# ---- non-ASCII paths ------------------------------------------------------------------
u="$tmp/Zertifikate-äöü-証明書"
mkdir -p "$u"
cp "$tmp/ca.pem" "$u/ca-é.pem"
run ca_utf8 "${SP[@]}" -- register --registration "$REG" --customer-subscription c0de0001-0000-4000-8000-000000000001 \
	--arm-endpoint "$BASE" --ca-file "$u/ca-é.pem"
expect_rc ca_utf8 0
check "ca_utf8: registered" has_mapping c0de0001-0000-4000-8000-000000000001

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/sp.key" -out "$tmp/sp.crt" -days 1 \
	-subj "/CN=azsreg Windows CLI test" >/dev/null 2>&1 || { echo "FAIL - openssl req"; exit 1; }
cat "$tmp/sp.crt" "$tmp/sp.key" >"$u/sp-ñ.pem"
openssl pkcs12 -export -in "$tmp/sp.crt" -inkey "$tmp/sp.key" -out "$u/sp-ñ.pfx" -passout "pass:$P12_PASSWORD" \
	|| { echo "FAIL - openssl pkcs12"; exit 1; }
ctl PUT /state "$(ctl GET /state | jq --rawfile pem "$tmp/sp.crt" '.applications[0].certificates += [$pem]')" >/dev/null
run cert_pem_utf8 AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_CERTIFICATE_PATH="$u/sp-ñ.pem" -- \
	-v register --registration "$REG" --customer-subscription c0de0002-0000-4000-8000-000000000002 \
	--arm-endpoint "$BASE" --ca-file "$u/ca-é.pem"
expect_rc cert_pem_utf8 0
check "cert_pem_utf8: registered" has_mapping c0de0002-0000-4000-8000-000000000002
check "cert_pem_utf8: -v names the certificate credential" grep -qi 'certificate' "$tmp/cert_pem_utf8.err"
run cert_pfx_utf8 AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$APP" AZURE_CLIENT_CERTIFICATE_PATH="$u/sp-ñ.pfx" \
	AZURE_CLIENT_CERTIFICATE_PASSWORD="$P12_PASSWORD" -- \
	register --registration "$REG" --customer-subscription c0de0003-0000-4000-8000-000000000003 \
	--arm-endpoint "$BASE" --ca-file "$u/ca-é.pem"
expect_rc cert_pfx_utf8 0
check "cert_pfx_utf8: registered" has_mapping c0de0003-0000-4000-8000-000000000003

printf '{"properties":{"tenantId":"%s"}}' "$TENANT" >"$u/body-ü.json"
run body_utf8 "${SP[@]}" -- request PUT "$REG/customerSubscriptions/c0de0004-0000-4000-8000-000000000004" \
	--api-version 2017-06-01 --body "@$u/body-ü.json" --arm-endpoint "$BASE" --ca-file "$u/ca-é.pem"
expect_rc body_utf8 0
check "body_utf8: registered with the body's tenant" [ "$(tenant_of c0de0004-0000-4000-8000-000000000004)" = "$TENANT" ]

run ca_missing_utf8 "${SP[@]}" -- list --registration "$REG" --arm-endpoint "$BASE" --ca-file "$u/fehlt-ß.pem"
expect_rc ca_missing_utf8 2
check "ca_missing_utf8: the error names the path as given" grep -qF "fehlt-ß.pem" "$tmp/ca_missing_utf8.err"

# ---- output bytes ----------------------------------------------------------------------
run list_json "${SP[@]}" -- list --registration "$REG" --arm-endpoint "$BASE" --ca-file "$tmp/ca.pem"
expect_rc list_json 0
check "list_json: valid JSON" jq -e . "$tmp/list_json.out"
check "list_json: LF line ends, no CR" bash -c "! grep -q \$'\\r' '$tmp/list_json.out'"

# ---- several pages: 4 mappings at 2 per page, list follows nextLink --------------------
ctl PUT /config '{"pageSize":2}' >/dev/null
ctl DELETE /requests >/dev/null
run list_pages "${SP[@]}" -- list --registration "$REG" --arm-endpoint "$BASE" --ca-file "$tmp/ca.pem" --output table
expect_rc list_pages 0
check "list_pages: all 4 customers in the table" [ "$(grep -c '^c0de000' "$tmp/list_pages.out")" = 4 ]
check "list_pages: 2 page requests" [ "$(ctl GET /requests | jq '[.[] | select(.method == "GET" and (.path | endswith("/customerSubscriptions")))] | length')" = 2 ]
ctl PUT /config '{"pageSize":50}' >/dev/null

# ---- the Windows certificate store -----------------------------------------------------
run store_before "${SP[@]}" -- list --registration "$REG" --arm-endpoint "$BASE"
expect_rc store_before 5
check "store_before: a TLS error (the emulator's CA is not trusted yet)" grep -qiE 'certificate|TLS|SSL' "$tmp/store_before.err"
if "${WRAP[@]}" "$BIN/cert_store.exe" add "$tmp/ca.pem" >"$tmp/store_add.out" 2>&1; then
	store_added="$tmp/ca.pem"
	ok "cert_store: the emulator's CA is in LocalMachine\\Root"
else
	fail "cert_store add: $(cat "$tmp/store_add.out")"
fi
run store_trusted "${SP[@]}" -- register --registration "$REG" --customer-subscription c0de0005-0000-4000-8000-000000000005 \
	--arm-endpoint "$BASE"
expect_rc store_trusted 0
check "store_trusted: registered through the store's trust" has_mapping c0de0005-0000-4000-8000-000000000005
if "${WRAP[@]}" "$BIN/cert_store.exe" remove "$tmp/ca.pem" >"$tmp/store_remove.out" 2>&1; then
	store_added=""
	ok "cert_store: the emulator's CA is out of LocalMachine\\Root again"
else
	fail "cert_store remove: $(cat "$tmp/store_remove.out")"
fi
run store_after "${SP[@]}" -- list --registration "$REG" --arm-endpoint "$BASE"
expect_rc store_after 5

# ---- secrets ---------------------------------------------------------------------------
check "no output shows the client secret" bash -c "! grep -q -- '$SECRET' '$all_output'"
check "no output shows the PFX password" bash -c "! grep -q -- '$P12_PASSWORD' '$all_output'"
check "no output shows a token (eyJ...)" bash -c "! grep -q 'eyJ' '$all_output'"

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
