#!/usr/bin/env bash
# Runs a PowerShell script on Windows x64 - that is, under Wine - with the AzsRegistration
# module of the Windows build on its module path. pwsh.exe's console host does not start
# under Wine, so the script runs in AzsPwshHost.exe (ps-module/winhost), a minimal host on
# the Microsoft.PowerShell.SDK, published self-contained for win-x64.
#
# Usage:
#   build/pwsh-windows.sh <script.ps1> [script arguments...]
#   build/pwsh-windows.sh -Command '<PowerShell text>'
#   build/pwsh-windows.sh --prepare        (only install Wine, publish the host, create the prefix)
# The exit code is the script's: "exit N" gives N (mod 256: Wine hands on the low byte of the
# Windows exit code), an unhandled terminating error 1, a crash non-zero (an access violation
# gives 5, from 0xC0000005; a .NET fail-fast 2). 64: bad usage; 70: the host could not start;
# 124: the time limit (AZSREG_WIN_TIMEOUT) ran out.
#
# What it does, each step skipped when already done:
#   - installs Wine (apt-get install wine wine64) when it is missing (needs root or sudo);
#   - publishes the host into out/windows/pwsh-host/ when it is missing or its sources
#     changed (a stamp holds their hash); the first publish restores ~550 MB from NuGet;
#   - creates the Wine prefix (win64, no Mono/Gecko) unless it exists, then (once, marked by
#     $WINEPREFIX/.azsreg-prefix-ready) sets the Windows version to 10 and marks drive Z:
#     (the Unix "/") as a network drive, which keeps Wine from printing "Read access denied
#     for device Z:" each time PowerShell reads the drive's volume label.
#
# Environment seen by the script:
#   WINEPREFIX          default out/windows/wine (the caller's value wins)
#   WINEDEBUG           -all unless the caller set it
#   WINEDLLOVERRIDES    winedbg.exe=d (a crash ends the program at once with a non-zero exit
#                       code instead of starting the debugger; AZSREG_WIN_DEBUGGER=1 keeps
#                       winedbg, which prints a backtrace first), mshtml=d,
#                       winemenubuilder.exe=d, then AZSREG_WIN_DLLOVERRIDES. The caller's
#                       WINEDLLOVERRIDES is NOT used: mscoree must stay enabled, else Wine
#                       cannot load any .NET assembly ("Could not load ... System.Runtime.dll.
#                       Module not found"); tests/windows/wine-env.sh disables it.
#   DOTNET_EnableWriteXorExecute=0  (.NET's W^X double mapping crashes under Wine 8: "Internal
#                       CLR error 0x80131506" in longer runs, e.g. a Pester suite)
#   PSModulePath        the Windows path of AZSREG_MODULE_ROOT (default out/module: the folder
#                       that holds AzsRegistration/); PowerShell adds its own folders (the
#                       host's Modules/ with the built-in modules). A caller's PSModulePath
#                       (Unix paths, e.g. when called from Linux pwsh) is not passed on;
#                       AZSREG_WIN_PSMODULEPATH adds Windows paths after the module root.
#   the rest of the caller's environment is passed on by Wine as it is, except:
#     SSL_CERT_FILE, SSL_CERT_DIR, CURL_CA_BUNDLE are removed, so that the Windows build
#       does not trust the Linux host's CA bundle by accident (Wine would even make a Unix path
#       in them work). AZSREG_WIN_KEEP_CA_ENV=1 keeps them (file paths converted as below).
#       Tests that want a CA set it themselves (AZSREG_CA_FILE, or these inside the script).
#     DISPLAY is removed: nothing may open a window.
#     Absolute Unix paths in AZSREG_CA_FILE, AZSREG_NATIVE_PATH, AZSREG_MODULE_PATH,
#       AZSREG_BUILD_DIR, AZSREG_PESTER_PATH, AZSREG_EMULATOR_SPOOL, AZSREG_TEST_CLI (the list: AZSREG_WIN_PATH_VARS) become
#       Windows paths (Z:\...). Other variables are left as they are.
# Other settings: AZSREG_WIN_HOST_DIR (default out/windows/pwsh-host),
#   AZSREG_WIN_HOST_R2R=1 publishes the host ReadyToRun-compiled (+45 MB and ~90 s to
#   publish, starts ~0.5 s faster), AZSREG_WIN_TIMEOUT (default 3600 s, 0 = none: the run
#   is stopped after that long, exit 124 - a safety net: .NET under Wine has hung, e.g. on
#   the second exception out of a MethodInfo.Invoke, which the host now avoids).
# The script path and arguments are passed as they are, except that the script path itself
# is made a Windows path; pass Windows paths (Z:\...) in arguments that are paths.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST_SRC="$ROOT/ps-module/winhost"
HOST_DIR="${AZSREG_WIN_HOST_DIR:-$ROOT/out/windows/pwsh-host}"
HOST_EXE="$HOST_DIR/AzsPwshHost.exe"
MODULE_ROOT="${AZSREG_MODULE_ROOT:-$ROOT/out/module}"
export WINEPREFIX="${WINEPREFIX:-$ROOT/out/windows/wine}"
export WINEARCH=win64
export WINEDEBUG="${WINEDEBUG:--all}"

