#!/usr/bin/env bash
# Issue #9 ("every bad input refused before anything is sent"), the command line side:
# each bad input exits 2, stderr names the problem on one line, the emulator saw no
# request at all (GET /_emulator/requests is empty, /stats counts 0), and no secret or
# user info appears in any output. The table of bad inputs is tests/INVALID_INPUTS.md.
# usage: test_cli_invalid_input.sh <path to azsreg> <path to azsreg-emulator>
# AZSREG_CLI_WRAPPER (e.g. a valgrind command line) is put in front of every azsreg run.
set -uo pipefail

AZSREG="${1:?usage: test_cli_invalid_input.sh <azsreg> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_cli_invalid_input.sh <azsreg> <azsreg-emulator>}"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
CUST="f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
URL_PASSWORD="url-pw-do-not-show-4711"

TMP_PREFIX=azsreg-cli-invalid
# shellcheck source=tests/integration/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
HOSTPORT="${BASE#https://}"
reset_counters() { ctl POST /stats/reset >/dev/null && ctl DELETE /requests >/dev/null; }
stat() { ctl GET /stats | jq -r ".$1"; }
logged() { ctl GET /requests | jq -r 'length'; }
mappings() { ctl GET /state | jq -r '[.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[].id] | sort | join(",")'; }

# refused <name> <stderr regex> args...: azsreg must exit 2, name the problem in one line of
# stderr, print nothing on stdout, and send nothing at all.
refused() {
	local name="$1" want="$2"; shift 2
	reset_counters
	"${WRAP[@]}" "$AZSREG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	{ echo "### azsreg $name"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
	if [ "$rc" -eq 2 ]; then ok "$name: exit code 2"; else
		fail "$name: exit code $rc, expected 2"; sed 's/^/    | /' "$tmp/$name.out" "$tmp/$name.err" | head -n 10; fi
	check "$name: stderr names the problem ($want)" grep -qiE -- "$want" "$tmp/$name.err"
	check "$name: nothing on stdout" [ ! -s "$tmp/$name.out" ]
	check "$name: no request reached the emulator" [ "$(stat requests)" = 0 ] && [ "$(logged)" = 0 ]
	check "$name: no token request" [ "$(stat tokenRequests)" = 0 ]
	check "$name: stderr has no carriage return" bash -c "! grep -q \$'\\r' '$tmp/$name.err'"
}

# ---- finding 1: user info in the endpoint URL ------------------------------------------------
refused invalid_input_endpoint_with_userinfo "ARM endpoint is not usable: it has user info" \
	-v list --registration "$REG" --arm-endpoint "https://user:$URL_PASSWORD@$HOSTPORT" --ca-file "$tmp/ca.pem"
refused invalid_input_endpoint_with_user_only "user info" \
	-vvv list --registration "$REG" --arm-endpoint "https://$URL_PASSWORD@$HOSTPORT" --ca-file "$tmp/ca.pem"
check "userinfo: the password is not shown" bash -c "! grep -q -- '$URL_PASSWORD' '$tmp/invalid_input_endpoint_with_userinfo.err' '$tmp/invalid_input_endpoint_with_user_only.err'"
check "userinfo: no resourceManagerUrl printed" bash -c "! grep -q resourceManagerUrl '$tmp/invalid_input_endpoint_with_userinfo.err'"

# ---- finding 2: empty or blank tenant -------------------------------------------------------
refused invalid_input_empty_tenant "tenant-id is empty" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id '' "${G[@]}"
refused invalid_input_blank_tenant "tenant-id is blank" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id '   ' "${G[@]}"
refused invalid_input_empty_tenant_equals "tenant-id is empty" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id= "${G[@]}"
check "blank tenant: state still empty" [ "$(mappings)" = "" ]

# ---- finding 3: query, fragment, dot segments in the endpoint URL ---------------------------
refused invalid_input_endpoint_with_query "it has a query" \
	list --registration "$REG" --arm-endpoint "https://$HOSTPORT?x=1" --ca-file "$tmp/ca.pem"
refused invalid_input_endpoint_with_fragment "it has a fragment" \
	list --registration "$REG" --arm-endpoint "https://$HOSTPORT#x" --ca-file "$tmp/ca.pem"
