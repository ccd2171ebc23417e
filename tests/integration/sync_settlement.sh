# SPDX-License-Identifier: MIT
# Settlement across two real nodes, India's and Japan's, each with its own `acsa serve`: Japan's
# node invoices a JPY cash order in numbered parts while it is delivered (its own series,
# JP-INV-...), India's node pays oldest invoice first, by a named invoice, and the rest in INR
# at a stated rate. A sync follows every step; at the end both nodes hold the same order with
# the same invoices and payments, balances mirror, reconcile reports nothing and nothing is in
# quarantine.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "each node adds its own unit and official; India adds the exercise"

# settle NODE ARGS...: an order step on NODE (its confirmation containing $SAYS when set),
# then a sync from NODE sending that one record.
SAYS=""
settle() {
    local node=$1
    shift
    local other
    other=$(partner_of "$node" IN JP)
    on "$node" order "$@"
    expect_exit 0
    if [ -n "$SAYS" ]; then
        expect_stderr_contains "$SAYS"
        SAYS=""
    fi
    sync_ok "$node" "$other" 1 0
}

test_case "IN raises a JPY cash order; both sides approve, accept and deliver line 1"
on IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --by "Lt Iyer" --method cash --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=12000,unit=l,price=150,currency=JPY" \
    --line "category=water,desc=Potable water,qty=40000,unit=l,price=2,currency=JPY"
expect_exit 0
ORDER=$OUT
sync_ok IN JP 1 0
settle IN submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
settle IN approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
settle JP accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
settle JP issue "$ORDER" --line 1 --qty 12000 --by "PO Tanaka" --date 2024-06-12
settle IN receive "$ORDER" --line 1 --qty 12000 --by "CPO Das" --date 2024-06-12

test_case "JP's node invoices line 1 in two parts from its own series; IN holds both"
SAYS="as JP-INV-2024-000001"
settle JP invoice "$ORDER" --line 1 --qty 6000 --by "Capt K. Sato" --date 2024-06-13
SAYS="as JP-INV-2024-000002"
settle JP invoice "$ORDER" --line 1 --qty 6000 --by "Capt K. Sato" --date 2024-06-14
on IN order show "$ORDER" --json
expect_json '[(i["number"], i["due"], i["amount"]) for i in d["invoices"]]' \
    '[["JP-INV-2024-000001","2024-07-13","900000"],["JP-INV-2024-000002","2024-07-14","900000"]]'
expect_json 'd["state"]' delivering

test_case "IN's invoice step is refused: the supplier's node signs invoices"
on IN order invoice "$ORDER" --by "Cdr A. Rao" --date 2024-06-14
expect_exit 1
expect_stderr_contains "invoice on $ORDER belongs to JP"

test_case "IN pays oldest first, then a named invoice; JP applies them alike"
settle IN pay "$ORDER" --amount 300000 --currency JPY --by "Lt Cdr Menon" --date 2024-06-20
settle IN pay "$ORDER" --amount 900000 --currency JPY --invoice JP-INV-2024-000002 \
    --by "Lt Cdr Menon" --date 2024-06-21
on JP order show "$ORDER" --json
expect_json '[i["paid"] for i in d["invoices"]]' '["300000","900000"]'
expect_json 'd["due"]' 2024-07-13

test_case "line 2 delivered and invoiced: the order is invoiced on both nodes"
settle JP issue "$ORDER" --line 2 --qty 40000 --by "PO Tanaka" --date 2024-06-22
settle IN receive "$ORDER" --line 2 --qty 40000 --by "CPO Das" --date 2024-06-22
SAYS="(state invoiced)"
settle JP invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-23

test_case "IN pays the rest in INR at a stated rate; JP sees both amounts and the rate"
settle IN pay "$ORDER" --amount 383098.59 --currency INR --rate 1.7750 --rate-date 2024-06-24 \
    --rate-source "RBI reference rate" --by "Lt Cdr Menon" --date 2024-06-25
on JP order show "$ORDER" --json
expect_json 'd["state"]' settled
expect_json 'd["events"][-1]["amount"]' 680000
expect_json '(d["events"][-1]["payment"]["currency"], d["events"][-1]["payment"]["amount"])' \
    '["INR","383098.59"]'
expect_json '(d["events"][-1]["payment"]["rate"], d["events"][-1]["payment"]["rate_source"])' \
    '["1.7750","RBI reference rate"]'

test_case "both nodes hold the same order, mirrored balances, reconcile is empty"
expect_orders_equal IN JP
expect_balances_mirror IN JP
expect_reconciled IN JP
expect_quarantine_empty IN JP

finish
