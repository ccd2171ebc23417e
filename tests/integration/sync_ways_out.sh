# SPDX-License-Identifier: MIT
# The ways out of an order on two real nodes (two `acsa serve`), each step on the node of the
# party entitled to it and a sync after each: a draft amended, a dispute raised by Japan and
# resolved by Japan's official (India's node may not resolve it), a receipt corrected, a short
# delivery closed, a return refused in part. The partner's node takes each in through the same
# core; at the end both hold the same orders, mirrored balances, nothing in quarantine, and
# reconcile reports nothing from either side.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "reference data on both nodes"

# step NODE ORDER VERB STATE ARGS...: the step on NODE, a sync sending exactly its record, and
# the partner shows the order in STATE with that step last.
step() {
    local node=$1 order=$2 verb=$3 state=$4
    shift 4
    local other
    other=$(partner_of "$node" IN JP)
    test_case "$node: $verb $order, synced: $other sees it $state"
    on "$node" order "$verb" "$order" "$@"
    expect_exit 0
    sync_ok "$node" "$other" 1 0
    local got
    got=$(db_count "$other" "SELECT o.state || '|' || e.step FROM orders o JOIN events e
        ON e.order_number = o.number WHERE o.number = '$order' ORDER BY e.id DESC LIMIT 1")
    if [ "$got" != "$state|$verb" ]; then
        fail "expected $other to hold $order as $state|$verb, got: $got"
    fi
}

test_case "India raises a rik draft without units, place or need-by"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --method rik --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=40000,unit=l,price=50,currency=JPY" \
    --line "category=water,desc=Potable water,qty=1000,unit=l,price=2,currency=JPY"
ORDER=$OUT
sync_ok IN JP 1 0

step IN "$ORDER" amend draft --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" \
    --place "Yokosuka berth 4" --need-by 2024-06-12 --by "Lt Iyer" --date 2024-06-10
test_case "Japan's node holds the amended draft"
on JP order show "$ORDER" --json
expect_json '(d["place"], d["need_by"], d["supplier_unit"]["name"])' \
    '["Yokosuka berth 4","2024-06-12","JMSDF"]'

step IN "$ORDER" submit submitted --by "Lt Iyer" --date 2024-06-10
step IN "$ORDER" approve approved --by "Cdr A. Rao" --date 2024-06-10
step JP "$ORDER" accept accepted --by "Capt K. Sato" --date 2024-06-11
step JP "$ORDER" issue delivering --line 1 --qty 40000 --by "PO Tanaka" --date 2024-06-11
step JP "$ORDER" dispute disputed --by "Capt K. Sato" --date 2024-06-11 --reason "price in doubt"

test_case "India's node may not resolve Japan's dispute"
on IN order resolve "$ORDER" --by "Cdr A. Rao" --date 2024-06-12 --reason "agreed"
expect_exit 1
expect_stderr_contains "belongs to JP"

step JP "$ORDER" resolve delivering --by "Capt K. Sato" --date 2024-06-12 --reason "price agreed"
step IN "$ORDER" receive delivering --line 1 --qty 39000 --by "CPO Das" --date 2024-06-12
step IN "$ORDER" correct delivering --line 1 --step receive --qty 38500 --by "CPO Das" \
    --date 2024-06-13 --reason "meter misread"
step JP "$ORDER" issue delivering --line 2 --qty 1000 --by "PO Tanaka" --date 2024-06-13
step IN "$ORDER" receive delivering --line 2 --qty 1000 --by "CPO Das" --date 2024-06-13
step IN "$ORDER" close-line delivered --line 1 --by "Lt Iyer" --date 2024-06-14 \
    --reason "1,500 l lost in transfer"
step IN "$ORDER" return delivered --line 1 --qty 38500 --by "Lt Iyer" --date 2024-07-01
step JP "$ORDER" accept-return delivered --line 1 --qty 35000 --by "Capt K. Sato" \
    --date 2024-07-02
step JP "$ORDER" reject-return delivered --line 1 --qty 3500 --by "Capt K. Sato" \
    --date 2024-07-02 --reason "contaminated"
step IN "$ORDER" return delivered --line 1 --qty 3500 --by "Lt Iyer" --date 2024-07-05
step JP "$ORDER" accept-return delivered --line 1 --qty 3500 --by "Capt K. Sato" \
    --date 2024-07-06
step IN "$ORDER" return delivered --line 2 --qty 1000 --by "Lt Iyer" --date 2024-07-06
step JP "$ORDER" accept-return settled --line 2 --qty 1000 --by "Capt K. Sato" --date 2024-07-06

test_case "both nodes hold the same order, line 1 closed at 38,500 l"
expect_orders_equal IN JP
on JP order show "$ORDER" --json
expect_json '(d["state"], d["lines"][0]["received"], d["lines"][0]["closed"])' \
    '["settled","38500",true]'

test_case "reconcile reports nothing from either node; nothing in quarantine"
expect_reconciled IN JP
expect_quarantine_empty IN JP

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
