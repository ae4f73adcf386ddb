#!/usr/bin/env bash
# azsreg sync and azsreg register --input against the emulator: a CSV (BOM, CRLF, quoted
# fields) onboards, resyncs and prunes with exactly the writes needed; --dry-run sends no
# write; a second sync sends no write; every bad row is named with its line number and
# nothing is sent; --report writes one row per item; a failed item exits 4 and the report
# says which; with throttling on nothing is lost or duplicated.
# usage: test_cli_bulk.sh <path to azsreg> <path to azsreg-emulator>
# AZSREG_CLI_WRAPPER (e.g. a valgrind command line) is put in front of every azsreg run.
set -uo pipefail

AZSREG="${1:?usage: test_cli_bulk.sh <azsreg> <azsreg-emulator>}"
EMULATOR="${2:?usage: test_cli_bulk.sh <azsreg> <azsreg-emulator>}"

REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
MISSING_REG="/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-missing"
T1="dbab3982-7a4c-4b8e-9f21-5c6d7e8f9a0b"
T2="aaaa3982-7a4c-4b8e-9f21-5c6d7e8f9a0b"

TMP_PREFIX=azsreg-cli-bulk
# shellcheck source=tests/integration/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# ARM requests of one method to customer subscriptions since the last reset
count() { ctl GET /requests | jq --arg m "$1" '[.[] | select(.method == $m and (.path | test("/customerSubscriptions")))] | length'; }
reset() { ctl POST /stats/reset >/dev/null; ctl DELETE /requests >/dev/null; }
# "guid=tenant" of every mapping of the sample registration, sorted
mappings() { ctl GET /state | jq -r '[.registrations[] | select(.name == "AzureStack-sample") | .customerSubscriptions[] | "\(.id)=\(.properties.tenantId // "-")"] | sort | join(",")'; }


g() { printf '%08d-0000-4000-8000-%012d' "$1" "$1"; }

# ---- bad input: every bad row named, nothing sent -------------------------------------------
printf '\xef\xbb\xbfSubscriptionId,TenantId,Note\r\n%s,%s,"a, quoted ""note"""\r\nnot-a-guid,%s,x\r\n%s, %s ,y\r\n' \
	"$(g 1)" "$T1" "$T1" "$(g 2)" "$T1" >"$tmp/bad.csv"
reset
run badrows sync --registration "$REG" --input "$tmp/bad.csv" "${G[@]}"
expect_rc badrows 2
check "bad rows: line 3 named" grep -q "line 3" "$tmp/badrows.err"
check "bad rows: line 4 named" grep -q "line 4" "$tmp/badrows.err"
check "bad rows: says nothing was sent" grep -q "nothing was sent" "$tmp/badrows.err"
check "bad rows: no request went out" [ "$(ctl GET /stats | jq -r .requests)" = "0" ]

run noinput sync --registration "$REG" "${G[@]}"
expect_rc noinput 2
run badreport sync --registration "$REG" --input "$tmp/bad.csv" --report "$tmp/r.txt" "${G[@]}"
expect_rc badreport 2
run badconc sync --registration "$REG" --input "$tmp/bad.csv" --concurrency 0 "${G[@]}"
expect_rc badconc 2
run pruneregister register --input "$tmp/bad.csv" --prune --registration "$REG" "${G[@]}"
expect_rc pruneregister 2
run tworegs get --registration "$REG" --registration "$REG" --customer-subscription "$(g 1)" "${G[@]}"
expect_rc tworegs 2
printf 'CustomerSubscriptionId,Registration\n%s,AzureStack-other\n' "$(g 1)" >"$tmp/otherreg.csv"
run otherreg sync --registration "$REG" --input "$tmp/otherreg.csv" "${G[@]}"
expect_rc otherreg 2
check "a row naming another registration is refused by name" grep -q "AzureStack-other" "$tmp/otherreg.err"
check "usage errors sent nothing" [ "$(ctl GET /stats | jq -r .requests)" = "0" ]

