#!/usr/bin/env bash
# The main job, end to end on this machine (README command 1):
#   1. installs the missing system packages (build/install-deps.sh),
#   2. builds the release build into out/release (build/build.sh release),
#   3. starts azsreg-emulator (local Azure Resource Manager + Azure AD) on 127.0.0.1 with a
#      freshly generated throwaway CA and server certificate,
#   4. with azsreg and the emulator's sample service principal: registers a sample customer
#      subscription with the sample registration, then lists the registration's customers,
#   5. installs PowerShell 7 if there is none (build/install-pwsh.sh) and packages the
#      module into out/module (build/package-module.sh),
#   6. runs the seed's PowerShell flow with the packaged module (build/demo-flow.ps1):
#      Add-AzureRmEnvironment for the emulator, Add-AzureRmAccount as the service principal,
#      New-AzureRmResource of a second customer subscription, Get-AzureRmResource of it and
#      of the registration's customers,
#   7. prints how long each part took, stops the emulator and removes its temporary files
#      (also on failure or Ctrl-C).
# Nothing leaves the machine: every request goes to 127.0.0.1. The sample secret is never printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

REGISTRATION="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
CUSTOMER_SUBSCRIPTION="e09a8dc3-5f2b-4c1d-9e7a-3b6c8d0f1a24"
CUSTOMER_TENANT="dbab3982-7a4c-4b8e-9f21-5c6d7e8f9a0b"
# Registered by the PowerShell part (the azsreg part registers CUSTOMER_SUBSCRIPTION).
PS_CUSTOMER_SUBSCRIPTION="7c1f3a52-9d4e-4b6a-8f0e-2d5c6b7a8e91"

step() { printf '\n==> %s\n' "$*"; }

# Wall-clock time in microseconds, and the time since such a mark as "12.3 s".
now_us() { local t="${EPOCHREALTIME//[.,]/}"; printf '%s' "$t"; }
since() {
	local us=$(($(now_us) - $1))
	printf '%d.%d s' $((us / 1000000)) $(((us / 100000) % 10))
}
# Keeps "<part>  <time since mark>" for the summary the cleanup prints.
record_time() { timings+=("$(printf '%-46s %s' "$1" "$(since "$2")")"); }

