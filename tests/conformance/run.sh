#!/usr/bin/env bash
# Conformance of azsreg-emulator with Microsoft's own SDKs (issue 10): installs the pinned
# Node SDKs (npm) and builds the .NET program (NuGet), starts a fresh emulator on loopback
# for each, runs tests/conformance/node/conformance.mjs and tests/conformance/dotnet, and
# prints one line per SDK x check, then "conformance: N passed, N failed".
#
# Usage: bash tests/conformance/run.sh <build dir with bin/azsreg-emulator> [out dir]
#   (defaults: out/release, out/conformance). Exit 0 only when every check passed and no
#   SDK tried to reach anything but 127.0.0.1. npm and NuGet reach their registries (the
#   caller's proxy settings apply to them); the SDKs under test never leave loopback.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/out/release}"
OUT="${2:-$ROOT/out/conformance}"
EMULATOR="$BUILD/bin/azsreg-emulator"
[ -x "$EMULATOR" ] || { echo "conformance: no emulator at $EMULATOR (build first)" >&2; exit 2; }
mkdir -p "$OUT"

# ---- the SDKs, pinned ------------------------------------------------------------------
NODE_MODULES="$OUT/node/node_modules"
want_node='@azure/arm-azurestack@2.1.1 @azure/identity@4.14.1 @azure/arm-resources@8.0.0'
if [ ! -f "$OUT/node/.installed" ] || [ "$(cat "$OUT/node/.installed")" != "$want_node" ]; then
	mkdir -p "$OUT/node"
	# shellcheck disable=SC2086 # the list is word-split on purpose
	if ! npm install --prefix "$OUT/node" --no-audit --no-fund --silent --no-save $want_node >"$OUT/npm.log" 2>&1; then
		echo "conformance: npm install failed:" >&2
		tail -n 5 "$OUT/npm.log" >&2
		exit 1
	fi
	echo "$want_node" >"$OUT/node/.installed"
fi
DOTNET_DLL="$OUT/dotnet/bin/Conformance/release/Conformance.dll"
if ! dotnet build "$ROOT/tests/conformance/dotnet/Conformance.csproj" -c Release --artifacts-path "$OUT/dotnet" \
	-nologo -v quiet >"$OUT/dotnet-build.log" 2>&1; then
	echo "conformance: building the .NET program failed:" >&2
	grep -E 'error' "$OUT/dotnet-build.log" | head -n 5 >&2
	exit 1
fi

# ---- a throwaway certificate for the certificate credentials ------------------------------
CERT="$OUT/client-cert.pem"
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT/client-key.pem" -out "$OUT/client-crt.pem" \
	-days 2 -subj /CN=azsreg-conformance >/dev/null 2>&1; then
	echo "conformance: openssl could not make a certificate" >&2
	exit 1
fi
cat "$OUT/client-key.pem" "$OUT/client-crt.pem" >"$CERT"
chmod 600 "$CERT" "$OUT/client-key.pem"

emu_pid=""
stop_emulator() {
	if [ -n "$emu_pid" ]; then
		kill "$emu_pid" 2>/dev/null
		wait "$emu_pid" 2>/dev/null
		emu_pid=""
	fi
}
trap stop_emulator EXIT

# Starts a fresh emulator (new state, new CA) and sets BASE, HTTP_BASE, CA.
start_emulator() {
	local dir="$OUT/emulator-$1"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$EMULATOR" --port 0 --http-port 0 --ca-out "$dir/ca.pem" --ready-file "$dir/ready.json" --quiet \
		--exit-with-parent >"$dir/stdout.log" 2>"$dir/stderr.log" &
	emu_pid=$!
	for _ in $(seq 1 600); do
		[ -s "$dir/ready.json" ] && break
		kill -0 "$emu_pid" 2>/dev/null || { echo "conformance: the emulator exited: $(head -c 300 "$dir/stderr.log")" >&2; exit 1; }
		sleep 0.05
	done
	[ -s "$dir/ready.json" ] || { echo "conformance: the emulator did not get ready" >&2; exit 1; }
	BASE="$(sed -n 's/.*"baseUrl":"\([^"]*\)".*/\1/p' "$dir/ready.json")"
	HTTP_BASE="http://127.0.0.1:$(sed -n 's/.*"httpPort":\([0-9]*\).*/\1/p' "$dir/ready.json")"
	CA="$dir/ca.pem"
}

# The SDKs' environment: nothing from the caller's Azure sign-in or proxy settings.
clean_env=(env -u AZURE_TENANT_ID -u AZURE_CLIENT_ID -u AZURE_CLIENT_SECRET -u AZURE_CLIENT_CERTIFICATE_PATH
	-u AZURE_USERNAME -u AZURE_PASSWORD -u AZURE_AUTHORITY_HOST -u AZURE_POD_IDENTITY_AUTHORITY_HOST
	-u IDENTITY_ENDPOINT -u IDENTITY_HEADER -u MSI_ENDPOINT -u MSI_SECRET -u IMDS_ENDPOINT
	-u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u ALL_PROXY -u all_proxy -u NO_PROXY -u no_proxy
	-u NODE_OPTIONS -u NODE_TLS_REJECT_UNAUTHORIZED -u NODE_PATH
	DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1)

status=0
: >"$OUT/results.txt"
start_emulator node
"${clean_env[@]}" NODE_EXTRA_CA_CERTS="$CA" node "$ROOT/tests/conformance/node/conformance.mjs" "$NODE_MODULES" \
	"$BASE" "$HTTP_BASE" "$CERT" >"$OUT/node.out" 2>"$OUT/node.err" || status=1
stop_emulator
start_emulator dotnet
"${clean_env[@]}" dotnet "$DOTNET_DLL" "$BASE" "$HTTP_BASE" "$CA" "$CERT" >"$OUT/dotnet.out" 2>"$OUT/dotnet.err" || status=1
stop_emulator

for sdk in node dotnet; do
	grep -E '^(ok  |FAIL)  ' "$OUT/$sdk.out" | tee -a "$OUT/results.txt"
	if ! grep -q '^RESULT ' "$OUT/$sdk.out"; then
		echo "FAIL  $sdk  the program ended without a result: $(head -c 300 "$OUT/$sdk.err")" | tee -a "$OUT/results.txt"
		status=1
	fi
	grep -h 'tried to reach' "$OUT/$sdk.err" | tee -a "$OUT/results.txt"
done
passed="$(grep -c '^ok  ' "$OUT/results.txt")"
failed="$(grep -c '^FAIL' "$OUT/results.txt")"
echo "conformance: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
