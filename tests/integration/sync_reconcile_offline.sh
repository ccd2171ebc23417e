# SPDX-License-Identifier: MIT
# Reconciliation without a network: India's and Japan's nodes never serve and never sync; they
# only ever exchange bundle files. Every bundle carries its sender's signed snapshot (the
# fingerprints of the orders the two share and the balances with the partner, with what records
# it had seen), and `acsa reconcile --peer CC --offline` compares with the latest one received.
# First what a receiving node refuses (a snapshot tampered with, signed by another node, cut,
# padded, oversized, or older than the one held); then orders raised and stepped on both sides,
# bundles exchanged, the offline report empty on both; a step not yet shipped is reported, with
# what the snapshot had seen, and the next bundles make the report empty again.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

node_init IN IN
node_init JP JP
node_init JPX JP # Claims to be Japan's node, with a key of its own.

test_case "the two nodes register each other's keys, for bundles only"
peer_add IN JP ""
peer_add JP IN ""
peer_add JPX IN ""

BUNDLES=0
# ship FROM TO: FROM writes a bundle for TO and TO imports it; nothing refused. The file is
# left in SHIPPED.
ship() {
    local from=$1 to=$2
    BUNDLES=$((BUNDLES + 1))
    SHIPPED="$TEST_DIR/$from-for-$to.$BUNDLES.bundle"
    on "$from" bundle export --peer "${NODE_NATION[$to]}" --out "$SHIPPED"
    expect_exit 0
    expect_stderr_contains "of them our signed snapshot"
    on "$to" bundle import "$SHIPPED" --json
    expect_exit 0
    expect_json 'd["quarantined"]' 0
    expect_stderr_contains "kept ${NODE_NATION[$from]}'s snapshot for offline reconciliation"
}

# offline NAME: `reconcile --offline` on NAME against its partner's latest snapshot (OUT: the
# JSON rows).
offline() {
    local other
    other=$(partner_of "$1" IN JP)
    on "$1" reconcile --peer "${NODE_NATION[$other]}" --offline --json
}

# expect_offline_reconciled: the offline report is empty from both sides, exit 0.
expect_offline_reconciled() {
    local name
    for name in IN JP; do
        offline "$name"
        expect_exit 0
        expect_json 'd' '[]'
        expect_stderr_contains "0 missing here, 0 missing there, 0 differing, 0 balance figures not mirrored"
        expect_stderr_contains "offline: compared with"
    done
}

last_seq() {
    db_count "$1" "SELECT coalesce(max(seq), 0) FROM records WHERE origin = '${NODE_NATION[$1]}'"
}

test_case "offline reconcile before any bundle came: a clear error, exit 3"
on IN reconcile --peer JP --offline
expect_exit 3
expect_stdout ""
expect_stderr_contains "snapshot: no snapshot of JP's node has been received"
expect_stderr_contains "acsa bundle import FILE"

test_case "online reconcile with a partner reached only by bundles points to --offline"
on IN reconcile --peer JP
expect_exit 2
expect_stderr_contains "has no URL"
expect_stderr_contains "acsa reconcile --offline"

test_case "each node: its unit, official; India the exercise"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" \
    --from 2000-01-01 --limit 5000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
on_ok JP official add --party JP --name "Capt K. Sato" --title "Logistics Officer" \
    --from 2000-01-01 --limit 50000000 --currency JPY
on_ok JPX unit add --party JP --name "JMSDF impostor" --service jmsdf

test_case "a bundle carries the batch and then a snapshot"
on_ok JP bundle export --peer IN --out "$TEST_DIR/jp-ref.bundle"
OUT=$(bundle_tool info "$TEST_DIR/jp-ref.bundle")
expect_json '(d["magic"], d["signature"], d["snapshot_magic"], d["snapshot"] > 64)' \
    '["ACSABAT1",64,"ACSASNP2",true]'
GOOD="$TEST_DIR/jp-ref.bundle"

# ---- What India's node refuses -----------------------------------------------------------------

# refused NAME FILE MESSAGE: importing FILE on India's node exits 1 with MESSAGE on stderr,
# applies nothing, and is quarantined as a snapshot (or WHAT) from via bundle.
refused() {
    local name=$1 file=$2 message=$3 what=${4:-snapshot}
    test_case "$name"
    node_snapshot IN
    on IN bundle import "$file" --json
    expect_exit 1
    expect_stdout ""
    expect_stderr_contains "$message"
    expect_node_unchanged IN
    expect_quarantined IN '(d["peer"], d["via"], d["what"])' "[\"JP\",\"bundle\",\"$what\"]"
}

bundle_tool flip-snapshot "$GOOD" "$TEST_DIR/tampered.bundle" -1
refused "a snapshot whose signature has a byte flipped is refused, nothing applied" \
    "$TEST_DIR/tampered.bundle" \
    "snapshot.signature: the snapshot in the bundle from JP does not verify with the key registered for JP"
bundle_tool flip-snapshot "$GOOD" "$TEST_DIR/altered.bundle" 23 # the last byte of its time
refused "a snapshot with its time changed is refused" \
    "$TEST_DIR/altered.bundle" "snapshot.signature: the snapshot in the bundle from JP does not verify"

