# Sourced (bash): azsreg_wine_prefix creates the Wine prefix $WINEPREFIX once and checks
# that a Windows program starts in it. Every Windows step (the dependency check, the
# Criterion check, the tests, the PowerShell host) uses this one function and, unless a
# caller sets WINEPREFIX, the one prefix out/windows/wine: a prefix is ~700 MB, and CI
# machines can be short of disk.
#
# Creating a prefix is the one Wine step seen failing on its own ("could not load
# kernel32.dll, status c0000135" right after "created the configuration directory", on a
# CI machine; not reproduced here). So: creation holds a lock (two scripts never create
# the same prefix at once), Mono/Gecko installs are disabled (nothing here needs them and
# with no display they can only fail), the result is checked by running cmd.exe in it,
# and a failed prefix is removed and created once more. A second failure prints the
# tail of Wine's log and the free disk space, and returns 1.
# Output: progress lines on stderr, prefixed with $1 (default "wine").

azsreg_wine_prefix() {
	local who="${1:-wine}" prefix="${WINEPREFIX:?WINEPREFIX must be set}"
	local ready="$prefix/.azsreg-prefix-created" log="$prefix.boot.log" attempt t
	[ -f "$ready" ] && return 0
	mkdir -p "$(dirname "$prefix")"
	exec {lockfd}>"$prefix.lock"
	if ! flock -w 900 "$lockfd"; then
		echo "$who: timed out waiting for another process creating the Wine prefix $prefix" >&2
		exec {lockfd}>&-
		return 1
	fi
	if [ -f "$ready" ]; then
		exec {lockfd}>&-
		return 0
	fi
	for attempt in 1 2; do
		if [ -e "$prefix" ]; then
			# Left by an interrupted or failed creation: never reuse half a prefix.
			WINEPREFIX="$prefix" wineserver -k >/dev/null 2>&1 || true
			rm -rf "$prefix"
		fi
		t=$SECONDS
		echo "$who: creating the Wine prefix $prefix (attempt $attempt; takes a while)" >&2
		(
			export WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG="${WINEDEBUG:--all}" DISPLAY=
			export WINEDLLOVERRIDES="mscoree=d;mshtml=d;winemenubuilder.exe=d;winedbg.exe=d"
			timeout 600 wineboot -i
			timeout 120 wineserver -w
			timeout 120 wine cmd.exe /c echo azsreg-wine-ok
			timeout 120 wineserver -w
		) >"$log" 2>&1 || true
		if [ -f "$prefix/system.reg" ] && grep -q '^azsreg-wine-ok' "$log"; then
			touch "$ready"
			echo "$who: Wine prefix $prefix created in $((SECONDS - t)) s" >&2
			exec {lockfd}>&-
			return 0
		fi
		echo "$who: creating the Wine prefix failed (attempt $attempt); Wine printed:" >&2
		tail -n 15 "$log" | tr -d '\r' | sed 's/^/    /' >&2
		echo "$who: free disk space: $(df -h --output=avail "$(dirname "$prefix")" | tail -n 1 | tr -d ' ')" >&2
	done
	exec {lockfd}>&-
	return 1
}