# ---- first sync: creates ----------------------------------------------------------------------
{
	printf '\xef\xbb\xbfCustomerSubscriptionId,TenantId,Customer name\r\n'
	for i in $(seq 1 12); do printf '%s,%s,"Customer %d, Inc."\r\n' "$(g "$i")" "$T1" "$i"; done
} >"$tmp/customers.csv"
reset
run dry sync --registration "$REG" --input "$tmp/customers.csv" --dry-run --report "$tmp/plan.csv" "${G[@]}"
expect_rc dry 0
check "dry run: 12 creates planned" [ "$(jq -r .creates "$tmp/dry.out")" = "12" ]
check "dry run: no write" [ "$(count PUT)" = "0" ] && [ "$(count DELETE)" = "0" ]
check "dry run: the report has a header and 12 planned rows" [ "$(grep -c '"planned"' "$tmp/plan.csv")" = "12" ]
check "dry run: the report's header" [ "$(head -1 "$tmp/plan.csv" | tr -d '\r')" = "CustomerSubscriptionId,Registration,Action,TenantId,Status,Result,ErrorCode,RequestId,Message" ]

reset
run sync1 sync --registration "$REG" --input "$tmp/customers.csv" --concurrency 4 --report "$tmp/sync1.json" "${G[@]}"
expect_rc sync1 0
check "sync: 12 PUTs" [ "$(count PUT)" = "12" ]
expected="$(for i in $(seq 1 12); do echo "$(g "$i")=$T1"; done | sort | paste -sd, -)"
check "sync: the registration holds exactly the 12 customers with their tenant" [ "$(mappings)" = "$expected" ]
check "sync: JSON report has 12 succeeded rows" [ "$(jq '[.[] | select(.result == "succeeded" and .status == "200")] | length' "$tmp/sync1.json")" = "12" ]

# ---- second sync: nothing to do, no write -----------------------------------------------------
reset
run sync2 sync --registration "$REG" --input "$tmp/customers.csv" "${G[@]}"
expect_rc sync2 0
check "second sync: no write" [ "$(count PUT)" = "0" ] && [ "$(count DELETE)" = "0" ]
check "second sync: 12 unchanged" [ "$(jq -r .unchanged "$tmp/sync2.out")" = "12" ]

# ---- resync from JSON lines on stdin: one tenant changed, one customer gone (kept), one new ----
{
	for i in $(seq 1 10); do printf '{"customerSubscriptionId":"%s","tenantId":"%s"}\n' "$(g "$i")" "$T1"; done
	printf '{"customerSubscriptionId":"%s","tenantId":"%s"}\n' "$(g 11)" "$T2"
	printf '{"customerSubscriptionId":"%s","tenantId":"%s"}\n' "$(g 13)" "$T1"
} >"$tmp/customers.jsonl"
reset
STDIN="$tmp/customers.jsonl" run sync3 sync --registration "$REG" --input - --output table "${G[@]}"
expect_rc sync3 0
check "resync: 2 PUTs (one update, one create), no delete" [ "$(count PUT)" = "2" ] && [ "$(count DELETE)" = "0" ]
check "resync: the table says 1 to create, 1 to update" grep -q "1 to create, 1 to update, 0 to remove" "$tmp/sync3.out"
check "resync: customer 11 has the new tenant" grep -q "$(g 11)=$T2" <<<"$(mappings | tr , '\n')"
check "resync: customer 12 is kept without --prune" grep -q "$(g 12)=" <<<"$(mappings | tr , '\n')"

reset
run prune sync --registration "$REG" --input "$tmp/customers.jsonl" --prune "${G[@]}"
expect_rc prune 0
check "prune: one DELETE (customer 12)" [ "$(count DELETE)" = "1" ]
check "prune: customer 12 is gone" bash -c "! grep -q '$(g 12)' <<<'$(mappings)'"
check "prune: 12 mappings left" [ "$(mappings | tr , '\n' | wc -l)" = "12" ]

