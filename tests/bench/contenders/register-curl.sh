#!/usr/bin/env bash
# Benchmark contender "curl": one registration with two curl calls (token, then PUT).
# Usage: register-curl.sh <ARM base URL> <registration ID> <customer subscription> <customer tenant> [<CA file>]
# The CA file is passed with --cacert (curl's command line does not read SSL_CERT_FILE);
# without it curl uses the system store. The service principal comes from AZURE_TENANT_ID,
# AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (sent as given: the emulator's sample is URL-safe).
# The secret and the token go through stdin, never on a command line. Prints the PUT's answer.
set -euo pipefail
base="$1" reg="${2#/}" sub="$3" tenant="$4"
ca=()
if [ -n "${5:-}" ]; then ca=(--cacert "$5"); fi
token_json="$(printf 'grant_type=client_credentials&client_id=%s&client_secret=%s&scope=%s' \
	"$AZURE_CLIENT_ID" "$AZURE_CLIENT_SECRET" 'https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default' |
	curl -sS --fail --noproxy '*' "${ca[@]}" --data @- "${base}${AZURE_TENANT_ID}/oauth2/v2.0/token")"
re='"access_token"[[:space:]]*:[[:space:]]*"([^"]+)"'
if ! [[ $token_json =~ $re ]]; then
	echo "register-curl.sh: no access_token in the token answer" >&2
	exit 1
fi
printf 'Authorization: Bearer %s\n' "${BASH_REMATCH[1]}" |
	curl -sS --fail --noproxy '*' "${ca[@]}" -X PUT -H @- -H 'Content-Type: application/json' \
		--data "{\"properties\":{\"tenantId\":\"$tenant\"}}" \
		"${base}${reg}/customerSubscriptions/${sub}?api-version=2017-06-01"
echo