refused invalid_input_endpoint_with_dotdot "dot segment" \
	list --registration "$REG" --arm-endpoint "https://$HOSTPORT../_emulator/" --ca-file "$tmp/ca.pem"
refused invalid_input_endpoint_with_encoded_dotdot "dot segment" \
	list --registration "$REG" --arm-endpoint "https://$HOSTPORT%2E%2e/_emulator/" --ca-file "$tmp/ca.pem"
IDENTITY_ENDPOINT="https://${HOSTPORT}msi/token?x=1" IDENTITY_HEADER=h-value \
	refused invalid_input_identity_endpoint_with_query "IDENTITY_ENDPOINT.*it has a query" \
	list --registration "$REG" --managed-identity "${G[@]}"
IDENTITY_ENDPOINT="https://u:$URL_PASSWORD@${HOSTPORT}msi/token" IDENTITY_HEADER=h-value \
	refused invalid_input_identity_endpoint_with_userinfo "IDENTITY_ENDPOINT.*user info" \
	list --registration "$REG" --managed-identity "${G[@]}"

# ---- finding 5: api-version in --query ------------------------------------------------------
refused invalid_input_query_sets_api_version "query sets api-version" \
	request GET "$REG" --api-version 2017-06-01 --query api-version=banana "${G[@]}"
refused invalid_input_query_sets_api_version_later "query sets api-version" \
	request GET "$REG" --api-version 2017-06-01 --query '$top=1&API-Version=x' "${G[@]}"

# ---- finding 7: control characters from input are escaped -----------------------------------
refused invalid_input_crlf_in_endpoint 'https://x/\\r\\nX-Injected: y' \
	list --registration "$REG" --arm-endpoint $'https://x/\r\nX-Injected: y' --ca-file "$tmp/ca.pem"
refused invalid_input_crlf_in_method "method 'GE\\\\r\\\\nT'" \
	request $'GE\r\nT' "$REG" --api-version 2017-06-01 "${G[@]}"
refused invalid_input_newline_in_customer 'f1e2d3c4\\nX-Injected' \
	get --registration "$REG" --customer-subscription $'f1e2d3c4\nX-Injected: y' "${G[@]}"
refused invalid_input_crlf_in_option "unknown option '--bad\\\\r\\\\nX-Injected" \
	list --registration "$REG" $'--bad\r\nX-Injected: y' "${G[@]}"
refused invalid_input_escape_in_output_value "yaml\\\\x1b\\[31m" \
	list --registration "$REG" --output $'yaml\x1b[31m' "${G[@]}"
for n in crlf_in_endpoint crlf_in_method newline_in_customer crlf_in_option; do
	check "$n: no forged 'X-Injected' line on stderr" bash -c "! grep -q '^X-Injected' '$tmp/invalid_input_$n.err'"
done
check "escape: no raw ESC on stderr" bash -c "! grep -q \$'\\x1b' '$tmp/invalid_input_escape_in_output_value.err'"

# ---- finding 4: every input checked before discovery and sign-in ----------------------------
refused invalid_input_customer_tenant_not_a_tenant "tenant .not a tenant. is neither a GUID nor a domain name" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id 'not a tenant' "${G[@]}"
refused invalid_input_customer_tenant_without_dot "neither a GUID nor a domain name" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id 'contoso' "${G[@]}"
refused invalid_input_sign_in_tenant_not_a_tenant "neither a GUID nor a domain name" \
	list --registration "$REG" --sign-in-tenant 'not a tenant' "${G[@]}"
refused invalid_input_api_version_with_ampersand "api-version '2017-06-01&x'" \
	request GET "$REG" --api-version '2017-06-01&x' "${G[@]}"
refused invalid_input_api_version_with_space "api-version '2017-06-01 x'" \
	request GET "$REG" --api-version '2017-06-01 x' "${G[@]}"
refused invalid_input_api_version_with_hash "api-version '2017-06-01#x'" \
	request GET "$REG" --api-version '2017-06-01#x' "${G[@]}"