# ---- register --input: every row written, no listing; a failing item exits 4 ------------------
printf 'CustomerSubscriptionId,TenantId\n%s,%s\n%s,\n' "$(g 20)" "$T1" "$(g 21)" >"$tmp/reg.csv"
reset
run reginput register --input "$tmp/reg.csv" --registration "$REG" "${G[@]}"
expect_rc reginput 0
check "register --input: 2 PUTs, no listing GET" [ "$(count PUT)" = "2" ] && [ "$(count GET)" = "0" ]
check "register --input: customer 21 without a tenant" grep -q "$(g 21)=-" <<<"$(mappings | tr , '\n')"

reset
run partial register --input "$tmp/reg.csv" --registration "$REG" --registration "$MISSING_REG" --report "$tmp/partial.csv" "${G[@]}"
expect_rc partial 4
check "partial: stderr says how many failed" grep -q "2 of 4 items failed" "$tmp/partial.err"
check "partial: the report marks the missing registration's rows failed" [ "$(grep -c '"AzureStack-missing","put",.*"404","failed"' "$tmp/partial.csv")" = "2" ]

# ---- Ctrl+C while the registrations are listed: exit 130, no write ----------------------------
# (not under Wine: a Unix SIGINT is not a console Ctrl+C for a Windows program)
if [[ "${AZSREG_CLI_WRAPPER:-}" != *wine* ]]; then
	ctl PUT /config '{"latencyMs":1000}' >/dev/null # every answer takes 1 s: the listing is still going
	reset
	printf 'CustomerSubscriptionId\n%s\n%s\n' "$(g 30)" "$(g 31)" >"$tmp/int.csv"
	"${WRAP[@]}" "$AZSREG" sync --registration "$REG" --input "$tmp/int.csv" "${G[@]}" >"$tmp/int.out" 2>"$tmp/int.err" &
	pid=$!
	for _ in $(seq 1 1200); do # until the listing reached the emulator; 60 s is only a hang guard
		[ "$(count GET)" -ge 1 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	{ echo "### azsreg sync (interrupted)"; cat "$tmp/int.out" "$tmp/int.err"; } >>"$all_output"
	expect_rc int 130
	check "interrupted while listing: no write" [ "$(count PUT)" = "0" ]
	check "interrupted: stderr says to run it again" grep -q "run the command again" "$tmp/int.err"
	ctl PUT /config '{"latencyMs":0}' >/dev/null
fi

# ---- throttling on: 150 customers, nothing lost or duplicated ---------------------------------
ctl PUT /config '{"throttle":{"enabled":true,"writes":{"burst":20,"perSecond":200}}}' >/dev/null
{
	echo "CustomerSubscriptionId"
	for i in $(seq 100 249); do g "$i"; echo; done
} >"$tmp/many.csv"
reset
run many register --input "$tmp/many.csv" --registration "$REG" "${G[@]}"
expect_rc many 0
throttled="$(ctl GET /stats | jq -r .throttled)"
check "throttled: each of the 150 PUTs answered 200 once (429s: $throttled)" \
	[ "$(ctl GET /requests | jq '[.[] | select(.method == "PUT")] | length')" = "$((150 + throttled))" ]
check "throttled: the batch counted the same 429s" [ "$(jq -r .batch.throttled "$tmp/many.out")" = "$throttled" ]
check "throttled: 150 succeeded" [ "$(jq -r .batch.succeeded "$tmp/many.out")" = "150" ]

# ---- secret scan over everything azsreg printed ----------------------------------------------
check "no output shows the client secret" bash -c "! grep -q -- '$SECRET' '$all_output'"
check "no output shows a token (eyJ...)" bash -c "! grep -q 'eyJ' '$all_output'"

summary
