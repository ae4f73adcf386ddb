#!/usr/bin/env bash
# Conformance of azsreg-emulator with Microsoft's own SDKs (issue 10): installs the pinned
# Node SDKs (npm ci from node/package-lock.json) and builds the .NET program (NuGet, exact
# versions in dotnet/Conformance.csproj), starts a fresh emulator on loopback
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

# The SDKs run with an allow-list environment: nothing from the caller's Azure sign-in,
# proxy, CA, SDK logging or region settings reaches them. npm and NuGet keep the caller's
# environment: it is how they reach their registries (proxy, the egress CA).
base_env=(env -i "PATH=$PATH" "HOME=$HOME" "LANG=C.UTF-8" "TMPDIR=${TMPDIR:-/tmp}"
	DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1)
[ -n "${DOTNET_ROOT:-}" ] && base_env+=("DOTNET_ROOT=$DOTNET_ROOT")
fetch_env=(env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 npm_config_update_notifier=false)

# ---- the SDKs, pinned with their whole tree --------------------------------------------
# Node: tests/conformance/node/package-lock.json (npm ci installs exactly that tree).
NODE_DIR="$OUT/node"
NODE_MODULES="$NODE_DIR/node_modules"
lock="$ROOT/tests/conformance/node/package-lock.json"
if [ ! -d "$NODE_MODULES" ] || ! cmp -s "$lock" "$NODE_DIR/package-lock.json"; then
	rm -rf "$NODE_DIR"
	mkdir -p "$NODE_DIR"
	cp "$ROOT/tests/conformance/node/package.json" "$lock" "$NODE_DIR/"
	if ! "${fetch_env[@]}" timeout 600 npm ci --prefix "$NODE_DIR" --no-audit --no-fund --silent >"$OUT/npm.log" 2>&1; then
		echo "conformance: npm ci failed:" >&2
		tail -n 5 "$OUT/npm.log" >&2
		rm -f "$NODE_DIR/package-lock.json"
		exit 1
	fi
fi
# .NET: exact versions in Conformance.csproj; no build server or node reuse left behind.
DOTNET_DLL="$OUT/dotnet/bin/Conformance/release/Conformance.dll"
if ! "${fetch_env[@]}" timeout 900 dotnet build "$ROOT/tests/conformance/dotnet/Conformance.csproj" -c Release \
	--artifacts-path "$OUT/dotnet" -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false \
	>"$OUT/dotnet-build.log" 2>&1; then
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

status=0
: >"$OUT/results.txt"
start_emulator node
"${base_env[@]}" NODE_EXTRA_CA_CERTS="$CA" timeout 600 node "$ROOT/tests/conformance/node/conformance.mjs" \
	"$NODE_MODULES" "$BASE" "$HTTP_BASE" "$CERT" >"$OUT/node.out" 2>"$OUT/node.err" || status=1
stop_emulator
start_emulator dotnet
"${base_env[@]}" timeout 600 dotnet "$DOTNET_DLL" "$BASE" "$HTTP_BASE" "$CA" "$CERT" \
	>"$OUT/dotnet.out" 2>"$OUT/dotnet.err" || status=1
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