log() { printf 'pwsh-windows: %s\n' "$*" >&2; }
# shellcheck source=build/windows/wine-prefix.sh
. "$ROOT/build/windows/wine-prefix.sh"
die() { log "$*"; exit "${2:-70}"; }

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 64
}

[ $# -gt 0 ] || usage
case "$1" in -h | --help) usage ;; esac

# ---- Wine ---------------------------------------------------------------------------------
ensure_wine() {
	local missing=() p
	if command -v dpkg-query >/dev/null 2>&1; then
		for p in wine wine64; do
			if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
				missing+=("$p")
			fi
		done
	elif ! command -v wine >/dev/null 2>&1; then
		die "Wine is not installed and this is not a Debian-like system: install wine (64-bit) first"
	fi
	if [ "${#missing[@]}" -gt 0 ]; then
		local sudo=()
		if [ "$(id -u)" -ne 0 ]; then
			command -v sudo >/dev/null 2>&1 || die "Wine is missing (${missing[*]}) and installing it needs root"
			sudo=(sudo)
		fi
		log "installing ${missing[*]} (apt-get)..."
		local t=$SECONDS apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600)
		if ! "${sudo[@]}" "${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null; then
			"${sudo[@]}" "${apt[@]}" update >/dev/null
			"${sudo[@]}" "${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
		fi
		log "Wine installed in $((SECONDS - t)) s"
	fi
	command -v wine >/dev/null 2>&1 || die "wine is not on PATH after installing it"
}

# ---- the host -----------------------------------------------------------------------------
host_hash() {
	(
		cd "$HOST_SRC"
		find . -maxdepth 1 -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \) -print0 |
			LC_ALL=C sort -z | xargs -0 sha256sum
		echo "r2r=${AZSREG_WIN_HOST_R2R:-0}"
	) | sha256sum | cut -d' ' -f1
}

