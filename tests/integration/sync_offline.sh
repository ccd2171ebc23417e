# SPDX-License-Identifier: MIT
# A node that was away: Japan's node is stopped while India's records 1,000 orders (through its
# HTTP API, which is quick; a few steps through the CLI), then one sync in batches brings all of
# them over and reconcile finds nothing. Then the other way without any network: India's node is
# stopped, Japan's records 1,000 orders and writes a bundle file, India imports it, reconcile
# finds nothing, and importing the same file again is refused as a replay that applies nothing.
# A bundle that overlaps what is held applies only what is new.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

ORDERS=1000

node_init IN IN
node_init JP JP

test_case "both nodes serve on free loopback ports"
server_start IN
server_start JP
if [ -z "${NODE_URL[IN]}" ] || [ -z "${NODE_URL[JP]}" ]; then
    finish
fi

peers_link IN JP

test_case "each node adds its unit, India its official and the exercise, and they sync"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
sync_ok IN JP 3 1
on IN unit list --json
JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
on JP unit list --json
NAVY_JP=$(json_value '[u["id"] for u in d if u["name"] == "Indian Navy"][0]')
on JP activity list --json
JIMEX_JP=$(json_value '[a["id"] for a in d if a["name"] == "JIMEX 2024"][0]')
if ! [[ "$JMSDF_IN$NAVY_JP$JIMEX_JP" =~ ^[0-9]+$ ]]; then
    fail "the partner's units and activity did not arrive: $JMSDF_IN, $NAVY_JP, $JIMEX_JP"
fi

test_case "a requester on each node, with an API token"
api_user IN iyer "Lt Iyer" requester "$NAVY_IN"
TOKEN_IN=$API_TOKEN
api_user JP mori "1Lt Mori" requester "$JMSDF_JP"
TOKEN_JP=$API_TOKEN

# ---- Japan's node is away; India records, then one sync ---------------------------------------

test_case "JP's server stops"
server_stop JP

test_case "IN records $ORDERS orders while JP is away"
IN_TEMPLATE="{\"agreement\": \"IN-JP-2020\", \"requester\": \"IN\",
    \"supplier\": \"JP\", \"activity\": $JIMEX_IN, \"method\": \"cash\", \"requester_unit\": $NAVY_IN,
    \"supplier_unit\": $JMSDF_IN, \"place\": \"Yokosuka\", \"need_by\": \"2024-06-12\",
    \"date\": \"2024-06-10\", \"lines\": [{\"category\": \"water\", \"desc\": \"Potable water\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"2\", \"currency\": \"JPY\"}]}"
api_create_orders IN "$TOKEN_IN" "$ORDERS" "$IN_TEMPLATE"
expect_exit 0
numbers=$(printf '%s\n' "$OUT" | sort -u | wc -l)
if [ "$numbers" != "$ORDERS" ]; then
    fail "expected $ORDERS distinct order numbers, got $numbers"
fi
expect_stdout_matches '^IN-JP-2024-000001'
expect_stdout_matches "IN-JP-2024-00$ORDERS\$"

test_case "IN submits and approves three of them on the command line"
for number in IN-JP-2024-000001 IN-JP-2024-000500 IN-JP-2024-001000; do
    on_ok IN order submit "$number" --by "Lt Iyer" --date 2024-06-10
    on_ok IN order approve "$number" --by "Cdr A. Rao" --date 2024-06-10
done
STEPS=6

test_case "JP's node holds none of them yet"
on JP order list --json
expect_exit 0
expect_json 'len(d)' 0

test_case "JP's server is back on a new port; IN records its URL"
server_start JP
peer_add IN JP

test_case "one sync in batches of 250 sends every record JP lacks, once"
on IN sync --peer JP --batch 250 --json
expect_exit 0
expect_report "sent=$((ORDERS + STEPS))" received=0 sent_duplicates=0 sent_quarantined=0 \
    received_quarantined=0 batches_sent=$(((ORDERS + STEPS + 249) / 250))

test_case "JP holds all $ORDERS orders, three of them approved"
on JP order list --json
expect_exit 0
expect_json 'len(d)' "$ORDERS"
expect_json 'len(set(o["number"] for o in d))' "$ORDERS"
expect_json 'sorted(o["number"] for o in d if o["state"] == "approved")' \
    '["IN-JP-2024-000001","IN-JP-2024-000500","IN-JP-2024-001000"]'
expect_json 'sum(int(o["value"]) for o in d)' "$((ORDERS * (ORDERS + 1)))"
expect_counts_equal IN JP

test_case "reconcile reports nothing from either node"
expect_reconciled IN JP

test_case "a second sync has nothing to send or receive"
sync_ok IN JP 0 0
sync_ok JP IN 0 0

test_case "nothing is in quarantine"
expect_quarantine_empty IN JP

# ---- No network at all: Japan records, a bundle file carries the records ---------------------

test_case "IN's server stops: the nodes cannot reach each other"
server_stop IN
on JP sync --peer IN --json
expect_exit 5

test_case "JP records $ORDERS orders for India"
JP_TEMPLATE="{\"agreement\": \"IN-JP-2020\", \"requester\": \"JP\",
    \"supplier\": \"IN\", \"activity\": $JIMEX_JP, \"method\": \"eve\", \"requester_unit\": $JMSDF_JP,
    \"supplier_unit\": $NAVY_JP, \"place\": \"Visakhapatnam\", \"need_by\": \"2024-06-14\",
    \"date\": \"2024-06-11\", \"lines\": [{\"category\": \"pol\", \"desc\": \"Jet fuel\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"3\", \"currency\": \"JPY\"}]}"
