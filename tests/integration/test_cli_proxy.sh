#!/usr/bin/env bash
# azsreg through a proxy and with CA variables, against the emulator over TLS, with the
# loopback CONNECT proxy program (integ-proxy, tests/integration/proxy_main.c):
#   --proxy and HTTPS_PROXY route discovery, token and ARM requests through the proxy (every
#   TLS connection the emulator accepted was a proxy tunnel); NO_PROXY=127.0.0.1 bypasses it;
#   credentials in the proxy URL work and never show, even with -vvv; a 407 is not retried
#   (one CONNECT), exits 5 and names the proxy; managed identity over IMDS is never proxied;
#   CURL_CA_BUNDLE / SSL_CERT_FILE alone are trusted, neither is a TLS error (exit 5).
# usage: test_cli_proxy.sh <azsreg> <azsreg-emulator> <integ-proxy>
set -uo pipefail

AZSREG="${1:?usage: test_cli_proxy.sh <azsreg> <azsreg-emulator> <integ-proxy>}"
EMULATOR="${2:?usage}"
PROXY="${3:?usage: the third argument is the integ-proxy program}"
read -r -a WRAP <<<"${AZSREG_CLI_WRAPPER:-}"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
CUST="c0c0c0c0-2222-4333-8444-955555555555"
PROXY_USER="proxyuser"
PROXY_PASSWORD="cli-proxy-pass-do-not-log-4417"
PROXY_BASIC="$(printf '%s:%s' "$PROXY_USER" "$PROXY_PASSWORD" | base64 -w0)"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-proxy-test.XXXXXX")"
emu_pid=""
proxy_pid=""
cleanup() {
	if [ -n "$proxy_pid" ]; then kill -TERM "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; fi
	if [ -n "$emu_pid" ]; then kill -TERM "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

wait_file() { for _ in $(seq 1 1200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

"$EMULATOR" --port 0 --http-port 0 --ca-out "$tmp/ca.pem" --ready-file "$tmp/ready.json" >"$tmp/emulator.log" 2>&1 &
emu_pid=$!
if ! wait_file "$tmp/ready.json"; then echo "FAIL - the emulator did not get ready"; cat "$tmp/emulator.log"; exit 1; fi
BASE="$(jq -r .baseUrl "$tmp/ready.json")"
EMU_PORT="$(jq -r .port "$tmp/ready.json")"
HTTP_PORT="$(jq -r .httpPort "$tmp/ready.json")"
CONTROL="http://127.0.0.1:$HTTP_PORT/_emulator"
ctl() { curl -sS --noproxy '*' -X "$1" "$CONTROL$2" ${3:+-H 'Content-Type: application/json' --data "$3"}; }
stat() { ctl GET /stats | jq -r ".$1"; }
reset_stats() { ctl POST /stats/reset >/dev/null; ctl DELETE /requests >/dev/null; }

# start_proxy [user password]: a fresh proxy; PROXY_URL set. stop_proxy: counts in $tmp/counts.json
start_proxy() {
	rm -f "$tmp/proxy-ready.json" "$tmp/counts.json"
	if [ $# -eq 2 ]; then
		"$PROXY" --ready-file "$tmp/proxy-ready.json" --counts-file "$tmp/counts.json" --user "$1" --password "$2" &
	else
		"$PROXY" --ready-file "$tmp/proxy-ready.json" --counts-file "$tmp/counts.json" &
	fi
	proxy_pid=$!
	wait_file "$tmp/proxy-ready.json" || { echo "FAIL - the proxy did not start"; exit 1; }
	PROXY_PORT="$(jq -r .port "$tmp/proxy-ready.json")"
	PROXY_URL="http://127.0.0.1:$PROXY_PORT"
}
stop_proxy() {
	kill -TERM "$proxy_pid"; wait "$proxy_pid"; proxy_pid=""
	wait_file "$tmp/counts.json" || echo '{}' >"$tmp/counts.json"
}
pc() { jq -r ".$1" "$tmp/counts.json"; }

export AZURE_TENANT_ID=11111111-1111-1111-1111-111111111111
export AZURE_CLIENT_ID=22222222-2222-2222-2222-222222222222
export AZURE_CLIENT_SECRET="emulator-sample-secret"
unset AZSREG_ACCESS_TOKEN AZURE_CLIENT_CERTIFICATE_PATH AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT IDENTITY_HEADER \
	MSI_ENDPOINT MSI_SECRET AZSREG_IMDS_ENDPOINT HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy \
	NO_PROXY no_proxy || true

all_output="$tmp/all-output.txt"
# run <name> [env(1) arguments: VAR=value, -u VAR]... -- <azsreg arguments>
# (the wrapper, e.g. valgrind, goes right around azsreg, not around env)
run() {
	local name="$1" envargs=()
	shift
	while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do envargs+=("$1"); shift; done
	shift
	env "${envargs[@]}" "${WRAP[@]}" "$AZSREG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	{ echo "### $name"; cat "$tmp/$name.out" "$tmp/$name.err"; } >>"$all_output"
	return 0
}
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1: exit code $2"; else
		fail "$1: exit code $rc, expected $2"; sed 's/^/    | /' "$tmp/$1.out" "$tmp/$1.err" | head -n 20; fi
}
# everything the emulator accepted came through the proxy (discovery, token, ARM)
expect_all_proxied() {
	local what="$1" tls
	tls="$(stat tlsConnections)"
	check "$what: the proxy tunnelled (tunnels $(pc tunnels))" [ "$(pc tunnels)" -ge 1 ]
	check "$what: every TLS connection came through the proxy (emulator $tls, tunnels $(pc tunnels))" [ "$tls" = "$(pc tunnels)" ]
	check "$what: the token request arrived" [ "$(stat tokenRequests)" -ge 1 ]
	check "$what: nothing refused by the proxy" [ "$(pc refused)" = 0 ]
}
G=(--arm-endpoint "$BASE" --ca-file "$tmp/ca.pem")

# ---- --proxy ------------------------------------------------------------------------------
start_proxy; reset_stats
run opt -- register --registration "$REG" --customer-subscription "$CUST" --proxy "$PROXY_URL" "${G[@]}"
stop_proxy
expect_rc opt 0
expect_all_proxied "--proxy"
check "--proxy: one discovery request" [ "$(ctl GET /requests | jq '[.[] | select(.path == "/metadata/endpoints")] | length')" = 1 ]

# ---- HTTPS_PROXY -------------------------------------------------------------------------
start_proxy; reset_stats
run envproxy HTTPS_PROXY="$PROXY_URL" -- list --registration "$REG" "${G[@]}"
stop_proxy
expect_rc envproxy 0
expect_all_proxied "HTTPS_PROXY"
check "HTTPS_PROXY: the list shows the customer" grep -q "$CUST" "$tmp/envproxy.out"

# ---- NO_PROXY ----------------------------------------------------------------------------
start_proxy; reset_stats
run noproxy HTTPS_PROXY="$PROXY_URL" NO_PROXY=127.0.0.1 -- get --registration "$REG" --customer-subscription "$CUST" "${G[@]}"
stop_proxy
expect_rc noproxy 0
check "NO_PROXY=127.0.0.1: the proxy saw no connection" [ "$(pc connections)" = 0 ]
check "NO_PROXY=127.0.0.1: the emulator answered directly" [ "$(stat tlsConnections)" -ge 1 ]

# ---- a proxy that is not there: the library's words, then the CLI's option -------------------
run deadproxy -- list --registration "$REG" --proxy "http://127.0.0.1:9" --timeout 20 "${G[@]}"
expect_rc deadproxy 5
check "dead proxy: the library names its own setting" grep -q "check the client's proxy option, HTTPS_PROXY and NO_PROXY" "$tmp/deadproxy.err"
check "dead proxy: the CLI's hint names --proxy" grep -q "^hint: azsreg: --proxy <URL> sets the proxy.$" "$tmp/deadproxy.err"

# ---- credentials in the proxy URL, -vvv ----------------------------------------------------
start_proxy "$PROXY_USER" "$PROXY_PASSWORD"; reset_stats
run authok -- -vvv get --registration "$REG" --customer-subscription "$CUST" \
	--proxy "http://$PROXY_USER:$PROXY_PASSWORD@127.0.0.1:$PROXY_PORT" "${G[@]}"
stop_proxy
expect_rc authok 0
expect_all_proxied "proxy credentials"
check "proxy credentials: no 407" [ "$(pc rejectedAuth)" = 0 ]
check "proxy credentials: -vvv printed something" [ -s "$tmp/authok.err" ]
check "proxy credentials: the password never shows (-vvv)" bash -c "! grep -q -e '$PROXY_PASSWORD' -e '$PROXY_BASIC' '$tmp/authok.out' '$tmp/authok.err'"
# same, through HTTPS_PROXY, with an error answer
start_proxy "$PROXY_USER" "$PROXY_PASSWORD"; reset_stats
run authenv HTTPS_PROXY="http://$PROXY_USER:$PROXY_PASSWORD@127.0.0.1:$PROXY_PORT" -- -vvv get \
	--registration "$REG" --customer-subscription dead0000-0000-4000-8000-000000000000 "${G[@]}"
stop_proxy
expect_rc authenv 4
check "proxy credentials in HTTPS_PROXY: the password never shows" bash -c "! grep -q -e '$PROXY_PASSWORD' -e '$PROXY_BASIC' '$tmp/authenv.out' '$tmp/authenv.err'"

# ---- 407: not retried, names the proxy --------------------------------------------------------
start_proxy "$PROXY_USER" "$PROXY_PASSWORD"; reset_stats
run auth407 -- register --registration "$REG" --customer-subscription "$CUST" \
	--proxy "http://$PROXY_USER:wrong-cli-proxy-pass-do-not-log@127.0.0.1:$PROXY_PORT" "${G[@]}"
stop_proxy
expect_rc auth407 5
check "407: exactly one CONNECT (connects $(pc connects))" [ "$(pc connects)" = 1 ]
check "407: stderr names the proxy 127.0.0.1:$PROXY_PORT" grep -q "127.0.0.1:$PROXY_PORT" "$tmp/auth407.err"
check "407: stderr says 407" grep -q "407" "$tmp/auth407.err"
check "407: the wrong password never shows" bash -c "! grep -q 'wrong-cli-proxy-pass-do-not-log' '$tmp/auth407.out' '$tmp/auth407.err'"
check "407: nothing reached the emulator" [ "$(stat requests)" = 0 ]

# ---- managed identity over IMDS is never proxied ---------------------------------------------
start_proxy; reset_stats
run imds -u AZURE_CLIENT_ID -u AZURE_CLIENT_SECRET -u AZURE_TENANT_ID \
	AZSREG_IMDS_ENDPOINT="http://127.0.0.1:$HTTP_PORT" http_proxy="$PROXY_URL" HTTP_PROXY="$PROXY_URL" \
	HTTPS_PROXY="$PROXY_URL" ALL_PROXY="$PROXY_URL" \
	-- list --registration "$REG" "${G[@]}"
stop_proxy
expect_rc imds 0
check "IMDS: a managed identity token was issued" [ "$(stat byManagedIdentity)" = 1 ]
check "IMDS: ARM went through the proxy" [ "$(pc tunnels)" -ge 1 ]
check "IMDS: the proxy got no plain-HTTP request" [ "$(pc refused)" = 0 ]
check "IMDS: the request came to the plain listener directly" \
	[ "$(ctl GET /requests | jq '[.[] | select(.path == "/metadata/identity/oauth2/token" and .listener == "http")] | length')" = 1 ]

# ---- CA variables (no --ca-file; CI sets SSL_CERT_FILE to the system bundle) --------------------
A=(--arm-endpoint "$BASE")
run curlca -u SSL_CERT_FILE CURL_CA_BUNDLE="$tmp/ca.pem" -- list --registration "$REG" "${A[@]}"
expect_rc curlca 0
run sslcert -u CURL_CA_BUNDLE SSL_CERT_FILE="$tmp/ca.pem" -- list --registration "$REG" "${A[@]}"
expect_rc sslcert 0
reset_stats
run noca -u CURL_CA_BUNDLE -u SSL_CERT_FILE -- list --registration "$REG" "${A[@]}"
expect_rc noca 5
check "no CA: stderr speaks of the certificate / TLS" grep -qiE 'certificate|TLS' "$tmp/noca.err"
check "no CA: nothing reached the emulator" [ "$(stat requests)" = 0 ]

# ---- no secret anywhere -------------------------------------------------------------------
check "no output shows a proxy password or the client secret" bash -c \
	"! grep -q -e '$PROXY_PASSWORD' -e '$PROXY_BASIC' -e 'wrong-cli-proxy-pass-do-not-log' -e 'emulator-sample-secret' '$all_output'"

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
