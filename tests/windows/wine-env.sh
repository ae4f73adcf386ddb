# Sourced by the Windows test scripts: the Wine environment every Windows program of the
# test run gets.
#   WINEPREFIX            out/windows/wine unless the caller set one (created on first use)
#   WINEDEBUG=-all        no Wine diagnostics mixed into the programs' output
#   WINEDLLOVERRIDES      winedbg.exe disabled, so that a crash ends the program with a
#                         non-zero exit code instead of a debugger that exits 0; mscoree
#                         and mshtml disabled, so that creating the prefix does not ask to
#                         download Wine Mono / Gecko (nothing here needs them)
#   SSL_CERT_FILE, CURL_CA_BUNDLE are removed: Wine passes the Unix environment on, and
#                         a Windows test must not trust what the Linux host trusts by
#                         accident. Tests that mean to use them set them themselves.
# azsreg_wine_ensure installs Wine when it is missing and creates the prefix
# (build/windows/wine-prefix.sh: the one prefix of every Windows step).

AZSREG_ROOT="${AZSREG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export WINEPREFIX="${WINEPREFIX:-$AZSREG_ROOT/out/windows/wine}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winedbg.exe=d;mscoree=d;mshtml=d"
export WINEARCH=win64
unset SSL_CERT_FILE CURL_CA_BUNDLE DISPLAY
# shellcheck source=build/windows/wine-prefix.sh
. "$AZSREG_ROOT/build/windows/wine-prefix.sh"

azsreg_wine_ensure() {
	local pkgs=() p
	for p in wine wine64; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			pkgs+=("$p")
		fi
	done
	if [ "${#pkgs[@]}" -gt 0 ]; then
		echo "wine-env: installing ${pkgs[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
	fi
	azsreg_wine_prefix wine-env
}
