#!/usr/bin/env bash
# Starts and stops Linux emulators for PowerShell tests that run in the Windows host under
# Wine. Under Wine, .NET's Process.Start of a Linux program returns no process object, so
# tests/ps/Helpers/Emulator.psm1 (when AZSREG_EMULATOR_SPOOL is set) asks this broker
# instead, through files in a spool folder:
#   <id>.start   one emulator argument per line (may be empty); the broker starts
#                azsreg-emulator with --ca-out <id>/ca.pem --ready-file <id>/ready.json
#                and writes its PID to <id>/pid
#   <id>.proxy   the broker starts the loopback CONNECT proxy of the integration tests
#                (integ-proxy) with --ready-file <id>/ready.json --counts-file
#                <id>/counts.json and writes its PID to <id>/pid
#   <id>.stop    the broker sends SIGTERM (the proxy then writes its counts), waits for
#                the exit and writes <id>/stopped
#   .quit        the broker stops every program it started and exits
# usage: emulator-broker.sh <spool dir> <path to azsreg-emulator> [<path to integ-proxy>]
set -uo pipefail

SPOOL="${1:?usage: emulator-broker.sh <spool dir> <azsreg-emulator>}"
EMULATOR="${2:?usage: emulator-broker.sh <spool dir> <azsreg-emulator>}"
PROXY="${3:-}"
mkdir -p "$SPOOL"
declare -A pids=()

stop_one() { # id
	local pid="${pids[$1]:-}"
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "pids[$1]"
	fi
	: >"$SPOOL/$1/stopped"
}
trap 'for id in "${!pids[@]}"; do stop_one "$id"; done; exit 0' EXIT TERM INT

while [ ! -e "$SPOOL/.quit" ]; do
	for req in "$SPOOL"/*.start; do
		[ -f "$req" ] || continue
		id="$(basename "$req" .start)"
		mapfile -t args <"$req"
		rm -f "$req"
		mkdir -p "$SPOOL/$id"
		"$EMULATOR" --port 0 --http-port 0 --ca-out "$SPOOL/$id/ca.pem" --ready-file "$SPOOL/$id/ready.json" \
			--quiet "${args[@]}" >"$SPOOL/$id/emulator.log" 2>&1 &
		pids[$id]=$!
		echo "$!" >"$SPOOL/$id/pid"
	done
	for req in "$SPOOL"/*.proxy; do
		[ -f "$req" ] || continue
		id="$(basename "$req" .proxy)"
		rm -f "$req"
		mkdir -p "$SPOOL/$id"
		if [ -z "$PROXY" ]; then
			echo "emulator-broker.sh was started without the path to integ-proxy" >"$SPOOL/$id/error.txt"
			continue
		fi
		"$PROXY" --ready-file "$SPOOL/$id/ready.json" --counts-file "$SPOOL/$id/counts.json" \
			>"$SPOOL/$id/proxy.log" 2>&1 &
		pids[$id]=$!
		echo "$!" >"$SPOOL/$id/pid"
	done
	for req in "$SPOOL"/*.stop; do
		[ -f "$req" ] || continue
		id="$(basename "$req" .stop)"
		rm -f "$req"
		stop_one "$id"
	done
	sleep 0.05
done
