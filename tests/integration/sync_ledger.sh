# SPDX-License-Identifier: MIT
# The ledger on two nodes, India's and Japan's, each with its own `acsa serve`: an accepted,
# undelivered order is committed on both, each from its side, and the balances mirror (the
# reconcile balance comparison stays empty); a line issued and not received after the
# agreement's transit_days is flagged by reconcile on both nodes until it is received; the
# creditor's server converts an overdue in-kind obligation by itself, and the debtor's node
# takes the conversion by sync.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

# Japan's server converts overdue in-kind obligations every second.
two_nodes_with_reference "reference data on each node, exchanged" --convert-every 1
NAVY=$NAVY_IN
JIMEX=$JIMEX_IN
JMSDF=$JMSDF_IN

# order METHOD LINE: an order India raises, approves and Japan accepts, synced (ORDER).
order() {
    local method=$1 line=$2
    on IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka \
        --need-by 2024-06-15 --method "$method" --by "Lt Iyer" --date 2024-06-10 --line "$line"
    expect_exit 0
    ORDER=$OUT
    on_ok IN order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
    on_ok IN order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
    sync_ok IN JP
    on_ok JP order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
    sync_ok JP IN
}

test_case "an accepted, undelivered order is committed on both nodes, each from its side"
order cash "category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY"
CASH=$ORDER
on IN balance --partner JP --json
expect_json '[(b["committed_payable_cash"], b["committed_receivable_cash"], b["payable_cash"]) for b in d]' \
    '[["200","0","0"]]'
on JP balance --partner IN --json
expect_json '[(b["committed_receivable_cash"], b["committed_payable_cash"], b["receivable_cash"]) for b in d]' \
    '[["200","0","0"]]'

test_case "with commitments the balances mirror and reconcile reports nothing"
expect_balances_mirror IN JP '[("JPY", 0, 0, 0, 0)]'
expect_reconciled IN JP

test_case "an in-kind commitment mirrors too"
order rik "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
RIK=$ORDER
on IN balance --partner JP --json
expect_json 'd[0]["committed_payable_kind"]' 150000
on JP balance --partner IN --json
expect_json 'd[0]["committed_receivable_kind"]' 150000
expect_reconciled IN JP

test_case "a line issued and received in part"
on_ok JP order issue "$CASH" --line 1 --qty 100 --by "PO Tanaka" --date 2024-06-12
sync_ok JP IN
on_ok IN order receive "$CASH" --line 1 --qty 60 --by "CPO Das" --date 2024-06-12
sync_ok IN JP
expect_balances_mirror IN JP '[("JPY", 0, 0, 120, 0)]'

test_case "reconcile flags the line in transit after 14 days, on both nodes"
for node in IN JP; do
    on "$node" reconcile --peer "$(partner_of "$node" IN JP)" --json
    expect_exit 1
    expect_json '[(r["kind"], r["order"], r["field"], r["theirs"]) for r in d]' \
        "[[\"in_transit\",\"$CASH\",\"line 1\",\"not received\"]]"
    expect_json 'd[0]["ours"].startswith("issued 100, received 60; in transit since 2024-06-12 (")' \
        true
    expect_stderr_contains "0 balance figures not mirrored, 1 lines in transit too long"
done

test_case "both nodes list it in report in-transit"
for node in IN JP; do
    on "$node" report in-transit --as-of 2024-07-01 --json
    expect_json '[(r["number"], r["line"], r["issued"], r["received"], r["days"]) for r in d]' \
        "[[\"$CASH\",1,\"100\",\"60\",19]]"
done

test_case "once the rest is received reconcile reports nothing"
on_ok IN order receive "$CASH" --line 1 --qty 40 --by "CPO Das" --date 2024-06-20
sync_ok IN JP
expect_reconciled IN JP
expect_balances_mirror IN JP '[("JPY", 0, 0, 200, 0)]'

test_case "the rik order is delivered in 2024: its in-kind deadline has long passed"
on_ok JP order issue "$RIK" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12
sync_ok JP IN
on_ok IN order receive "$RIK" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-12
sync_ok IN JP

test_case "Japan's server converts it by itself; India takes the conversion by sync"
got=""
for _ in $(seq 1 300); do
    got=$(db_count JP "SELECT state FROM orders WHERE number = '$RIK'")
    if [ "$got" = invoiced ]; then
        break
    fi
    sleep 0.1
done
if [ "$got" != invoiced ]; then
    fail "JP's node holds $RIK as '$got', not converted and invoiced"
fi
sync_ok JP IN
on IN order show "$RIK" --json
expect_json '(d["state"], d["converted"], d["cash_due"], d["events"][-1]["actor"])' \
    '["invoiced",true,"150000","system:convert"]'

test_case "after the conversion the balances mirror and reconcile reports nothing"
expect_balances_mirror IN JP '[("JPY", 0, 0, 150200, 0)]'
expect_reconciled IN JP
expect_quarantine_empty IN JP

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
