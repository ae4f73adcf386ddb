#!/usr/bin/env bash
# Installs what the PowerShell module's tests need, from the package registries only:
#   - PowerShell 7.6.9 as a .NET global tool (~/.dotnet/tools/pwsh)
#   - Pester 5.x as the NuGet package "Pester", restored through build/pester/pester.csproj
#     into out/tools/pester (tests import it from there by path).
# Idempotent and non-interactive; safe to run on a fresh machine and in CI.
# Prints where things are. Source it (or `export PATH="$HOME/.dotnet/tools:$PATH"`) to use pwsh.
set -euo pipefail

PWSH_VERSION="${AZSREG_PWSH_VERSION:-7.6.9}"
PESTER_VERSION="5.7.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$HOME/.dotnet/tools"
PESTER_DIR="$ROOT/out/tools/pester"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PATH="$TOOLS_DIR:$PATH"

if ! command -v dotnet >/dev/null 2>&1; then
	echo "install-pwsh.sh: the .NET SDK (dotnet) is required but not found on PATH" >&2
	exit 1
fi

# Two scripts running at once (parallel CI steps) would collide in the tool store: serialise.
mkdir -p "$HOME/.dotnet"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$HOME/.dotnet/.azsreg-install.lock"
	flock -w 600 9
fi

# ---- PowerShell ---------------------------------------------------------------------
have_version=""
if [ -x "$TOOLS_DIR/pwsh" ]; then
	have_version="$(dotnet tool list --global 2>/dev/null | awk 'tolower($1)=="powershell" {print $2}')"
fi
if [ "$have_version" = "$PWSH_VERSION" ]; then
	echo "PowerShell $PWSH_VERSION already installed"
elif [ -n "$have_version" ]; then
	dotnet tool update --global PowerShell --version "$PWSH_VERSION"
else
	dotnet tool install --global PowerShell --version "$PWSH_VERSION"
fi

# ---- Pester --------------------------------------------------------------------------
pester_psd1=""
find_pester() {
	pester_psd1="$(find "$PESTER_DIR" -path "*/pester/$PESTER_VERSION/*" -name Pester.psd1 2>/dev/null | head -n 1 || true)"
}
find_pester
if [ -z "$pester_psd1" ]; then
	mkdir -p "$PESTER_DIR"
	dotnet restore "$ROOT/build/pester/pester.csproj" --packages "$PESTER_DIR" \
		-p:BaseIntermediateOutputPath="$ROOT/out/tools/pester-obj/" --nologo -v quiet
	find_pester
fi
if [ -z "$pester_psd1" ]; then
	echo "install-pwsh.sh: Pester $PESTER_VERSION was restored but Pester.psd1 was not found under $PESTER_DIR" >&2
	exit 1
fi
# Record the path for tests/ps/run.ps1 (AZSREG_PESTER_PATH overrides).
printf '%s\n' "$pester_psd1" > "$ROOT/out/tools/pester-path.txt"

echo "pwsh:       $TOOLS_DIR/pwsh ($("$TOOLS_DIR/pwsh" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()'))"
echo "Pester:     $pester_psd1"
echo "Use:        export PATH=\"\$HOME/.dotnet/tools:\$PATH\""
