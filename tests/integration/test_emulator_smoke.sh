#!/usr/bin/env bash
# Smoke test of azsreg-emulator: start on port 0, wait for the ready file, talk to it with
# curl over TLS (--cacert), check the contract basics, stop it with SIGTERM (exit 0).
# Usage: test_emulator_smoke.sh /path/to/azsreg-emulator
set -u
EMU=${1:-${AZSREG_EMULATOR:-}}
if [ -z "$EMU" ] || [ ! -x "$EMU" ]; then
  echo "usage: $0 /path/to/azsreg-emulator" >&2
  exit 2
fi
command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }

DIR=$(mktemp -d)
PID=
fails=0
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
expect() { # expect NAME WANT GOT
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want '$2', got '$3'"; fi
}
jget() { # jget FILE KEY  (top-level string/number member of a small JSON document)
  sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$1" | head -n 1
}

"$EMU" --port 0 --http-port 0 --ca-out "$DIR/ca.pem" --ready-file "$DIR/ready.json" \
  >"$DIR/stdout" 2>"$DIR/stderr" &
PID=$!
for _ in $(seq 1 600); do # waits for readiness; 60 s is only a hang guard (issue 9)
  [ -s "$DIR/ready.json" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$DIR/ready.json" ]; then
  echo "emulator not ready; stderr:" >&2
  cat "$DIR/stderr" >&2
  exit 1
fi
PORT=$(jget "$DIR/ready.json" port)
HTTP_PORT=$(jget "$DIR/ready.json" httpPort)
BASE=$(jget "$DIR/ready.json" baseUrl)
expect "ready file baseUrl" "https://127.0.0.1:$PORT/" "$BASE"
expect "ready file pid" "$PID" "$(jget "$DIR/ready.json" pid)"
[ "$PORT" -gt 0 ] 2>/dev/null && ok "port picked ($PORT)" || fail "port '$PORT'"
expect "stdout line" "azsreg-emulator listening on https://127.0.0.1:$PORT/" "$(head -n 1 "$DIR/stdout")"

C=(curl -sS --max-time 10 --cacert "$DIR/ca.pem")
B="https://127.0.0.1:$PORT"

# TLS verification with the written CA, also by the name localhost
code=$("${C[@]}" -o "$DIR/meta.json" -w '%{http_code}' "$B/metadata/endpoints?api-version=2015-01-01")
expect "metadata/endpoints status" 200 "$code"
grep -q '"audiences":\["https://management.emulator.azsreg.local/"\]' "$DIR/meta.json" && ok "metadata audiences" || fail "metadata audiences: $(cat "$DIR/meta.json")"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' "https://localhost:$PORT/metadata/endpoints?api-version=1.0")
expect "TLS name localhost" 200 "$code"
curl -sS --max-time 10 -o /dev/null "$B/metadata/endpoints" 2>/dev/null && fail "unknown CA accepted" || ok "unknown CA rejected"

# token with the sample secret
"${C[@]}" -o "$DIR/token.json" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_id=22222222-2222-2222-2222-222222222222 \
  --data-urlencode client_secret=emulator-sample-secret \
  --data-urlencode scope=https://management.emulator.azsreg.local/.default \
  "$B/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token"
TOKEN=$(jget "$DIR/token.json" access_token)
[ -n "$TOKEN" ] && ok "access token issued" || fail "no access token: $(sed 's/"access_token":"[^"]*"/"access_token":"***"/' "$DIR/token.json")"
code=$("${C[@]}" -o "$DIR/bad.json" -w '%{http_code}' \
  -d "grant_type=client_credentials&client_id=22222222-2222-2222-2222-222222222222&client_secret=wrong&scope=https://management.emulator.azsreg.local/.default" \
  "$B/contoso.onmicrosoft.com/oauth2/v2.0/token")
expect "wrong secret status" 401 "$code"
grep -q 'AADSTS7000215' "$DIR/bad.json" && ok "wrong secret AADSTS7000215" || fail "wrong secret body: $(cat "$DIR/bad.json")"

# ARM: PUT, GET, list, DELETE, 401
REG="$B/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
CS="$REG/customerSubscriptions/E09A4B2C-1E2F-4B5D-9C43-2B2C8E1A7F10?api-version=2017-06-01"
AUTH="Authorization: Bearer $TOKEN"
code=$("${C[@]}" -o "$DIR/put.json" -D "$DIR/put.h" -w '%{http_code}' -X PUT -H "$AUTH" \
  -H 'x-ms-client-request-id: 0f0e0d0c-0000-4000-8000-000000000001' \
  -H 'Content-Type: application/json' -d '{"properties":{"tenantId":"dbab3982-0000-4000-8000-000000000000"}}' "$CS")
expect "PUT status" 200 "$code"
grep -q '"id":"/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/E09A4B2C-1E2F-4B5D-9C43-2B2C8E1A7F10"' "$DIR/put.json" \
  && ok "PUT body id (the GUID as the caller wrote it, as in the examples)" || fail "PUT body: $(cat "$DIR/put.json")"
grep -qi '^x-ms-request-id: ' "$DIR/put.h" && ok "x-ms-request-id" || fail "no x-ms-request-id"
grep -qi '^x-ms-client-request-id: 0f0e0d0c-0000-4000-8000-000000000001' "$DIR/put.h" && ok "client request id echoed" || fail "client request id not echoed"
grep -qi '^x-ms-ratelimit-remaining-subscription-writes: 199' "$DIR/put.h" && ok "ratelimit header" || fail "ratelimit header: $(cat "$DIR/put.h")"
code=$("${C[@]}" -o "$DIR/get.json" -w '%{http_code}' -H "$AUTH" "$CS")
expect "GET status" 200 "$code"
code=$("${C[@]}" -o "$DIR/list.json" -w '%{http_code}' -H "$AUTH" "$REG/customerSubscriptions?api-version=2017-06-01")
expect "list status" 200 "$code"
grep -q '"value":\[{' "$DIR/list.json" && ok "list has the item" || fail "list: $(cat "$DIR/list.json")"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -X DELETE -H "$AUTH" "$CS")
expect "DELETE existing" 200 "$code"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -X DELETE -H "$AUTH" "$CS")
expect "DELETE absent" 204 "$code"
code=$("${C[@]}" -o "$DIR/e404.json" -w '%{http_code}' -H "$AUTH" "$CS")
expect "GET absent" 404 "$code"
grep -q '"code":"CustomerSubscriptionNotFound"' "$DIR/e404.json" && ok "404 code" || fail "404 body: $(cat "$DIR/e404.json")"
code=$("${C[@]}" -o "$DIR/e401.json" -D "$DIR/e401.h" -w '%{http_code}' "$CS")
expect "no token" 401 "$code"
grep -q '"code":"InvalidAuthenticationToken"' "$DIR/e401.json" && ok "401 code" || fail "401 body: $(cat "$DIR/e401.json")"
grep -qi '^WWW-Authenticate: Bearer' "$DIR/e401.h" && ok "WWW-Authenticate" || fail "no WWW-Authenticate"
code=$("${C[@]}" -o "$DIR/e400.json" -w '%{http_code}' -H "$AUTH" "$REG?api-version=2016-01-01")
expect "unknown api-version" 400 "$code"
grep -q '"code":"NoRegisteredProviderFound"' "$DIR/e400.json" && ok "api-version code" || fail "api-version body: $(cat "$DIR/e400.json")"