api_create_orders JP "$TOKEN_JP" "$ORDERS" "$JP_TEMPLATE"
expect_exit 0
expect_stdout_matches '^JP-IN-2024-000001'
expect_stdout_matches "JP-IN-2024-00$ORDERS\$"

BUNDLE="$TEST_DIR/jp-for-in.bundle"
test_case "JP writes its records IN lacks into one bundle file"
on JP peer list --json
ACKED=$(json_value 'd[0]["acked_through"]')
on JP bundle export --peer IN --out "$BUNDLE"
expect_exit 0
expect_stdout ""
expect_stderr_contains "wrote $BUNDLE: $ORDERS records for IN ($((ACKED + 1))..$((ACKED + ORDERS)))"
OUT=$(bundle_tool info "$BUNDLE")
expect_json '(d["magic"], d["sender"], d["receiver"], d["count"], d["after"], d["through"], d["signature"])' \
    "[\"ACSABAT1\",\"JP\",\"IN\",$ORDERS,$ACKED,$((ACKED + ORDERS)),64]"
if [ -e "$BUNDLE.part" ]; then
    fail "the temporary file $BUNDLE.part was left behind"
fi

test_case "IN imports the bundle with its server down: every record applied"
on IN bundle import "$BUNDLE" --json
expect_exit 0
expect_json '(d["sender"], d["receiver"], d["records"], d["applied"], d["duplicates"], d["quarantined"])' \
    "[\"JP\",\"IN\",$ORDERS,$ORDERS,0,0]"
on IN order list --partner JP --json
expect_json 'len(d)' "$((2 * ORDERS))"
expect_json 'len([o for o in d if o["requester"] == "JP" and o["state"] == "draft"])' "$ORDERS"

test_case "with the servers back, reconcile reports nothing from either node"
server_start IN
peer_add JP IN
expect_reconciled IN JP
expect_counts_equal IN JP
expect_balances_mirror IN JP '[]'

test_case "the sync after the bundle finds nothing to send either way"
sync_ok JP IN 0 0
sync_ok IN JP 0 0

test_case "importing the same bundle again is refused as a replay and applies nothing"
node_snapshot IN
on IN bundle import "$BUNDLE" --json
expect_exit 1
expect_stdout ""
expect_stderr_contains "replayed"
expect_stderr_contains "nothing applied"
expect_node_unchanged IN
expect_quarantined IN '(d["peer"], d["via"], d["what"], "replayed" in d["reason"])' \
    '["JP","bundle","batch",true]'

test_case "a bundle that overlaps what IN holds applies only the new records"
api_create_orders JP "$TOKEN_JP" 2 "{\"agreement\": \"IN-JP-2020\", \"requester\": \"JP\",
    \"supplier\": \"IN\", \"activity\": $JIMEX_JP, \"method\": \"cash\", \"requester_unit\": $JMSDF_JP,
    \"supplier_unit\": $NAVY_JP, \"place\": \"Visakhapatnam\", \"need_by\": \"2024-06-14\",
    \"date\": \"2024-06-11\", \"lines\": [{\"category\": \"water\", \"desc\": \"Potable water\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"2\", \"currency\": \"JPY\"}]}"
expect_exit 0
on JP bundle export --peer IN --since "$((ACKED + ORDERS - 3))" --out "$TEST_DIR/overlap.bundle"
expect_exit 0
on IN bundle import "$TEST_DIR/overlap.bundle" --json
expect_exit 0
expect_json '(d["records"], d["applied"], d["duplicates"], d["quarantined"])' '[5,2,3,0]'
expect_reconciled IN JP

test_case "both nodes record orders while syncs run from both sides at once"
( # Each writer in a directory of its own, as the runs share files of the test directory.
    trap - EXIT
    TEST_DIR="$TEST_DIR/writer.IN"
    mkdir -p "$TEST_DIR"
    api_create_orders IN "$TOKEN_IN" 200 "$IN_TEMPLATE"
    echo "$RC $ERR" >"$TEST_DIR/result"
) &
WRITERS=("$!")
(
    trap - EXIT
    TEST_DIR="$TEST_DIR/writer.JP"
    mkdir -p "$TEST_DIR"
    api_create_orders JP "$TOKEN_JP" 200 "$JP_TEMPLATE"
    echo "$RC $ERR" >"$TEST_DIR/result"
) &
WRITERS+=("$!")
for round in 1 2 3; do
    syncs=()
    for pair in IN:JP JP:IN IN:JP; do
        mapfile -t db < <(node_args "${pair%:*}")
        "$ACSA_BIN" "${db[@]}" sync --peer "${pair#*:}" --batch 50 --json \
            >"$TEST_DIR/concurrent.$round.$pair.out" 2>&1 </dev/null &
        syncs+=("$!")
    done
    for pid in "${syncs[@]}"; do
        if ! wait "$pid"; then
            fail "a sync run alongside others failed: $(cat "$TEST_DIR"/concurrent.$round.*.out | grep acsa: | head -n 3)"
        fi
    done
done
for pid in "${WRITERS[@]}"; do
    wait "$pid"
done
for name in IN JP; do
    if [ "$(cat "$TEST_DIR/writer.$name/result" 2>&1)" != "0 " ]; then
        fail "the orders written on $name alongside the syncs: $(cat "$TEST_DIR/writer.$name/result" 2>&1)"
    fi
done
sync_ok IN JP
sync_ok JP IN
expect_counts_equal IN JP
on JP order list --json
expect_json 'len(d)' "$((2 * ORDERS + 402))"
expect_reconciled IN JP
for name in IN JP; do
    on "$name" quarantine list --json
    expect_json '[q["reason"] for q in d if "replayed" not in q["reason"]]' '[]'
done

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
