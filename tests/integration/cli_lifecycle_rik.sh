# SPDX-License-Identifier: MIT
# Replacement in kind through the acsa command: one order settled by partial returns and their
# acceptance, then closed; another that misses its 365-day deadline, is converted to a cash
# obligation by convert-overdue and paid.

. "$(dirname "$0")/lib.sh"

setup_india_japan

# Raises a rik order from India to Japan on the given date: 2000 l of diesel at 150 JPY and
# 40 kg of rations at 2500 JPY, 400,000 JPY in all. Prints the order number (in OUT).
create_rik_order() {
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka" \
        --need-by "$1" --method rik --by "Lt Iyer" --date "$1" \
        --line "category=pol,desc=Diesel fuel marine,qty=2000,unit=l,price=150,currency=JPY" \
        --line "category=food,desc=Field rations,qty=40,unit=kg,price=2500,currency=JPY"
}

# Takes an order from draft to delivered: approval, acceptance, both lines issued and received
# in full on the given date.
deliver_order() {
    local order=$1 day=$2
    run_ok order submit "$order" --by "Lt Iyer" --date "$day"
    run_ok order approve "$order" --by "Cdr A. Rao" --date "$day"
    run_ok order accept "$order" --by "Capt K. Sato" --date "$day"
    run_ok order issue "$order" --line 1 --qty 2000 --by "PO Tanaka" --date "$day"
    run_ok order receive "$order" --line 1 --qty 2000 --by "CPO Das" --date "$day"
    run_ok order issue "$order" --line 2 --qty 40 --by "PO Tanaka" --date "$day"
    run_ok order receive "$order" --line 2 --qty 40 --by "CPO Das" --date "$day"
}

# ---- An order settled by returns in kind ---------------------------------------------------

test_case "create a rik order"
create_rik_order 2024-06-10
expect_exit 0
expect_stdout "IN-JP-2024-000001"
FIRST=$OUT

test_case "the rik order is approved, accepted and delivered"
deliver_order "$FIRST" 2024-06-12
run order show "$FIRST" --json
expect_json 'd["state"]' delivered
expect_json 'd["method"]' rik
expect_json 'd["delivered"]' 2024-06-12
expect_json 'd["received_value"]' 400000

test_case "a rik order falls due 365 days after delivery is complete"
run order show "$FIRST" --json
expect_json 'd["due"]' 2025-06-12
expect_json 'd["outstanding"]' 400000
expect_json 'd["cash_due"]' 0

test_case "the receipt records an obligation in kind, not in cash"
run balance --json
expect_exit 0
expect_json 'd[0]["partner"]' JP
expect_json 'd[0]["payable_kind"]' 400000
expect_json 'd[0]["payable_cash"]' 0
expect_json 'd[0]["net"]' -400000

test_case "the receipt postings carry the quantity in kind"
run order show "$FIRST" --json
expect_json '[p["quantity"] for e in d["events"] if e["step"] == "receive" for p in e["postings"] if p["account"] == "payable-kind"]' \
    '["-2000","-40"]'

test_case "a partial return of line 1 changes no balance until accepted"
run order return "$FIRST" --line 1 --qty 1200 --by "PO Kumar" --date 2024-09-01
expect_exit 0
expect_stdout ""
expect_stderr_contains "returned line 1, 1200 l by PO Kumar on 2024-09-01 (state delivered)"
run order show "$FIRST" --json
expect_json 'd["lines"][0]["returned"]' 1200
expect_json 'd["lines"][0]["return_accepted"]' 0
expect_json 'd["kind_settled"]' 0
run balance --json
expect_json 'd[0]["payable_kind"]' 400000

test_case "a partial acceptance of the return settles its value in kind"
run order accept-return "$FIRST" --line 1 --qty 1000 --by "Capt K. Sato" --date 2024-09-02
expect_exit 0
expect_stdout ""
expect_stderr_contains "return accepted line 1, 1000 l by Capt K. Sato on 2024-09-02 (state delivered)"
run order show "$FIRST" --json
expect_json 'd["lines"][0]["return_accepted"]' 1000
expect_json 'd["kind_settled"]' 150000
expect_json 'd["outstanding"]' 250000
run balance --json
expect_json 'd[0]["payable_kind"]' 250000

expect_refused "accepting more than was returned is refused" 1 \
    "qty: accepting 201 l on line 1 would exceed the 1200 returned (1000 already)" \
    order accept-return "$FIRST" --line 1 --qty 201 --by "Capt K. Sato" --date 2024-09-03

test_case "the rest of line 1 is returned and accepted"
run_ok order return "$FIRST" --line 1 --qty 800 --by "PO Kumar" --date 2024-09-03
run_ok order accept-return "$FIRST" --line 1 --qty 1000 --by "Capt K. Sato" --date 2024-09-04
run order show "$FIRST" --json
expect_json 'd["state"]' delivered
expect_json 'd["lines"][0]["return_accepted"]' 2000
expect_json 'd["outstanding"]' 100000

expect_refused "returning more than was received is refused" 1 \
    "qty: returning 41 kg on line 2 would exceed the 40 received (0 already)" \
    order return "$FIRST" --line 2 --qty 41 --by "PO Kumar" --date 2024-09-05

test_case "line 2 is returned in two parts and accepted: the order is settled"
run_ok order return "$FIRST" --line 2 --qty 15 --by "PO Kumar" --date 2024-09-05
run_ok order return "$FIRST" --line 2 --qty 25 --by "PO Kumar" --date 2024-09-06
run order accept-return "$FIRST" --line 2 --qty 40 --by "Capt K. Sato" --date 2024-09-07
expect_exit 0
expect_stderr_contains "(state settled)"
run order show "$FIRST" --json
expect_json 'd["state"]' settled
expect_json 'd["kind_settled"]' 400000
expect_json 'd["outstanding"]' 0
expect_json 'd["paid"]' 0