refused invalid_input_api_version_with_crlf "api-version '2017-06-01\\\\r\\\\nX'" \
	request GET "$REG" --api-version $'2017-06-01\r\nX' "${G[@]}"
refused invalid_input_method_gett "method 'GETT' is not one of GET, PUT, PATCH, POST, DELETE, HEAD" \
	request GETT "$REG" --api-version 2017-06-01 "${G[@]}"
refused invalid_input_method_trace "method 'TRACE' is not one of" \
	request TRACE "$REG" --api-version 2017-06-01 "${G[@]}"
refused invalid_input_method_empty "method '' is not one of" \
	request '' "$REG" --api-version 2017-06-01 "${G[@]}"
refused invalid_input_body_on_get "a GET request takes no body" \
	request GET "$REG" --api-version 2017-06-01 --body '{}' "${G[@]}"
refused invalid_input_query_with_hash "OData query has a space, '#'" \
	request GET "$REG" --api-version 2017-06-01 --query '$top=1#x' "${G[@]}"
refused invalid_input_query_with_crlf "OData query has a space, '#'" \
	request GET "$REG" --api-version 2017-06-01 --query $'$top=1\r\nX-Injected: y' "${G[@]}"
AZURE_TENANT_ID='not a tenant' \
	refused invalid_input_env_tenant_malformed "tenant .not a tenant. is neither a GUID nor a domain name" \
	list --registration "$REG" "${G[@]}"
mkdir -p "$tmp/a-directory"
echo "just some text, no certificate" >"$tmp/not-a-cert.pem"
AZURE_CLIENT_SECRET='' AZURE_CLIENT_CERTIFICATE_PATH="$tmp/a-directory" \
	refused invalid_input_cert_path_directory "a-directory.* is a directory" \
	list --registration "$REG" "${G[@]}"
AZURE_CLIENT_SECRET='' AZURE_CLIENT_CERTIFICATE_PATH="$tmp/not-a-cert.pem" \
	refused invalid_input_cert_path_not_a_certificate "not-a-cert.pem" \
	list --registration "$REG" "${G[@]}"
AZURE_CLIENT_SECRET='' AZURE_CLIENT_CERTIFICATE_PATH="$tmp/no-such-file.pem" \
	refused invalid_input_cert_path_missing "no-such-file.pem" \
	list --registration "$REG" "${G[@]}"
refused invalid_input_correlation_id_not_guid "correlation ID" \
	list --registration "$REG" --correlation-id 'not-a-guid' "${G[@]}"

# ---- finding 6: local problems are input errors (exit 2), not network errors ----------------
refused invalid_input_proxy_file_scheme "proxy .file:///etc/passwd.*scheme" \
	list --registration "$REG" --proxy file:///etc/passwd "${G[@]}"
refused invalid_input_proxy_not_a_url "proxy .not a url." \
	list --registration "$REG" --proxy 'not a url' "${G[@]}"
HTTPS_PROXY='http://[::1' \
	refused invalid_input_env_https_proxy_unclosed_bracket "HTTPS_PROXY .http://\[::1." \
	list --registration "$REG" "${G[@]}"
refused invalid_input_ca_file_directory "CA bundle .*a-directory.* is a directory" \
	list --registration "$REG" --arm-endpoint "$BASE" --ca-file "$tmp/a-directory"
refused invalid_input_ca_file_not_certificate "CA bundle .*not-a-cert.pem.* has no PEM certificate" \
	list --registration "$REG" --arm-endpoint "$BASE" --ca-file "$tmp/not-a-cert.pem"
SSL_CERT_FILE="$tmp/a-directory" \
	refused invalid_input_ssl_cert_file_directory "SSL_CERT_FILE.*a-directory.* is a directory" \
	list --registration "$REG" --arm-endpoint "$BASE"
refused invalid_input_body_file_directory "body file .*a-directory.* is a directory" \
	request PUT "$REG/customerSubscriptions/$CUST" --api-version 2017-06-01 --body "@$tmp/a-directory" "${G[@]}"
if [ -e /dev/zero ]; then
	refused invalid_input_body_file_dev_zero "body file ./dev/zero." \
		request PUT "$REG/customerSubscriptions/$CUST" --api-version 2017-06-01 --body @/dev/zero "${G[@]}"