# faults: a dropped connection is an empty reply (curl exit 52)
H="http://127.0.0.1:$HTTP_PORT"
curl -sS --max-time 10 -o /dev/null -X POST -d '{"method":"GET","pathContains":"/registrations/","drop":true}' "$H/_emulator/faults"
"${C[@]}" -o /dev/null -H "$AUTH" "$REG?api-version=2017-06-01" 2>/dev/null
expect "dropped connection (curl exit)" 52 "$?"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "$AUTH" "$REG?api-version=2017-06-01")
expect "fault is one-shot" 200 "$code"

# control API over plain HTTP; secrets never in the request log
curl -sS --max-time 10 -o "$DIR/stats.json" "$H/_emulator/stats"
expect "stats byClientSecret" 1 "$(jget "$DIR/stats.json" byClientSecret)"
expect "stats unauthorized" 1 "$(jget "$DIR/stats.json" unauthorized)"
curl -sS --max-time 10 -o "$DIR/requests.json" "$H/_emulator/requests"
if grep -q -e 'emulator-sample-secret' -e "$TOKEN" -e 'client_secret=wrong' "$DIR/requests.json"; then
  fail "a secret appears in the request log"
else
  ok "request log redacted"
fi
grep -q 'client_secret=\*\*\*' "$DIR/requests.json" && ok "client_secret shown as ***" || fail "client_secret not redacted as ***"
code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$H/subscriptions?api-version=2020-01-01")
expect "no ARM on the plain listener" 404 "$code"

