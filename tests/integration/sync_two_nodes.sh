# SPDX-License-Identifier: MIT
# Two nodes, India's and Japan's, each with its own database and its own `acsa serve` on a free
# loopback port, registered with each other. Orders of the three settlement methods (cash with
# a rejection, a cancellation and a dispute beside it; rik settled by returns and rik converted
# to cash; eve with an exchange of two reverse orders) go through every step, each on the node
# of the party entitled to it, with a sync after each step; the partner's node must show the
# step at once. At the end both nodes hold the same orders, the same record chains and mirrored
# balances, reconcile reports nothing from either side and nothing is in quarantine. On the way:
# a partner's step entered locally is refused, and a partner that is down makes sync exit 5
# until it is back, when one sync catches up both ways.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

# ---- Two nodes -------------------------------------------------------------------------------

node_init IN IN
node_init JP JP

test_case "both nodes serve on free loopback ports"
server_start IN
server_start JP
if [ -z "${NODE_URL[IN]}" ] || [ -z "${NODE_URL[JP]}" ]; then
    finish
fi
if [ "${NODE_URL[IN]}" = "${NODE_URL[JP]}" ]; then
    fail "both servers report ${NODE_URL[IN]}"
fi

peers_link IN JP

test_case "each node adds its own unit and official; India adds the exercise"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
on_ok JP official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 50000000 --currency JPY

test_case "one sync takes each node's units, grants to its officials and activity to the other"
sync_ok IN JP 3 2
expect_json '(d["batches_sent"], d["batches_received"])' '[1,1]'
on JP unit list --json
expect_json 'sorted((u["party"], u["name"]) for u in d)' '[["IN","Indian Navy"],["JP","JMSDF"]]'
NAVY_JP=$(json_value '[u["id"] for u in d if u["name"] == "Indian Navy"][0]')
on JP activity list --json
expect_json '[(a["name"], a["type"], a["from"], a["to"], a["place"]) for a in d]' \
    '[["JIMEX 2024","bilateral-training","2024-06-01","2024-06-20","Yokosuka"]]'
JIMEX_JP=$(json_value 'd[0]["id"]')
on IN unit list --json
expect_json 'sorted((u["party"], u["name"]) for u in d)' '[["IN","Indian Navy"],["JP","JMSDF"]]'
JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')

test_case "a second sync finds nothing to exchange"
sync_ok IN JP 0 0

# ---- Steps, each on its party's node, each followed by a sync --------------------------------

