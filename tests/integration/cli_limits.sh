# SPDX-License-Identifier: MIT
# The named limits of a line's and an order's value (defect 10): what once overflowed every
# report is refused at entry, and orders at the limit sum exactly in the balance and overdue
# reports, which never stop part-way.

. "$(dirname "$0")/lib.sh"

setup_india_japan

# A received cash order of value $1 JPY (one line, 1,000,000 JPY a litre); sets ORDER.
received_order() {
    litres=$1
    run_ok order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
        --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
        --line "category=pol,desc=Diesel,qty=$litres,unit=l,price=1000000,currency=JPY"
    ORDER=$OUT
    run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
    run_ok official add --party IN --name "Adm B. Singh" --title "Logistics Officer" --from 2000-01-01 --limit 1000000000000000 --currency JPY
    run_ok order approve "$ORDER" --by "Adm B. Singh" --date 2024-06-10
    run_ok official add --party JP --name "Adm T. Ito" --title "Logistics Officer" --from 2000-01-01 --limit 1000000000000000 --currency JPY
    run_ok order accept "$ORDER" --by "Adm T. Ito" --date 2024-06-11
    run_ok order issue "$ORDER" --line 1 --qty "$litres" --by "PO Kumar" --date 2024-06-11
    run_ok order receive "$ORDER" --line 1 --qty "$litres" --by "Lt Iyer" --date 2024-06-12
}

test_case "defect 10: an order of 5,000,000,000,000 l at 1,000,000 JPY is refused at entry"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel,qty=5000000000000,unit=l,price=1000000,currency=JPY"
expect_exit 1
expect_stderr_contains "exceeds the largest value of a line, 1000000000000000 JPY"
expect_stderr_contains "ACSA_LINE_VALUE_MAX"

test_case "defect 10: three received orders at the limit sum exactly in the balance"
for i in 1 2 3; do
    received_order 1000000000
done
run balance --json
expect_exit 0
expect_json '[r["payable_cash"] for r in d]' \
    '["3000000000000000"]'

test_case "defect 10: the overdue report runs to the end over orders at the limit"
run overdue --as-of 2024-06-30 --json
expect_exit 0
expect_json 'len(d["orders"])' 0

finish