# SIGTERM: clean exit 0
kill -TERM "$PID"
wait "$PID"
expect "exit status after SIGTERM" 0 "$?"
PID=
if grep -q -e 'emulator-sample-secret' -e "$TOKEN" "$DIR/stdout" "$DIR/stderr"; then
  fail "a secret appears in the emulator's output"
else
  ok "emulator output has no secrets"
fi

# --exit-with-parent: an emulator whose parent dies (a crashed test) stops too
( "$EMU" --port 0 --ready-file "$DIR/orphan.json" --exit-with-parent --quiet >/dev/null 2>&1 &
  echo $! > "$DIR/orphan.pid"; wait ) &
SUB=$!
for _ in $(seq 600); do [ -s "$DIR/orphan.json" ] && break; sleep 0.1; done # hang guard 60 s
OPID=$(cat "$DIR/orphan.pid" 2>/dev/null)
kill -9 "$SUB" 2>/dev/null
wait "$SUB" 2>/dev/null
alive=yes
for _ in $(seq 600); do # waits for the exit; 60 s is only a hang guard (issue 9)
  # Gone, or a zombie waiting for init to reap it: either way it no longer runs.
  st=$(awk '/^State:/ { print $2 }' "/proc/$OPID/status" 2>/dev/null)
  if [ -z "$st" ] || [ "$st" = "Z" ]; then alive=no; break; fi
  sleep 0.1
done
if [ "$alive" = no ]; then ok "emulator stopped with its parent (--exit-with-parent)"; else fail "emulator $OPID outlived its parent"; kill "$OPID" 2>/dev/null; fi

# --signing-key FILE: the first emulator creates the key file (mode 0600), the next one
# signs with the same key (the same kid at the jwks_uri); a file that holds no key is left
# as it is, with a warning, and that run signs with a key of its own
kid_of() { # kid_of READY_FILE: the kid the emulator publishes
  local p; p=$(jget "$1" port)
  "${C[@]}" "https://127.0.0.1:$p/common/discovery/keys" | sed -n 's/.*"kid":"\([^"]*\)".*/\1/p'
}
start_keyed() { # start_keyed NAME: an emulator with --signing-key $DIR/sk.pem, until ready
  "$EMU" --port 0 --ca-out "$DIR/$1.ca" --ready-file "$DIR/$1.json" --signing-key "$DIR/sk.pem" --quiet \
    >/dev/null 2>"$DIR/$1.err" &
  echo $! > "$DIR/$1.pid"
  for _ in $(seq 600); do [ -s "$DIR/$1.json" ] && break; sleep 0.1; done # hang guard 60 s
}
stop_keyed() { kill "$(cat "$DIR/$1.pid")" 2>/dev/null; wait "$(cat "$DIR/$1.pid")" 2>/dev/null; }
start_keyed k1
C=(curl -sS --max-time 10 --cacert "$DIR/k1.ca")
KID1=$(kid_of "$DIR/k1.json")
stop_keyed k1
expect "signing key file mode" 600 "$(stat -c %a "$DIR/sk.pem" 2>/dev/null)"
grep -q -- "-----BEGIN PRIVATE KEY-----" "$DIR/sk.pem" && ok "signing key file holds a key" || fail "signing key file"
start_keyed k2
C=(curl -sS --max-time 10 --cacert "$DIR/k2.ca")
KID2=$(kid_of "$DIR/k2.json")
stop_keyed k2
[ -n "$KID1" ] && [ "$KID1" = "$KID2" ] && ok "the second emulator signs with the saved key" || fail "kids '$KID1' then '$KID2'"
echo "not a key" > "$DIR/sk.pem"
start_keyed k3
C=(curl -sS --max-time 10 --cacert "$DIR/k3.ca")
KID3=$(kid_of "$DIR/k3.json")
stop_keyed k3
[ -n "$KID3" ] && [ "$KID3" != "$KID1" ] && [ "$(cat "$DIR/sk.pem")" = "not a key" ] \
  && grep -q "holds no unencrypted RSA key" "$DIR/k3.err" \
  && ok "a file without a key is left alone (warning; the run signs with its own key)" \
  || fail "after a bad key file: kid '$KID3', file kept: $([ "$(cat "$DIR/sk.pem")" = "not a key" ] && echo yes || echo no)"

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all checks passed"
