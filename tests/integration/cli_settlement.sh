# SPDX-License-Identifier: MIT
# Settlement through the acsa command: a JPY order invoiced in numbered parts while it is
# delivered, paid oldest invoice first and by a named invoice, and settled by a payment in INR
# at a stated rate, with both amounts and the rate shown.

. "$(dirname "$0")/lib.sh"

setup_india_japan

test_case "a cash order in JPY is raised, approved and accepted"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=12000,unit=l,price=150,currency=JPY" \
    --line "category=water,desc=Potable water,qty=40000,unit=l,price=2,currency=JPY"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$ORDER" --line 1 --qty 12000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 1 --qty 12000 --by "CPO Das" --date 2024-06-12
run order show "$ORDER" --json
expect_json 'd["state"]' delivering

test_case "nothing receipted beyond what was received can be invoiced"
run order invoice "$ORDER" --line 2 --qty 1 --by "Capt K. Sato" --date 2024-06-13
expect_exit 1
expect_stderr_contains "qty: invoicing 1 l on line 2 would exceed the 0 received"

test_case "defect 13: two partial invoices with their own numbers and due dates, payments applied oldest first and with --invoice"
run order invoice "$ORDER" --line 1 --qty 6000 --by "Capt K. Sato" --date 2024-06-13
expect_exit 0
expect_stderr_contains "invoiced 900000 JPY as JP-INV-IN-2024-000001"
expect_stderr_contains "(state delivering)"
run order invoice "$ORDER" --line 1 --qty 6000 --by "Capt K. Sato" --date 2024-06-14
expect_exit 0
expect_stderr_contains "as JP-INV-IN-2024-000002"
run order show "$ORDER" --json
expect_json '[i["number"] for i in d["invoices"]]' '["JP-INV-IN-2024-000001","JP-INV-IN-2024-000002"]'
expect_json '[i["due"] for i in d["invoices"]]' '["2024-07-13","2024-07-14"]'
expect_json '[i["amount"] for i in d["invoices"]]' '["900000","900000"]'
expect_json 'd["due"]' 2024-07-13
expect_json 'd["lines"][0]["invoiced"]' 12000
expect_json 'd["state"]' delivering
run order pay "$ORDER" --amount 300000 --currency JPY --by "Lt Cdr Menon" --date 2024-06-20
expect_exit 0
run order pay "$ORDER" --amount 900000 --currency JPY --invoice JP-INV-IN-2024-000002 \
    --by "Lt Cdr Menon" --date 2024-06-21
expect_exit 0
expect_stderr_contains "on JP-INV-IN-2024-000002"
run order show "$ORDER" --json
expect_json '[i["paid"] for i in d["invoices"]]' '["300000","900000"]'
expect_json 'd["due"]' 2024-07-13
expect_json 'd["events"][-1]["invoice"]' JP-INV-IN-2024-000002

test_case "a payment above what is open on the named invoice is refused"
run order pay "$ORDER" --amount 1 --currency JPY --invoice JP-INV-IN-2024-000002 \
    --by "Lt Cdr Menon" --date 2024-06-21
expect_exit 1
expect_stderr_contains "amount: payment exceeds the 0 JPY open on invoice JP-INV-IN-2024-000002"

test_case "the overdue report ages the oldest unpaid invoice"
run overdue --as-of 2024-07-14 --json
expect_exit 0
expect_json '[o["number"] for o in d["orders"]]' "[\"$ORDER\"]"
expect_json 'd["orders"][0]["days_overdue"]' 1

test_case "delivered and the rest invoiced: the order is invoiced"
run_ok order issue "$ORDER" --line 2 --qty 40000 --by "PO Tanaka" --date 2024-06-22
run_ok order receive "$ORDER" --line 2 --qty 40000 --by "CPO Das" --date 2024-06-22
run order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-23
expect_exit 0
expect_stderr_contains "invoiced 80000 JPY as JP-INV-IN-2024-000003"
expect_stderr_contains "(state invoiced)"
run order show "$ORDER" --json
expect_json 'd["outstanding"]' 680000

test_case "a payment at a rate needs its date and source"
run order pay "$ORDER" --amount 383098.59 --currency INR --rate 1.7750 \
    --by "Lt Cdr Menon" --date 2024-06-25
expect_exit 2
expect_stderr_contains "rate: a payment in INR of an order in JPY needs the rate, its date and its source"

test_case "rates are exact decimals: commas and exponents are refused"
run order pay "$ORDER" --amount 100 --currency INR --rate 1,775 --rate-date 2024-06-24 \
    --rate-source "RBI reference rate" --by "Lt Cdr Menon" --date 2024-06-25
expect_exit 2
expect_stderr_contains "rate: a rate is a plain positive decimal"
run order pay "$ORDER" --amount 100 --currency INR --rate 1.7e0 --rate-date 2024-06-24 \
    --rate-source "RBI reference rate" --by "Lt Cdr Menon" --date 2024-06-25
expect_exit 2

test_case "defect 13: a payment in INR of a JPY order at a stated rate settles it, both amounts and the rate shown"
run order pay "$ORDER" --amount 383098.59 --currency INR --rate 1.7750 --rate-date 2024-06-24 \
    --rate-source "RBI reference rate" --by "Lt Cdr Menon" --date 2024-06-25
expect_exit 0
expect_stderr_contains "paid 680000 JPY (383098.59 INR at 1.7750)"
expect_stderr_contains "(state settled)"
run order show "$ORDER" --json
expect_json 'd["state"]' settled
expect_json 'd["outstanding"]' 0
expect_json 'd["due"]' null
expect_json 'd["events"][-1]["amount"]' 680000
expect_json 'd["events"][-1]["currency"]' JPY
expect_json 'd["events"][-1]["payment"]["currency"]' INR
expect_json 'd["events"][-1]["payment"]["amount"]' 383098.59
expect_json 'd["events"][-1]["payment"]["rate"]' 1.7750
expect_json 'd["events"][-1]["payment"]["rate_date"]' 2024-06-24
expect_json 'd["events"][-1]["payment"]["rate_source"]' "RBI reference rate"
expect_json '[i["open"] for i in d["invoices"]]' '["0","0","0"]'
run order show "$ORDER"
expect_exit 0
expect_stdout_contains "paid 383098.59 INR at 1.7750 (rate of 2024-06-24, RBI reference rate)"
expect_stdout_contains "JP-INV-IN-2024-000003"

test_case "the ledger posts the payment in the order currency: nothing owed"
run balance --json
expect_exit 0
expect_json 'd[0]["payable_cash"]' 0

test_case "invoice numbers are never reused: a new order's invoice takes the next one"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=water,desc=Potable water,qty=10,unit=l,price=2,currency=JPY"
SECOND=$OUT
run_ok order submit "$SECOND" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$SECOND" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$SECOND" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$SECOND" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$SECOND" --line 1 --qty 10 --by "CPO Das" --date 2024-06-12
run order invoice "$SECOND" --by "Capt K. Sato" --date 2024-06-13
expect_exit 0
expect_stderr_contains "as JP-INV-IN-2024-000004"

finish
