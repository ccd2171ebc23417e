# SPDX-License-Identifier: MIT
# Equal-value exchange of one order against several, across currencies: India's JPY order on
# Japan against two of Japan's INR orders on India, matched at a stated rate; the difference
# is owed in cash and paid.

. "$(dirname "$0")/lib.sh"

setup_india_japan

test_case "the officials also hold limits in INR"
run_ok official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 1000000 --currency INR
run_ok official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 1000000 --currency INR

test_case "India's eve order on Japan: 300,000 JPY of diesel, delivered"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method eve --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=2000,unit=l,price=150,currency=JPY"
expect_exit 0
LARGER=$OUT
run_ok order submit "$LARGER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$LARGER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$LARGER" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$LARGER" --line 1 --qty 2000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$LARGER" --line 1 --qty 2000 --by "CPO Das" --date 2024-06-12

# Japan's two orders on India, in INR: 50,000.00 and 80,000.00 INR.
reverse_order() { # desc qty price
    run order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX" \
        --requester-unit "$JMSDF" --supplier-unit "$NAVY" --place "Visakhapatnam" \
        --need-by 2024-06-14 --method eve --by "1Lt Mori" --date 2024-06-11 \
        --line "category=water,desc=$1,qty=$2,unit=l,price=$3,currency=INR"
    expect_exit 0
    local number=$OUT
    run_ok order submit "$number" --by "1Lt Mori" --date 2024-06-11
    run_ok order approve "$number" --by "Capt K. Sato" --date 2024-06-11
    run_ok order accept "$number" --by "Cdr A. Rao" --date 2024-06-11
    run_ok order issue "$number" --line 1 --qty "$2" --by "PO Kumar" --date 2024-06-13
    run_ok order receive "$number" --line 1 --qty "$2" --by "Sgt Ito" --date 2024-06-13
    OUT=$number
}

test_case "Japan's two eve orders on India, in INR, delivered"
reverse_order "Potable water" 50000 1.00
FIRST=$OUT
reverse_order "Water for the ship's tanks" 40000 2.00
SECOND=$OUT
run order show "$SECOND" --json
expect_json 'd["state"]' delivered
expect_json 'd["received_value"]' 80000.00

expect_refused "an exchange across currencies needs a stated rate" 2 \
    "rate: order $LARGER is in JPY and $FIRST in INR: an exchange across currencies needs" \
    order exchange "$LARGER" --with "$FIRST" --with "$SECOND" --by "Cdr A. Rao" \
    --date 2024-07-01

test_case "defect 13: an exchange of one order against two across currencies"
run order exchange "$LARGER" --with "$FIRST" --with "$SECOND" --rate 1.7750 \
    --rate-date 2024-06-30 --rate-source "agreed by both programme offices" \
    --by "Cdr A. Rao" --date 2024-07-01
expect_exit 0
expect_stderr_contains "exchanged with $FIRST, $SECOND"
# 50,000.00 INR x 1.7750 = 88,750 JPY; 80,000.00 INR x 1.7750 = 142,000 JPY.
run order show "$FIRST" --json
expect_json 'd["state"]' settled
expect_json 'd["kind_settled"]' 50000.00
expect_json 'd["events"][-1]["payment"]' null
run order show "$SECOND" --json
expect_json 'd["state"]' settled
expect_json 'd["kind_settled"]' 80000.00
run order show "$LARGER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["kind_settled"]' 230750
expect_json 'd["cash_due"]' 69250
expect_json '[e["step"] for e in d["events"]][-2:]' '["exchange","exchange"]'
expect_json '[e["amount"] for e in d["events"]][-2:]' '["88750","142000"]'

test_case "the exchange leaves every event balanced per currency and the rest owed in JPY"
run balance --json
expect_exit 0
expect_json '[(r["currency"], r["payable_cash"]) for r in d]' '[["INR","0.00"],["JPY","69250"]]'

test_case "the difference is paid in cash: every order of the exchange is settled"
run order pay "$LARGER" --amount 69250 --currency JPY --by "Lt Cdr Menon" --date 2024-07-05
expect_exit 0
expect_stderr_contains "(state settled)"

finish