fi

# ---- finding 8: one rule in the library for every front end (tests/ps/InputRules.Tests.ps1
# runs the same inputs through the module); nothing is trimmed, the message names it ------------
refused invalid_input_customer_trailing_newline "customer subscription ID '$CUST\\\\n' ends with a newline \\(\\\\n\\): nothing is trimmed" \
	register --registration "$REG" --customer-subscription "$CUST"$'\n' "${G[@]}"
refused invalid_input_customer_trailing_space "ends with a space: nothing is trimmed" \
	get --registration "$REG" --customer-subscription "$CUST " "${G[@]}"
refused invalid_input_registration_trailing_newline "registration ID .* ends with a newline" \
	list --registration "$REG"$'\n' "${G[@]}"
refused invalid_input_customer_tenant_trailing_newline "tenant 'contoso.onmicrosoft.com\\\\n' ends with a newline" \
	register --registration "$REG" --customer-subscription "$CUST" --tenant-id $'contoso.onmicrosoft.com\n' "${G[@]}"
refused invalid_input_sign_in_tenant_leading_space "starts with a space" \
	list --registration "$REG" --sign-in-tenant ' contoso.onmicrosoft.com' "${G[@]}"
refused invalid_input_resource_id_trailing_newline "resource ID .* ends with a newline" \
	request PUT "$REG/customerSubscriptions/$CUST"$'\n' --api-version 2017-06-01 --body '{}' "${G[@]}"
refused invalid_input_resource_id_customer_not_guid "customer subscription ID in the resource ID 'not-a-guid' is not a GUID" \
	request PUT "$REG/customerSubscriptions/not-a-guid" --api-version 2017-06-01 --body '{}' "${G[@]}"
refused invalid_input_api_version_trailing_space "api-version '2017-06-01 ' has a character other than" \
	request GET "$REG" --api-version '2017-06-01 ' "${G[@]}"
# accepted: the customer GUID of a resource ID goes out in lowercase, as New-AzureRmResource sends it
UPPER="$(printf '%s' "$CUST" | tr 'a-f' 'A-F')"
reset_counters
"${WRAP[@]}" "$AZSREG" request PUT "$REG/customerSubscriptions/{$UPPER}" --api-version 2017-06-01 --body '{"properties":{}}' "${G[@]}" >"$tmp/upper.out" 2>"$tmp/upper.err"
rc=$?
{ echo "### azsreg upper"; cat "$tmp/upper.out" "$tmp/upper.err"; } >>"$all_output"
check "finding 8: request PUT with a braced uppercase customer GUID: exit code 0" [ "$rc" -eq 0 ]
check "finding 8: ... sent with the GUID in lowercase, without braces" \
	[ "$(ctl GET /requests | jq -r '[.[] | select(.method == "PUT") | .path] | join(",")')" = "$REG/customerSubscriptions/$CUST" ]
check "finding 8: ... registered in lowercase" [ "$(mappings)" = "$CUST" ]
"${WRAP[@]}" "$AZSREG" remove --registration "$REG" --customer-subscription "$CUST" "${G[@]}" >/dev/null 2>&1

# ---- a good call afterwards is sent (the checks above did not just fail to connect) ----------
reset_counters
"${WRAP[@]}" "$AZSREG" list --registration "$REG" "${G[@]}" >"$tmp/good.out" 2>"$tmp/good.err"
rc=$?
{ echo "### azsreg good"; cat "$tmp/good.out" "$tmp/good.err"; } >>"$all_output"
check "a good list afterwards: exit code 0" [ "$rc" -eq 0 ]
check "a good list afterwards reached the emulator" [ "$(stat armRequests)" -ge 1 ]

# ---- secret scan ----------------------------------------------------------------------------
check "no output shows the client secret" bash -c "! grep -q -- '$SECRET' '$all_output'"
check "no output shows the URL password" bash -c "! grep -q -- '$URL_PASSWORD' '$all_output'"
check "no output shows a token (eyJ...)" bash -c "! grep -q 'eyJ' '$all_output'"

summary