ensure_host() {
	local stamp="$HOST_DIR/.azsreg-host-stamp" want
	want="$(host_hash)"
	if [ -f "$HOST_EXE" ] && [ -d "$HOST_DIR/Modules/Microsoft.PowerShell.Utility" ] &&
		[ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is needed to build AzsPwshHost"
	mkdir -p "$(dirname "$HOST_DIR")"
	# Parallel callers: one publishes, the others wait and then find the stamp.
	exec 8>"$HOST_DIR.lock"
	flock -w 900 8 || die "timed out waiting for another publish of the host"
	if [ -f "$HOST_EXE" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		exec 8>&-
		return 0
	fi
	log "publishing AzsPwshHost (win-x64, self-contained) into $HOST_DIR..."
	local t=$SECONDS out r2r=false
	[ "${AZSREG_WIN_HOST_R2R:-0}" = 1 ] && r2r=true
	rm -f "$stamp"
	if ! out="$(DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
		dotnet publish "$HOST_SRC/AzsPwshHost.csproj" -c Release -o "$HOST_DIR" --nologo -v quiet \
		-p:PublishReadyToRun=$r2r 2>&1)"; then
		printf '%s\n' "$out" >&2
		die "publishing the host failed"
	fi
	[ -f "$HOST_EXE" ] || die "publish did not produce $HOST_EXE"
	# The build output is a second 120 MB copy of the publish folder; obj/ is what makes the
	# next publish incremental.
	rm -rf "$ROOT/out/windows/pwsh-host-bin"
	printf '%s\n' "$want" >"$stamp"
	log "host published in $((SECONDS - t)) s"
	exec 8>&-
}

# ---- the prefix ---------------------------------------------------------------------------
ensure_prefix() {
	local marker="$WINEPREFIX/.azsreg-prefix-ready"
	[ -f "$marker" ] && return 0
	# Created (or found) by the one function every Windows step uses.
	azsreg_wine_prefix pwsh-windows || die "no usable Wine prefix"
	exec 7>"$WINEPREFIX.setup.lock"
	flock -w 600 7 || die "timed out waiting for another process setting up $WINEPREFIX"
	if [ ! -f "$marker" ]; then
		local t=$SECONDS
		# Z: -> / as a network drive: see the header. Wine reads drive types when wineserver
		# starts, so wait for the one these commands start to go away (never kill one that
		# other programs may be using).
		DISPLAY='' wine reg add 'HKLM\Software\Wine\Drives' /v 'z:' /d network /f >/dev/null 2>&1 ||
			log "warning: could not set the drive type of Z: (expect 'Read access denied' lines)"
		# Wine 8 presents itself as Windows 7; .NET 10 and the module's targets are Windows 10+.
		DISPLAY='' wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1 ||
			log "warning: could not set the Windows version to 10"
		timeout 60 wineserver -w 2>/dev/null || true
		touch "$marker"
		log "Wine prefix set up for PowerShell in $((SECONDS - t)) s"
	fi
	exec 7>&-
}

# Unix path -> Windows path. Z: is "/" in a default prefix, so no Wine start is needed;
# otherwise ask winepath.
win_path() {
	local p="$1"
	case "$p" in
	/*)
		if [ "$(readlink "$WINEPREFIX/dosdevices/z:" 2>/dev/null)" = / ]; then
			printf 'Z:%s' "${p//\//\\}"
		else
			winepath -w "$p" 2>/dev/null
		fi
		;;
	*) printf '%s' "$p" ;;
	esac
}

ensure_wine
ensure_host
ensure_prefix

if [ "$1" = --prepare ]; then
	log "ready: host $HOST_EXE, prefix $WINEPREFIX"
	exit 0
fi

# ---- the run ------------------------------------------------------------------------------
# Not the caller's WINEDLLOVERRIDES: tests/windows/wine-env.sh has mscoree=d, and without
# mscoree Wine's loader cannot map the .NET assemblies (System.Runtime.dll: "Module not found").
overrides="mshtml=d;winemenubuilder.exe=d"
[ "${AZSREG_WIN_DEBUGGER:-0}" = 1 ] || overrides="winedbg.exe=d;$overrides"
export WINEDLLOVERRIDES="$overrides${AZSREG_WIN_DLLOVERRIDES:+;$AZSREG_WIN_DLLOVERRIDES}"
# .NET's W^X double mapping of JIT'd code breaks under Wine 8 ("Internal CLR error
# 0x80131506" in DynamicResolver+DestroyScout.Finalize once dynamic methods are collected,
# e.g. in any longer Pester run); without it the host also starts faster.
export DOTNET_EnableWriteXorExecute=0
unset DISPLAY WAYLAND_DISPLAY

path_vars="${AZSREG_WIN_PATH_VARS-AZSREG_CA_FILE AZSREG_NATIVE_PATH AZSREG_MODULE_PATH AZSREG_BUILD_DIR AZSREG_PESTER_PATH AZSREG_EMULATOR_SPOOL AZSREG_TEST_CLI}"
if [ "${AZSREG_WIN_KEEP_CA_ENV:-0}" = 1 ]; then
	path_vars="$path_vars SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE"
else
	unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
fi
for v in $path_vars; do
	if [ -n "${!v:-}" ]; then
		export "$v=$(win_path "${!v}")"
	fi
done

case "$MODULE_ROOT" in /*) ;; *) MODULE_ROOT="$PWD/$MODULE_ROOT" ;; esac
[ -d "$MODULE_ROOT" ] || log "warning: the module root $MODULE_ROOT does not exist"
psmodulepath="$(win_path "$MODULE_ROOT")"
export PSModulePath="$psmodulepath${AZSREG_WIN_PSMODULEPATH:+;$AZSREG_WIN_PSMODULEPATH}"
# Tests that start a child PowerShell (pwsh -NonInteractive ...) start this host instead.
export AZSREG_TEST_PWSH="$(win_path "$HOST_EXE")"

case "$1" in
-Command | -command | -c | -C)
	[ $# -ge 2 ] || die "-Command needs the command text" 64
	shift
	args=(-NoProfile -NonInteractive -Command "$@")
	;;
-*) die "unknown option $1 (try --help)" 64 ;;
*)
	script="$1"
	shift
	[ -f "$script" ] || die "no such script: $script" 64
	script="$(cd "$(dirname "$script")" && pwd)/$(basename "$script")"
	args=(-NoProfile -NonInteractive -File "$(win_path "$script")" "$@")
	;;
esac

# A time limit: .NET under Wine can hang where Windows would fail (see the header). On a
# terminal, --foreground keeps the host in the terminal's process group so that it can read keys.
limit="${AZSREG_WIN_TIMEOUT:-3600}"
run=()
if [ "$limit" != 0 ] && command -v timeout >/dev/null 2>&1; then
	run=(timeout -k 10)
	[ -t 0 ] && run+=(--foreground)
	run+=("$limit")
fi
set +e
"${run[@]}" wine "$HOST_EXE" "${args[@]}"
rc=$?
set -e
if [ "${#run[@]}" -gt 0 ] && { [ "$rc" = 124 ] || [ "$rc" = 137 ]; }; then
	log "the script did not finish within $limit s (AZSREG_WIN_TIMEOUT) and was stopped (exit $rc)"
fi
exit "$rc"