# expect_partner_sees NODE ORDER STATE STEP ACTOR: the order's state and last event on NODE,
# read from its database (one cheap query after each step; `order show` on both nodes is
# compared in full at checkpoints).
expect_partner_sees() {
    local node=$1 order=$2 want="$3|$4|$5" got
    got=$(db_count "$node" "SELECT o.state || '|' || e.step || '|' || e.actor FROM orders o
        JOIN events e ON e.order_number = o.number WHERE o.number = '$order'
        ORDER BY e.id DESC LIMIT 1")
    if [ "$got" != "$want" ]; then
        fail "expected $node to hold $order as state|last step|actor $want, got: $got"
    fi
}

# create NODE ARGS...: order create on NODE (its number in ORDER), then a sync from NODE; the
# partner's node holds the draft.
create() {
    local node=$1
    shift
    local other
    other=$(partner_of "$node" IN JP)
    on "$node" order create "$@"
    expect_exit 0
    expect_stdout_matches '^[A-Z]{2}-[A-Z]{2}-[0-9]{4}-[0-9]{6}$'
    ORDER=$OUT
    sync_ok "$node" "$other" 1 0
    expect_partner_sees "$other" "$ORDER" draft create "Lt Iyer"
}

# step NODE ORDER STEP STATE ARGS...: the step on NODE (its confirmation names STATE, except for
# an exchange), then a sync from NODE that sends exactly that record and receives nothing; the
# partner's node shows the order in STATE with the same last step and actor.
step() {
    local node=$1 order=$2 verb=$3 state=$4
    shift 4
    local other actor="" prev=""
    other=$(partner_of "$node" IN JP)
    local arg
    for arg in "$@"; do
        if [ "$prev" = "--by" ]; then
            actor=$arg
        fi
        prev=$arg
    done
    test_case "$node: $verb $order, synced: $other sees it $state"
    on "$node" order "$verb" "$order" "$@"
    expect_exit 0
    if [ "$verb" != exchange ]; then
        expect_stderr_contains "(state $state)"
    fi
    sync_ok "$node" "$other" 1 0
    expect_partner_sees "$other" "$order" "$state" "$verb" "$actor"
}

# refused_here NODE ORDER STEP PARTY ARGS...: a step of PARTY entered on NODE is refused, exit 1,
# and changes nothing there.
refused_here() {
    local node=$1 order=$2 verb=$3 party=$4
    shift 4
    test_case "$node refuses $verb on $order: it is $party's step, signed by $party's node"
    db_snapshot "${NODE_DB[$node]}"
    on "$node" order "$verb" "$order" "$@"
    expect_exit 1
    expect_stdout ""
    expect_stderr_contains "$verb on $order belongs to $party, whose node signs it"
    expect_db_unchanged
}

IN_ORDER=(--agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN"
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place "Yokosuka berth 4"
    --need-by 2024-06-12 --by "Lt Iyer")

# ---- Cash ----------------------------------------------------------------------------------

test_case "IN creates a cash order; JP holds the draft"
create IN "${IN_ORDER[@]}" --method cash --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=12000,unit=l,price=150,currency=JPY" \
    --line "category=water,desc=Potable water,qty=40000,unit=l,price=2,currency=JPY"
CASH=$ORDER
if [ "$CASH" != IN-JP-2024-000001 ]; then
    fail "expected the first order to be IN-JP-2024-000001, got $CASH"
fi
on JP order show "$CASH" --json
expect_json 'd["value"]' 1880000
expect_json '(d["requester_unit"]["name"], d["supplier_unit"]["name"], d["activity"]["name"])' \
    '["Indian Navy","JMSDF","JIMEX 2024"]'
expect_json '[(l["description"], l["quantity"], l["value"]) for l in d["lines"]]' \
    '[["Diesel fuel marine","12000","1800000"],["Potable water","40000","80000"]]'

step IN "$CASH" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$CASH" approve approved --by "Cdr A. Rao" --date 2024-06-10
refused_here IN "$CASH" accept JP --by "Capt K. Sato" --date 2024-06-11
refused_here JP "$CASH" cancel IN --by "Lt Iyer" --date 2024-06-11 --reason "not needed"
step JP "$CASH" accept accepted --by "Capt K. Sato" --date 2024-06-11
step JP "$CASH" issue delivering --line 1 --qty 12000 --by "PO Tanaka" --date 2024-06-12
refused_here JP "$CASH" receive IN --line 1 --qty 12000 --by "CPO Das" --date 2024-06-12
step IN "$CASH" receive delivering --line 1 --qty 12000 --by "CPO Das" --date 2024-06-12

test_case "the receipt is a payable on India's node and the same receivable on Japan's"
expect_balances_mirror IN JP '[("JPY", 0, 0, 1800000, 0)]'

step JP "$CASH" issue delivering --line 2 --qty 40000 --by "PO Tanaka" --date 2024-06-12
step IN "$CASH" receive delivered --line 2 --qty 40000 --by "CPO Das" --date 2024-06-13
refused_here IN "$CASH" invoice JP --by "Cdr A. Rao" --date 2024-06-20
step JP "$CASH" invoice invoiced --by "Capt K. Sato" --date 2024-06-20

test_case "both nodes date the invoice and its due date alike"
on IN order show "$CASH" --json
expect_json '(d["invoiced"], d["due"], d["cash_due"], d["outstanding"])' \
    '["2024-06-20","2024-07-20","1880000","1880000"]'
expect_orders_equal IN JP

refused_here JP "$CASH" pay IN --amount 880000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-25
step IN "$CASH" pay invoiced --amount 880000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-25
step IN "$CASH" pay settled --amount 1000000 --currency JPY --by "Lt Cdr Menon" --date 2024-08-02
step JP "$CASH" close closed --by "Capt K. Sato" --date 2024-08-03

test_case "the paid cash order leaves nothing owed on either node"
expect_balances_mirror IN JP '[("JPY", 0, 0, 0, 0)]'

test_case "IN creates a cash order that JP rejects"
create IN "${IN_ORDER[@]}" --method cash --date 2024-06-10 \
    --line "category=food,desc=Fresh rations,qty=10,unit=kg,price=900,currency=JPY"
REJECTED=$ORDER
step IN "$REJECTED" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$REJECTED" approve approved --by "Cdr A. Rao" --date 2024-06-10
step JP "$REJECTED" reject rejected --by "Capt K. Sato" --date 2024-06-11 --reason "no stock"

test_case "IN creates a cash order and cancels it"
create IN "${IN_ORDER[@]}" --method cash --date 2024-06-10 \
    --line "category=food,desc=Fresh rations,qty=20,unit=kg,price=900,currency=JPY"
CANCELLED=$ORDER
step IN "$CANCELLED" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$CANCELLED" cancel cancelled --by "Lt Iyer" --date 2024-06-10 --reason "raised twice"

test_case "IN creates a cash order that will be disputed"
create IN "${IN_ORDER[@]}" --method cash --date 2024-06-10 \
    --line "category=water,desc=Potable water,qty=10000,unit=l,price=2,currency=JPY" \
    --line "category=food,desc=Field rations,qty=10,unit=kg,price=2500,currency=JPY"
DISPUTED=$ORDER
step IN "$DISPUTED" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$DISPUTED" approve approved --by "Cdr A. Rao" --date 2024-06-10
step JP "$DISPUTED" accept accepted --by "Capt K. Sato" --date 2024-06-11
step JP "$DISPUTED" issue delivering --line 1 --qty 10000 --by "PO Tanaka" --date 2024-06-12
step IN "$DISPUTED" receive delivering --line 1 --qty 5000 --by "CPO Das" --date 2024-06-12
step IN "$DISPUTED" dispute disputed --by "Cdr A. Rao" --date 2024-06-13 \
    --reason "half the water never arrived"

# ---- Replacement in kind -------------------------------------------------------------------

RIK_LINES=(--line "category=pol,desc=Diesel fuel marine,qty=2000,unit=l,price=150,currency=JPY"
    --line "category=food,desc=Field rations,qty=40,unit=kg,price=2500,currency=JPY")

# deliver ORDER DAY: approval on IN, acceptance and issues on JP, receipts on IN, all synced.
deliver() {
    local order=$1 day=$2
    step IN "$order" submit submitted --by "Lt Iyer" --date "$day"
    step IN "$order" approve approved --by "Cdr A. Rao" --date "$day"
    step JP "$order" accept accepted --by "Capt K. Sato" --date "$day"
    step JP "$order" issue delivering --line 1 --qty 2000 --by "PO Tanaka" --date "$day"
    step IN "$order" receive delivering --line 1 --qty 2000 --by "CPO Das" --date "$day"
    step JP "$order" issue delivering --line 2 --qty 40 --by "PO Tanaka" --date "$day"
    step IN "$order" receive delivered --line 2 --qty 40 --by "CPO Das" --date "$day"
}

test_case "IN creates a rik order"
create IN "${IN_ORDER[@]}" --method rik --date 2024-06-10 "${RIK_LINES[@]}"
RIK=$ORDER
deliver "$RIK" 2024-06-12

test_case "the rik receipts are owed in kind, mirrored on both nodes"
expect_balances_mirror IN JP '[("JPY", 0, 0, 10000, 400000)]'
on JP order show "$RIK" --json
expect_json '(d["due"], d["outstanding"], d["cash_due"])' '["2025-06-12","400000","0"]'

refused_here JP "$RIK" return IN --line 1 --qty 1200 --by "PO Kumar" --date 2024-09-01
step IN "$RIK" return delivered --line 1 --qty 1200 --by "PO Kumar" --date 2024-09-01
refused_here IN "$RIK" accept-return JP --line 1 --qty 1000 --by "Capt K. Sato" --date 2024-09-02
step JP "$RIK" accept-return delivered --line 1 --qty 1000 --by "Capt K. Sato" --date 2024-09-02

test_case "a partly accepted return settles its value in kind on both nodes"
on IN order show "$RIK" --json
expect_json '(d["kind_settled"], d["outstanding"])' '["150000","250000"]'
expect_balances_mirror IN JP '[("JPY", 0, 0, 10000, 250000)]'

step IN "$RIK" return delivered --line 1 --qty 800 --by "PO Kumar" --date 2024-09-03
step JP "$RIK" accept-return delivered --line 1 --qty 1000 --by "Capt K. Sato" --date 2024-09-04
step IN "$RIK" return delivered --line 2 --qty 40 --by "PO Kumar" --date 2024-09-05
step JP "$RIK" accept-return settled --line 2 --qty 40 --by "Capt K. Sato" --date 2024-09-07
step IN "$RIK" close closed --by "Cdr A. Rao" --date 2024-09-08

test_case "IN creates a rik order that will miss its deadline"
create IN "${IN_ORDER[@]}" --method rik --date 2024-06-12 "${RIK_LINES[@]}"
CONVERTED=$ORDER
deliver "$CONVERTED" 2024-06-16
step IN "$CONVERTED" return delivered --line 1 --qty 500 --by "PO Kumar" --date 2024-10-01
step JP "$CONVERTED" accept-return delivered --line 1 --qty 500 --by "Capt K. Sato" --date 2024-10-02

test_case "convert-overdue on India's node leaves the conversion to Japan's node"
db_snapshot "${NODE_DB[IN]}"
on IN convert-overdue --as-of 2025-06-17 --by "Cdr A. Rao"
expect_exit 0
expect_stdout ""
expect_stderr_contains "converted 0 overdue in-kind obligations"
expect_db_data_unchanged

test_case "JP converts the overdue rik order to cash; the sync takes it to India"
on JP convert-overdue --as-of 2025-06-17 --by "Capt K. Sato"
expect_exit 0
expect_stdout "$CONVERTED"
sync_ok JP IN 1 0
on IN order show "$CONVERTED" --json
expect_json '(d["state"], d["converted"], d["cash_due"], d["outstanding"], d["due"])' \
    '["invoiced",true,"325000","325000","2025-07-17"]'
expect_json '(d["events"][-1]["step"], d["events"][-1]["actor"])' '["convert","Capt K. Sato"]'
expect_balances_mirror IN JP '[("JPY", 0, 0, 335000, 0)]'

# ---- Japan's node is down for a while --------------------------------------------------------

test_case "JP's server stops cleanly"
server_stop JP

test_case "while JP is down, India pays and JP takes steps on its own node"
on IN order pay "$CONVERTED" --amount 325000 --currency JPY --by "Lt Cdr Menon" --date 2025-07-01
expect_exit 0
expect_stderr_contains "(state settled)"
on JP order close "$DISPUTED" --by "Capt K. Sato" --date 2024-06-14
# A disputed order cannot be closed: the step is refused on JP's node itself (an issue
# would go on under the dispute: it commutes with it, docs/ARCHITECTURE.md).
expect_exit 1
expect_stderr_contains "disputed"
on JP order close "$RIK" --by "Capt K. Sato" --date 2024-09-09
expect_exit 1
expect_stderr_contains "closed"
on JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --supplier-unit "$NAVY_JP" --place "Visakhapatnam" \
    --need-by 2024-06-14 --method eve --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=50000,unit=l,price=2,currency=JPY" \
    --line "category=airport-seaport,desc=Berthing,qty=2,unit=day,price=50000,currency=JPY"
expect_exit 0
expect_stdout "JP-IN-2024-000001"
SMALLER=$OUT

test_case "a sync with JP down exits 5 and changes neither node"
db_snapshot "${NODE_DB[JP]}"
on IN sync --peer JP --json
expect_exit 5
expect_stdout ""
expect_stderr_contains "${NODE_URL[JP]}"
expect_db_data_unchanged
on IN order show "$SMALLER" --json
expect_exit 3

test_case "JP's server comes back on another port; India records its new URL, cursors kept"
on IN peer list --json
RECEIVED_BEFORE=$(json_value 'd[0]["received_through"]')
ACKED_BEFORE=$(json_value 'd[0]["acked_through"]')
OLD_URL=${NODE_URL[JP]}
server_start JP
peer_add IN JP
on IN peer list --json
expect_json 'd[0]["url"]' "${NODE_URL[JP]}"
expect_json 'd[0]["received_through"]' "$RECEIVED_BEFORE"
expect_json 'd[0]["acked_through"]' "$ACKED_BEFORE"
if [ "$RECEIVED_BEFORE" = 0 ] || [ "$ACKED_BEFORE" = 0 ]; then
    fail "expected both cursors past 0 before the outage: $RECEIVED_BEFORE, $ACKED_BEFORE"
fi
echo "# JP was at $OLD_URL, is now at ${NODE_URL[JP]}"

test_case "one sync catches up both ways: India's payment there, Japan's new order here"
sync_ok IN JP 1 1
on JP order show "$CONVERTED" --json
expect_json 'd["state"]' settled
on IN order show "$SMALLER" --json
expect_exit 0
expect_json '(d["state"], d["method"], d["value"])' '["draft","eve","200000"]'

step JP "$CONVERTED" close closed --by "Capt K. Sato" --date 2025-07-02

# ---- Equal-value exchange ----------------------------------------------------------------------

test_case "IN creates an eve order on Japan (300,000 JPY of diesel)"
create IN "${IN_ORDER[@]}" --method eve --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=2000,unit=l,price=150,currency=JPY"
LARGER=$ORDER
step IN "$LARGER" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$LARGER" approve approved --by "Cdr A. Rao" --date 2024-06-10
step JP "$LARGER" accept accepted --by "Capt K. Sato" --date 2024-06-11
step JP "$LARGER" issue delivering --line 1 --qty 2000 --by "PO Tanaka" --date 2024-06-12
step IN "$LARGER" receive delivered --line 1 --qty 2000 --by "CPO Das" --date 2024-06-12

# Japan's order on India: Japan requests (submit, approve, receive), India supplies.
step JP "$SMALLER" submit submitted --by "1Lt Mori" --date 2024-06-11
refused_here IN "$SMALLER" approve JP --by "Cdr A. Rao" --date 2024-06-11
step JP "$SMALLER" approve approved --by "Capt K. Sato" --date 2024-06-11
refused_here JP "$SMALLER" accept IN --by "Capt K. Sato" --date 2024-06-11
step IN "$SMALLER" accept accepted --by "Cdr A. Rao" --date 2024-06-11
step IN "$SMALLER" issue delivering --line 1 --qty 50000 --by "PO Kumar" --date 2024-06-13
step JP "$SMALLER" receive delivering --line 1 --qty 50000 --by "Sgt Ito" --date 2024-06-13
step IN "$SMALLER" issue delivering --line 2 --qty 2 --by "PO Kumar" --date 2024-06-14
step JP "$SMALLER" receive delivered --line 2 --qty 2 --by "Sgt Ito" --date 2024-06-14

test_case "both eve obligations are in kind, each mirrored"
expect_balances_mirror IN JP '[("JPY", 0, 200000, 10000, 300000)]'

step IN "$LARGER" exchange invoiced --with "$SMALLER" --by "Cdr A. Rao" --date 2024-07-01

test_case "the exchange settles Japan's order and leaves India the difference in cash, on both"
on JP order show "$SMALLER" --json
expect_json '(d["state"], d["exchanged_with"], d["kind_settled"], d["outstanding"])' \
    "[\"settled\",\"$LARGER\",\"200000\",\"0\"]"
expect_json 'd["events"][-1]["step"]' exchange
on JP order show "$LARGER" --json
expect_json '(d["exchanged_with"], d["cash_due"], d["outstanding"], d["due"])' \
    "[\"$SMALLER\",\"100000\",\"100000\",\"2024-07-31\"]"
expect_balances_mirror IN JP '[("JPY", 0, 0, 110000, 0)]'

step IN "$LARGER" pay settled --amount 100000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-20
step IN "$LARGER" close closed --by "Cdr A. Rao" --date 2024-07-21
step JP "$SMALLER" close closed --by "Capt K. Sato" --date 2024-07-21

# ---- Both ledgers agree ----------------------------------------------------------------------

test_case "both nodes hold the same orders, each reading the same"
expect_orders_equal IN JP
on IN order list --json
expect_json 'sorted((o["number"], o["method"], o["state"]) for o in d)' \
    "[[\"$CASH\",\"cash\",\"closed\"],[\"$REJECTED\",\"cash\",\"rejected\"],[\"$CANCELLED\",\"cash\",\"cancelled\"],[\"$DISPUTED\",\"cash\",\"disputed\"],[\"$RIK\",\"rik\",\"closed\"],[\"$CONVERTED\",\"rik\",\"closed\"],[\"$LARGER\",\"eve\",\"closed\"],[\"$SMALLER\",\"eve\",\"closed\"]]"

test_case "every order's record chain is the same on both nodes, each record signed by its party"
on IN order list --json
for number in $(json_value '" ".join(o["number"] for o in d)'); do
    on IN order chain "$number" --json
    expect_exit 0
    save_out chain.in.json
    on JP order chain "$number" --json
    expect_exit 0
    save_out chain.jp.json
    got=$("$PYTHON" -c '
import json, sys
def key(c):
    return [(r["origin"], r["seq"], r["step"], r["hash"], r["prev_hash"], r["manual"], r["actor"]) for r in c]
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if key(a) != key(b):
    print("chains differ:", key(a), key(b))
elif any(r["manual"] for r in a):
    print("a record is marked manual")
elif any(r["prev_hash"] != p["hash"] for p, r in zip(a, a[1:]) if r["order"] == sys.argv[3]):
    print("the chain does not link each of its records to the one before")
elif a[0]["step"] != "create" or set(r["prev_hash"] for r in a[:1]) != {"0" * 64}:
    print("the chain does not start with its create record")
' "$TEST_DIR/chain.in.json" "$TEST_DIR/chain.jp.json" "$number" 2>&1)
    if [ -n "$got" ]; then
        fail "order $number: $got"
    fi
done

test_case "India's balance with Japan mirrors Japan's with India: the disputed receipt only"
expect_balances_mirror IN JP '[("JPY", 0, 0, 10000, 0)]'
on JP balance --json
expect_json '[(b["partner"], b["receivable_cash"], b["net"]) for b in d]' '[["IN","10000","10000"]]'

test_case "reconcile reports nothing, and exits 0, from either node"
expect_reconciled IN JP
on IN reconcile --peer JP --csv
expect_exit 0
expect_stdout "kind,order,field,ours,theirs"

test_case "each node holds all of the other's records, and each knows it"
on IN peer list --json
expect_json 'd[0]["received_through"]' "$(db_count JP "SELECT max(seq) FROM records WHERE origin = 'JP'")"
expect_json 'd[0]["acked_through"]' "$(db_count IN "SELECT max(seq) FROM records WHERE origin = 'IN'")"
on JP peer list --json
expect_json 'd[0]["received_through"]' "$(db_count IN "SELECT max(seq) FROM records WHERE origin = 'IN'")"
expect_counts_equal IN JP

test_case "nothing is in quarantine on either node"
expect_quarantine_empty IN JP

test_case "a reconcile that finds a difference exits 1 and names it"
# India takes a step of its own without syncing: Japan's node lacks it until the next sync.
create_args=("${IN_ORDER[@]}" --method cash --date 2024-06-12
    --line "category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY")
on IN order create "${create_args[@]}"
expect_exit 0
LAST=$OUT
on IN reconcile --peer JP --json
expect_exit 1
expect_json '[(r["kind"], r["order"]) for r in d]' "[[\"missing_there\",\"$LAST\"]]"
on JP reconcile --peer IN --json
expect_exit 1
expect_json '[(r["kind"], r["order"]) for r in d]' "[[\"missing_here\",\"$LAST\"]]"
sync_ok IN JP 1 0
expect_reconciled IN JP

test_case "with --sync-every 1, India's server takes a new step to Japan by itself"
server_stop IN
server_start IN --sync-every 1
peer_add JP IN
on IN order submit "$LAST" --by "Lt Iyer" --date 2024-06-12
expect_exit 0
got=""
for _ in $(seq 1 200); do
    got=$(db_count JP "SELECT state FROM orders WHERE number = '$LAST'")
    if [ "$got" = submitted ]; then
        break
    fi
    sleep 0.1
done
if [ "$got" != submitted ]; then
    fail "JP's node holds $LAST as '$got' 20 s after the step, not submitted"
fi
# The server logs the exchange once it is whole (records, then documents' files): Japan may
# hold the step a moment before India's log line is written.
for _ in $(seq 1 200); do
    if grep -q '"event":"sync".*"ok":true' "$TEST_DIR/IN.server.log"; then
        break
    fi
    sleep 0.1
done
if ! grep -q '"event":"sync".*"ok":true' "$TEST_DIR/IN.server.log"; then
    fail "no successful sync in the server log: $(grep '"event"' "$TEST_DIR/IN.server.log" | tail -n 3)"
fi
if grep -q '"event":"sync".*"ok":false' "$TEST_DIR/IN.server.log"; then
    fail "a failed sync in the server log: $(grep '"ok":false' "$TEST_DIR/IN.server.log" | head -n 3)"
fi
expect_reconciled IN JP

test_case "India's /metrics: the exchange with Japan, nothing behind either way, no quarantine"
printf 'a-password-for-scraper\n' >"$TEST_DIR/password.scraper"
on IN user add --username scraper --name "Metrics scraper" --role auditor --party IN \
    --password-file "$TEST_DIR/password.scraper"
expect_exit 0
on IN token create --username scraper --name metrics
expect_exit 0
SCRAPE_TOKEN=$OUT
# The timer exchanges every second: what the node wrote meanwhile is behind until the next one.
for _ in $(seq 1 100); do
    curl -s -H "Authorization: Bearer $SCRAPE_TOKEN" "${NODE_URL[IN]}/metrics" \
        >"$TEST_DIR/IN.metrics"
    if grep -q '^acsa_sync_records_behind{peer="JP",direction="outbound"} 0$' "$TEST_DIR/IN.metrics" &&
        grep -q '^acsa_sync_records_behind{peer="JP",direction="inbound"} 0$' "$TEST_DIR/IN.metrics"; then
        break
    fi
    sleep 0.2
done
WHY=$(python3 "$ACSA_SOURCE_ROOT/tests/integration/prom_text.py" "$TEST_DIR/IN.metrics") ||
    fail "exposition: $WHY"
for want in '^acsa_sync_last_success_timestamp_seconds\{peer="JP"\} [1-9][0-9]*$' \
    '^acsa_sync_records_behind\{peer="JP",direction="outbound"\} 0$' \
    '^acsa_sync_records_behind\{peer="JP",direction="inbound"\} 0$' \
    '^acsa_sync_exchanges_total\{peer="JP",result="ok"\} [1-9][0-9]*$' \
    '^acsa_quarantine_open\{peer="JP"\} 0$'; do
    grep -Eq "$want" "$TEST_DIR/IN.metrics" ||
        fail "no line $want in: $(grep -E 'sync|quarantine' "$TEST_DIR/IN.metrics" | grep -v '^#')"
done

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