tmp=""
emu_pid=""
timings=()
cleanup() {
	local rc=$?
	if [ "${#timings[@]}" -gt 0 ]; then
		printf '\n==> how long each part took\n'
		printf '    %s\n' "${timings[@]}"
	fi
	if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
		echo "==> stopping the emulator (pid $emu_pid)"
		kill -TERM "$emu_pid" 2>/dev/null || true
		wait "$emu_pid" 2>/dev/null || true
	fi
	if [ -n "$tmp" ]; then
		rm -rf "$tmp"
	fi
	if [ "$rc" -eq 0 ]; then
		printf '\n==> demo finished: the emulator is stopped and its throwaway CA deleted\n'
	else
		printf '\n==> demo FAILED (exit code %s)\n' "$rc" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_setup=$(now_us)
step "installing missing system packages (build/install-deps.sh)"
bash build/install-deps.sh

step "building the release build into out/release (build/build.sh release)"
bash build/build.sh release

AZSREG="$ROOT/out/release/bin/azsreg"
EMULATOR="$ROOT/out/release/bin/azsreg-emulator"
for f in "$AZSREG" "$EMULATOR"; do
	if [ ! -x "$f" ]; then
		echo "demo: $f was not built" >&2
		exit 1
	fi
done

record_time "system packages + release build:" "$t_setup"

t_azsreg=$(now_us)
tmp="$(mktemp -d "${TMPDIR:-/tmp}/azsreg-demo.XXXXXX")"
step "starting azsreg-emulator on 127.0.0.1 (free port, fresh throwaway CA in $tmp)"
"$EMULATOR" --port 0 --ca-out "$tmp/ca.pem" --ready-file "$tmp/ready.json" >"$tmp/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do
	[ -s "$tmp/ready.json" ] && break
	if ! kill -0 "$emu_pid" 2>/dev/null; then
		echo "demo: the emulator exited early; its output:" >&2
		cat "$tmp/emulator.log" >&2
		emu_pid=""
		exit 1
	fi
	sleep 0.1
done
if [ ! -s "$tmp/ready.json" ]; then
	echo "demo: the emulator did not get ready within 10 s; its output:" >&2
	cat "$tmp/emulator.log" >&2
	exit 1
fi
BASE_URL="$(jq -r .baseUrl "$tmp/ready.json")"
echo "    emulator listening on $BASE_URL (pid $emu_pid)"
echo "    CA certificate: $tmp/ca.pem"

# The emulator's sample service principal (see native/docs/design.md, "Emulator contract").
export AZURE_TENANT_ID=11111111-1111-1111-1111-111111111111
export AZURE_CLIENT_ID=22222222-2222-2222-2222-222222222222
export AZURE_CLIENT_SECRET=emulator-sample-secret
unset AZSREG_ACCESS_TOKEN AZURE_CLIENT_CERTIFICATE_PATH AZURE_FEDERATED_TOKEN_FILE || true

common=(--arm-endpoint "$BASE_URL" --ca-file "$tmp/ca.pem")

step "registering customer subscription $CUSTOMER_SUBSCRIPTION with registration AzureStack-sample"
echo "    \$ azsreg register --registration $REGISTRATION --customer-subscription $CUSTOMER_SUBSCRIPTION --tenant-id $CUSTOMER_TENANT --arm-endpoint $BASE_URL --ca-file <ca.pem>"
"$AZSREG" register --registration "$REGISTRATION" \
	--customer-subscription "$CUSTOMER_SUBSCRIPTION" --tenant-id "$CUSTOMER_TENANT" "${common[@]}"

step "listing the customers of registration AzureStack-sample"
echo "    \$ azsreg list --registration $REGISTRATION --output table --arm-endpoint $BASE_URL --ca-file <ca.pem>"
"$AZSREG" list --registration "$REGISTRATION" --output table "${common[@]}"
record_time "azsreg part (emulator start, register, list):" "$t_azsreg"

t_install=$(now_us)
# PowerShell sends no telemetry and checks for no update: nothing leaves the machine.
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
PWSH=""
if command -v pwsh >/dev/null 2>&1; then
	PWSH="$(command -v pwsh)"
elif [ -x "$HOME/.dotnet/tools/pwsh" ]; then
	PWSH="$HOME/.dotnet/tools/pwsh"
fi
if [ -z "$PWSH" ]; then
	step "installing PowerShell 7 (build/install-pwsh.sh: a .NET global tool in ~/.dotnet/tools)"
	bash build/install-pwsh.sh
	PWSH="$HOME/.dotnet/tools/pwsh"
else
	step "PowerShell is installed: $PWSH"
fi
step "packaging the PowerShell module into out/module (build/package-module.sh out/release out/module)"
bash build/package-module.sh out/release out/module
MODULE="$ROOT/out/module/AzsRegistration/AzsRegistration.psd1"
record_time "PowerShell install check + module package:" "$t_install"

t_flow=$(now_us)
step "the seed's PowerShell flow with the packaged module: registering customer subscription $PS_CUSTOMER_SUBSCRIPTION (build/demo-flow.ps1)"
echo "    the module trusts the emulator's CA through AZSREG_CA_FILE=<ca.pem>; the sample service principal is in AZURE_CLIENT_ID / AZURE_CLIENT_SECRET"
AZSREG_CA_FILE="$tmp/ca.pem" "$PWSH" -NoProfile -NonInteractive -File build/demo-flow.ps1 "$MODULE" "$BASE_URL" "$REGISTRATION" \
	"$PS_CUSTOMER_SUBSCRIPTION" "$CUSTOMER_TENANT"
record_time "PowerShell flow (pwsh start, import, calls):" "$t_flow"