on_ok JPX bundle export --peer IN --out "$TEST_DIR/impostor.bundle"
bundle_tool splice "$GOOD" "$TEST_DIR/wrong-party.bundle" "$TEST_DIR/impostor.bundle"
refused "Japan's batch with the snapshot of another node claiming to be Japan is refused" \
    "$TEST_DIR/wrong-party.bundle" "snapshot.signature: the snapshot in the bundle from JP does not verify"
on_ok IN bundle export --peer JP --out "$TEST_DIR/in-own.bundle"
bundle_tool splice "$GOOD" "$TEST_DIR/in-snapshot.bundle" "$TEST_DIR/in-own.bundle"
refused "Japan's batch with India's own snapshot is refused" \
    "$TEST_DIR/in-snapshot.bundle" "snapshot.signature: the snapshot in the bundle from JP does not verify"

bundle_tool cut-snapshot "$GOOD" "$TEST_DIR/cut.bundle" 30
refused "a snapshot cut short is refused as truncated" "$TEST_DIR/cut.bundle" "snapshot: truncated"
bundle_tool pad-snapshot "$GOOD" "$TEST_DIR/padded.bundle" 10
refused "a snapshot with bytes after its signature is refused" "$TEST_DIR/padded.bundle" \
    "snapshot: 10 bytes after the balances where only the 64-byte signature belongs"
bundle_tool pad-snapshot "$GOOD" "$TEST_DIR/huge.bundle" $((16 * 1024 * 1024))
refused "a snapshot over 16 MiB is refused by its size" "$TEST_DIR/huge.bundle" \
    "are accepted"
rm -f "$TEST_DIR/huge.bundle"

test_case "a bundle of the first version, without a snapshot, is still read"
on_ok JP bundle export --peer IN --no-snapshot --out "$TEST_DIR/v1.bundle"
expect_stderr_contains "(0 of them our signed snapshot)"
OUT=$(bundle_tool info "$TEST_DIR/v1.bundle")
expect_json '(d["magic"], d["count"], d["signature"], d["snapshot"])' '["ACSABAT1",2,64,0]'
on IN bundle import "$TEST_DIR/v1.bundle" --json
expect_exit 0
expect_json '(d["records"], d["applied"], d["quarantined"])' '[2,2,0]'
if [[ "$ERR" == *"kept JP's snapshot"* ]]; then
    fail "a bundle without a snapshot kept one"
fi
on IN reconcile --peer JP --offline
expect_exit 3
expect_stderr_contains "no snapshot of JP's node has been received"

test_case "reference data crosses by bundle both ways"
ship IN JP
ship JP IN
on IN unit list --json
JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
on JP unit list --json
NAVY_JP=$(json_value '[u["id"] for u in d if u["name"] == "Indian Navy"][0]')
on JP activity list --json
JIMEX_JP=$(json_value '[a["id"] for a in d if a["name"] == "JIMEX 2024"][0]')
if ! [[ "$JMSDF_IN$NAVY_JP$JIMEX_JP" =~ ^[0-9]+$ ]]; then
    fail "the partner's units and activity did not arrive: $JMSDF_IN, $NAVY_JP, $JIMEX_JP"
fi

test_case "an older snapshot after a newer one is refused and does not replace it"
OLD="$TEST_DIR/jp-old.bundle"
on_ok JP bundle export --peer IN --since "$(last_seq JP)" --out "$OLD" # the snapshot alone
on_ok JP official add --party JP --name "Cdr H. Ito" --title "Deputy" \
    --from 2000-01-01 --limit 1000000 --currency JPY
ship JP IN
NEWER_THROUGH=$(last_seq JP)
node_snapshot IN
on IN bundle import "$OLD" --json
expect_exit 1
expect_stderr_contains "snapshot.created: older than the one held"
expect_stderr_contains "nothing applied"
expect_node_unchanged IN
expect_quarantined IN '(d["what"], d["reason"].startswith("snapshot.created: older"))' \
    '["snapshot",true]'
on IN reconcile --peer JP --offline --json
expect_exit 0
expect_stderr_contains "it had JP's records through $NEWER_THROUGH "

test_case "the same snapshot again is refused as replayed"
on IN bundle import "$SHIPPED" --json
expect_exit 1
expect_stderr_contains "replayed"

# ---- Orders on both sides, only bundles between them ----------------------------------------

test_case "offline reconcile: a ship that syncs only by bundle reconciles"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=40000,unit=l,price=50,currency=JPY"
ORDER_IN=$OUT
on_ok IN order submit "$ORDER_IN" --by "Lt Iyer" --date 2024-06-10
on_ok IN order approve "$ORDER_IN" --by "Cdr A. Rao" --date 2024-06-10
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --supplier-unit "$NAVY_JP" --place "Visakhapatnam" \
    --need-by 2024-06-14 --method cash --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=50000,unit=l,price=2,currency=JPY"