test_case "nothing is owed in kind once every return is accepted"
run balance --json
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["net"]' 0

test_case "the settled rik order is never overdue"
run overdue --as-of 2025-06-13 --json
expect_exit 0
expect_json 'd["orders"]' '[]'

test_case "close the settled rik order"
run order close "$FIRST" --by "Cdr A. Rao" --date 2024-09-08
expect_exit 0
expect_stderr_contains "(state closed)"
run order show "$FIRST" --json
expect_json 'd["state"]' closed
expect_json '[e["step"] for e in d["events"]].count("accept-return")' 3
expect_json '[e["step"] for e in d["events"]].count("return")' 4

# ---- An order that misses its deadline ------------------------------------------------------

test_case "create a second rik order"
create_rik_order 2024-06-15
expect_exit 0
expect_stdout "IN-JP-2024-000002"
SECOND=$OUT

test_case "the second order is delivered: due a year later"
deliver_order "$SECOND" 2024-06-16
run order show "$SECOND" --json
expect_json 'd["state"]' delivered
expect_json 'd["due"]' 2025-06-16

test_case "a return of part of line 1 is accepted before the deadline"
run_ok order return "$SECOND" --line 1 --qty 500 --by "PO Kumar" --date 2024-10-01
run_ok order accept-return "$SECOND" --line 1 --qty 500 --by "Capt K. Sato" --date 2024-10-02
run order show "$SECOND" --json
expect_json 'd["kind_settled"]' 75000
expect_json 'd["outstanding"]' 325000

test_case "not overdue on its deadline"
run overdue --as-of 2025-06-16 --json
expect_json 'd["orders"]' '[]'

test_case "overdue the day after its deadline, for the value not yet returned"
run overdue --as-of 2025-06-17 --json
expect_json '[o["number"] for o in d["orders"]]' "[\"$SECOND\"]"
expect_json 'd["orders"][0]["method"]' rik
expect_json 'd["orders"][0]["state"]' delivered
expect_json 'd["orders"][0]["days_overdue"]' 1
expect_json 'd["orders"][0]["outstanding"]' 325000

test_case "convert-overdue on the deadline converts nothing and changes nothing"
db_snapshot "$DB"
run convert-overdue --as-of 2025-06-16 --by "Cdr A. Rao"
expect_exit 0
expect_stdout ""
expect_stderr_contains "converted 0 overdue in-kind obligations to cash as of 2025-06-16"
expect_db_data_unchanged

test_case "convert-overdue after the deadline prints the converted order number"
run convert-overdue --as-of 2025-06-17 --by "Cdr A. Rao"
expect_exit 0
expect_stdout "$SECOND"
expect_stderr_contains "converted 1 overdue in-kind obligation to cash as of 2025-06-17"

test_case "the converted order is a cash obligation for the remaining value, due 30 days on"
run order show "$SECOND" --json
expect_json 'd["state"]' invoiced
expect_json 'd["converted"]' true
expect_json 'd["cash_due"]' 325000
expect_json 'd["outstanding"]' 325000
expect_json 'd["due"]' 2025-07-17
expect_json 'd["events"][-1]["step"]' convert
expect_json 'd["events"][-1]["actor"]' "Cdr A. Rao"
expect_json 'd["events"][-1]["amount"]' 325000

test_case "the balance moves the obligation from kind to cash"
run balance --json
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["payable_cash"]' 325000
expect_json 'd[0]["net"]' -325000

test_case "a converted order is no longer overdue until its cash deadline"
run overdue --as-of 2025-06-18 --json
expect_json 'd["orders"]' '[]'
run overdue --as-of 2025-07-18 --json
expect_json '[o["number"] for o in d["orders"]]' "[\"$SECOND\"]"

test_case "convert-overdue again converts nothing and changes nothing"
db_snapshot "$DB"
run convert-overdue --as-of 2025-12-31 --by "Cdr A. Rao"
expect_exit 0
expect_stdout ""
expect_stderr_contains "converted 0"
expect_db_data_unchanged

expect_refused "a converted order takes no more returns" 1 \
    "state: cannot return order $SECOND in state invoiced (return needs delivered)" \
    order return "$SECOND" --line 2 --qty 1 --by "PO Kumar" --date 2025-06-20

test_case "the converted order is paid in cash and settled"
run order pay "$SECOND" --amount 325000 --currency JPY --by "Lt Cdr Menon" --date 2025-07-01
expect_exit 0
expect_stderr_contains "paid 325000 JPY by Lt Cdr Menon on 2025-07-01 (state settled)"
run order show "$SECOND" --json
expect_json 'd["state"]' settled
expect_json 'd["paid"]' 325000
expect_json 'd["outstanding"]' 0

test_case "after payment nothing is owed in cash or in kind"
run balance --json
expect_json 'd[0]["payable_cash"]' 0
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["net"]' 0
run overdue --as-of 2025-12-31 --json
expect_json 'd["orders"]' '[]'

test_case "the paid order is closed"
run order close "$SECOND" --by "Cdr A. Rao" --date 2025-07-02
expect_exit 0
run order list --state closed --json
expect_json '[o["number"] for o in d]' "[\"$FIRST\",\"$SECOND\"]"

test_case "every event of both orders balances to zero"
for order in "$FIRST" "$SECOND"; do
    run order show "$order" --json
    expect_json 'all(sum(int(p["amount"]) for p in e["postings"]) == 0 for e in d["events"])' true
done

finish
