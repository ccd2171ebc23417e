# SPDX-License-Identifier: MIT
# Concurrent steps on two real nodes (defect 15): India pays an invoiced order of 880,000 JPY in
# full while Japan, before the two sync, raises a dispute on the same order. One sync takes each
# node's step to the other: both apply (a payment and a dispute commute), nothing is
# quarantined, both nodes show the order disputed and paid in full, reconcile finds nothing,
# and a later Indian step on the order is taken in by Japan. Then two steps that conflict: India
# cancels an approved order while Japan accepts it; the acceptance stands on both nodes, India's
# node voids its cancel, and India may cancel again.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "units, officials and the exercise, synced"

test_case "an order of 880,000 JPY walked to invoiced, synced after each party's steps"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place Yokosuka \
    --need-by 2024-06-14 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel,qty=440,unit=kl,price=2000,currency=JPY"
ORDER=$OUT
on_ok IN order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
on_ok IN order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
sync_ok IN JP
on_ok JP order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
on_ok JP order issue "$ORDER" --line 1 --qty 440 --by "PO Tanaka" --date 2024-06-11
sync_ok JP IN
on_ok IN order receive "$ORDER" --line 1 --qty 440 --by "CPO Das" --date 2024-06-12
sync_ok IN JP
on_ok JP order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-12
sync_ok JP IN

test_case "defect 15: apart, India pays in full and Japan raises a dispute"
on_ok IN order pay "$ORDER" --amount 880000 --currency JPY --by "Lt Cdr Menon" --date 2024-06-13
expect_stderr_contains "(state settled)"
on_ok JP order dispute "$ORDER" --by "Capt K. Sato" --reason "quality of the fuel" \
    --date 2024-06-13
expect_stderr_contains "(state disputed)"

test_case "defect 15: one sync applies both steps on both nodes, nothing quarantined"
sync_ok IN JP 1 1
expect_quarantine_empty IN JP
for node in IN JP; do
    on "$node" order show "$ORDER" --json
    expect_exit 0
    expect_json '(d["state"], d["paid"])' '["disputed","880000"]'
done

test_case "defect 15: both nodes hold the same order, and reconcile finds nothing"
EVENTS_AS_SET=1 expect_orders_equal IN JP
expect_reconciled IN JP

test_case "defect 15: a later Indian step on the order is taken in by Japan"
on_ok IN order dispute "$ORDER" --by "Lt Iyer" --reason "short quantity" --date 2024-06-14
sync_ok IN JP 1 0
expect_quarantine_empty IN JP
EVENTS_AS_SET=1 expect_orders_equal IN JP
expect_reconciled IN JP

test_case "conflict: apart, India cancels an approved order and Japan accepts it"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place Yokosuka \
    --need-by 2024-06-14 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel,qty=10,unit=kl,price=2000,currency=JPY"
SECOND=$OUT
on_ok IN order submit "$SECOND" --by "Lt Iyer" --date 2024-06-10
on_ok IN order approve "$SECOND" --by "Cdr A. Rao" --date 2024-06-10
sync_ok IN JP
on_ok IN order cancel "$SECOND" --by "Lt Iyer" --reason "plans changed" --date 2024-06-11
expect_stderr_contains "(state cancelled)"
on_ok JP order accept "$SECOND" --by "Capt K. Sato" --date 2024-06-11
expect_stderr_contains "(state accepted)"

test_case "conflict: one sync each way, the acceptance stands on both nodes, nothing quarantined"
sync_ok IN JP 1 1
on_ok IN audit list --json
expect_json '[a["object"] for a in d if a["action"] == "sync.concurrent"]' "[\"$SECOND\"]"
on_ok JP audit list --json
expect_json '[a["object"] for a in d if a["action"] == "sync.concurrent"]' "[\"$SECOND\"]"
expect_quarantine_empty IN JP
for node in IN JP; do
    on "$node" order show "$SECOND" --json
    expect_exit 0
    expect_json 'd["state"]' accepted
done
on IN order show "$SECOND" --json
expect_json '[(e["step"], e["corrected_step"]) for e in d["events"]][-3:]' \
    '[["cancel",null],["void","cancel"],["accept",null]]'
expect_reconciled IN JP
expect_balances_mirror IN JP

test_case "conflict: India cancels again, and Japan takes it in"
on_ok IN order cancel "$SECOND" --by "Lt Iyer" --reason "plans changed" --date 2024-06-12
sync_ok IN JP 1 0
for node in IN JP; do
    on "$node" order show "$SECOND" --json
    expect_json 'd["state"]' cancelled
done
expect_reconciled IN JP
expect_balances_mirror IN JP

finish