ORDER_JP=$OUT
on_ok JP order submit "$ORDER_JP" --by "1Lt Mori" --date 2024-06-11
on_ok JP order approve "$ORDER_JP" --by "Capt K. Sato" --date 2024-06-11
ship IN JP
ship JP IN
on_ok JP order accept "$ORDER_IN" --by "Capt K. Sato" --date 2024-06-11
on_ok JP order issue "$ORDER_IN" --line 1 --qty 40000 --by "PO Tanaka" --date 2024-06-11
ship JP IN
on_ok IN order receive "$ORDER_IN" --line 1 --qty 40000 --by "CPO Das" --date 2024-06-12
ship IN JP
ship JP IN
expect_offline_reconciled
expect_orders_equal IN JP
expect_balances_mirror IN JP

test_case "a step not yet shipped: India's offline report shows it, exit 1 as online"
on_ok JP order invoice "$ORDER_IN" --by "Capt K. Sato" --date 2024-06-13
ship JP IN
ship IN JP
expect_offline_reconciled
on_ok IN order pay "$ORDER_IN" --amount 2000000 --currency JPY --by "Lt Iyer" --date 2024-06-14
IN_NOW=$(last_seq IN)
JP_HAD=$(last_seq JP)
offline IN
expect_exit 1
expect_json '[r["kind"] for r in d if r["order"] == "'"$ORDER_IN"'"]' '["differs"]'
expect_json '[sorted(r) for r in d][0]' '["field","kind","order","ours","theirs"]'
expect_json '[r["field"] for r in d if r["kind"] == "balance"]' \
    '["JPY payable-cash","JPY cash"]'
expect_stderr_contains "0 missing here, 0 missing there, 1 differing, 2 balance figures not mirrored"
expect_stderr_contains "it had JP's records through $JP_HAD and IN's through $((IN_NOW - 1)); IN has written 1 since that JP had not seen"

test_case "the same report as a table and as CSV"
on IN reconcile --peer JP --offline
expect_exit 1
expect_stdout_contains "KIND"
expect_stdout_contains "$ORDER_IN"
on IN reconcile --peer JP --offline --csv
expect_exit 1
expect_stdout_contains "kind,order,field,ours,theirs"
expect_stdout_contains "differs,$ORDER_IN,fingerprint,"

test_case "Japan's node, whose snapshot of India predates the payment, sees nothing yet"
offline JP
expect_exit 0
expect_json 'd' '[]'

test_case "after the next bundles the offline report is empty again on both nodes"
ship IN JP
ship JP IN
expect_offline_reconciled
expect_orders_equal IN JP
expect_balances_mirror IN JP
on JP order show "$ORDER_IN" --json
expect_json 'd["state"]' 'settled'

test_case "nothing but the refused bundles is in quarantine"
expect_quarantine_empty JP
on IN quarantine list --json
expect_json 'sorted(set(q["what"] for q in d))' '["batch","snapshot"]'

test_case "the servers never ran: every exchange was a bundle file"
for name in IN JP; do
    if [ -n "${NODE_PID[$name]:-}" ]; then
        fail "$name served"
    fi
    on "$name" peer list --json
    expect_json 'd[0]["url"] is None' 'true'
done

# api_get NAME TOKEN TARGET: GET TARGET of node NAME's API; OUT is "STATUS BODY".
api_get() {
    OUT=$("$PYTHON" -c '
import http.client, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
conn.request("GET", sys.argv[3], headers={"Authorization": "Bearer " + sys.argv[2]})
r = conn.getresponse()
print(r.status, r.read().decode())
' "${NODE_URL[$1]}" "$2" "$3" 2>&1)
}

test_case "India's node serves its own API (to its users, never to Japan): the offline report"
api_user IN auditor1 "Maj A. Sen" auditor "$NAVY_IN"
server_start IN
api_get IN "$API_TOKEN" "/api/reconcile?peer=JP&offline=true"
STATUS=${OUT%% *}
OUT=${OUT#* }
if [ "$STATUS" != 200 ]; then
    fail "expected 200, got $STATUS: $OUT"
fi
expect_json '(d["peer"], d["items"], d["summary"]["differing"], d["summary"]["orders_there"])' \
    '["JP",[],0,2]'
expect_json 'sorted(d["snapshot"])' \
    '["made","orders","our_records_now","our_records_seen_through","partner_records_held","partner_records_through","received"]'
expect_json 'd["snapshot"]["partner_records_through"]' "$(last_seq JP)"
expect_json 'd["snapshot"]["our_records_seen_through"] == d["snapshot"]["our_records_now"]' true
api_get IN "$API_TOKEN" "/api/reconcile?peer=JP&offline=maybe"
if [ "${OUT%% *}" != 400 ]; then
    fail "expected 400 for offline=maybe, got: $OUT"
fi
server_stop IN

test_case "a snapshot held under a key since replaced no longer checks: refused, naming it"
on_ok IN peer add --party JP --key "${NODE_KEY[JPX]}"
on IN reconcile --peer JP --offline
expect_exit 1
expect_stderr_contains "snapshot: the snapshot of JP held here no longer checks"
expect_stderr_contains "import a new bundle of JP"

finish
