# SPDX-License-Identifier: MIT
# Equal-value exchange through the acsa command: India and Japan each supply the other under
# eve orders, the two are matched, the smaller is settled in kind and the larger carries the
# difference as a cash obligation until it is paid.

. "$(dirname "$0")/lib.sh"

setup_india_japan

# ---- Two reciprocal orders ------------------------------------------------------------------

test_case "India raises an eve order on Japan (300,000 JPY of diesel)"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method eve --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=2000,unit=l,price=150,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-2024-000001"
LARGER=$OUT

test_case "Japan raises an eve order on India (200,000 JPY of water and berthing)"
run order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX" \
    --requester-unit "$JMSDF" --supplier-unit "$NAVY" --place "Visakhapatnam" \
    --need-by 2024-06-14 --method eve --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=50000,unit=l,price=2,currency=JPY" \
    --line "category=airport-seaport,desc=Berthing,qty=2,unit=day,price=50000,currency=JPY"
expect_exit 0
expect_stdout "JP-IN-2024-M00001"
SMALLER=$OUT

test_case "India's order: approved by India, accepted by Japan"
run_ok order submit "$LARGER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$LARGER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$LARGER" --by "Capt K. Sato" --date 2024-06-11
run order show "$LARGER" --json
expect_json 'd["state"]' accepted

test_case "Japan's order is submitted"
run_ok order submit "$SMALLER" --by "1Lt Mori" --date 2024-06-11

expect_refused "Japan's order may not be approved by an Indian official" 1 \
    "by: \"Cdr A. Rao\" is not an authorised official of JP, who must approve order $SMALLER" \
    order approve "$SMALLER" --by "Cdr A. Rao" --date 2024-06-11

test_case "Japan's order: approved by Japan, accepted by India"
run_ok order approve "$SMALLER" --by "Capt K. Sato" --date 2024-06-11
run_ok order accept "$SMALLER" --by "Cdr A. Rao" --date 2024-06-11
run order show "$SMALLER" --json
expect_json 'd["state"]' accepted

test_case "Japan delivers India's order"
run_ok order issue "$LARGER" --line 1 --qty 2000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$LARGER" --line 1 --qty 2000 --by "CPO Das" --date 2024-06-12
run order show "$LARGER" --json
expect_json 'd["state"]' delivered
expect_json 'd["due"]' 2025-06-12

expect_refused "an order cannot be exchanged with itself" 1 \
    "with: an order cannot be exchanged with itself" \
    order exchange "$LARGER" --with "$LARGER" --by "Cdr A. Rao" --date 2024-06-20

expect_refused "an exchange needs the other order delivered" 1 \
    "state: cannot exchange order $SMALLER in state accepted (exchange needs delivered)" \
    order exchange "$LARGER" --with "$SMALLER" --by "Cdr A. Rao" --date 2024-06-20

expect_refused "an exchange with an unknown order is not found" 3 \
    "JP-IN-2024-000099" \
    order exchange "$LARGER" --with JP-IN-2024-000099 --by "Cdr A. Rao" --date 2024-06-20

test_case "India delivers Japan's order"
run_ok order issue "$SMALLER" --line 1 --qty 50000 --by "PO Kumar" --date 2024-06-13
run_ok order receive "$SMALLER" --line 1 --qty 50000 --by "Sgt Ito" --date 2024-06-13
run_ok order issue "$SMALLER" --line 2 --qty 2 --by "PO Kumar" --date 2024-06-14
run_ok order receive "$SMALLER" --line 2 --qty 2 --by "Sgt Ito" --date 2024-06-14
run order show "$SMALLER" --json
expect_json 'd["state"]' delivered
expect_json 'd["received_value"]' 200000

test_case "both obligations are in kind: owed to Japan and owed by Japan"
run balance --json
expect_exit 0
expect_json 'len(d)' 1
expect_json 'd[0]["payable_kind"]' 300000
expect_json 'd[0]["receivable_kind"]' 200000
expect_json 'd[0]["payable_cash"]' 0
expect_json 'd[0]["receivable_cash"]' 0
expect_json 'd[0]["net"]' -100000

test_case "what India supplies is a receivable on the supplier side of the ledger"
run order show "$SMALLER" --json
expect_json '[p["account"] for e in d["events"] if e["step"] == "receive" for p in e["postings"]]' \
    '["receivable-kind","supplied","receivable-kind","supplied"]'

# ---- The exchange ----------------------------------------------------------------------------

test_case "exchange matches the two orders and confirms on stderr"
run order exchange "$LARGER" --with "$SMALLER" --by "Cdr A. Rao" --date 2024-07-01
expect_exit 0
expect_stdout ""
expect_stderr_contains "$LARGER: exchanged with $SMALLER by Cdr A. Rao on 2024-07-01"

test_case "the smaller order is settled in full by the exchange"
run order show "$SMALLER" --json
expect_json 'd["state"]' settled
expect_json 'd["exchanged_with"]' "$LARGER"
expect_json 'd["kind_settled"]' 200000
expect_json 'd["outstanding"]' 0
expect_json 'd["events"][-1]["step"]' exchange

test_case "the larger order owes the difference in cash, due 30 days after the exchange"
run order show "$LARGER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["exchanged_with"]' "$SMALLER"
expect_json 'd["kind_settled"]' 200000
expect_json 'd["cash_due"]' 100000
expect_json 'd["outstanding"]' 100000
expect_json 'd["due"]' 2024-07-31

test_case "after the exchange only the cash difference is on the balance"
run balance --json
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["receivable_kind"]' 0
expect_json 'd[0]["payable_cash"]' 100000
expect_json 'd[0]["net"]' -100000

test_case "the two exchange events clear the exchange account between them"
run order show "$LARGER" --json
EXCHANGED='sum(int(p["amount"]) for e in d["events"] if e["step"] == "exchange" for p in e["postings"] if p["account"] == "exchange")'
A=$(json_value "$EXCHANGED")
run order show "$SMALLER" --json
B=$(json_value "$EXCHANGED")
if [ "$((A + B))" -ne 0 ] || [ "$A" -eq 0 ]; then
    fail "exchange postings should be opposite and non-zero: $A and $B"
fi

expect_refused "the orders cannot be exchanged a second time" 1 \
    "state: cannot exchange order $LARGER in state invoiced (exchange needs delivered)" \
    order exchange "$LARGER" --with "$SMALLER" --by "Cdr A. Rao" --date 2024-07-02

expect_refused "the settled order cannot be exchanged again either" 1 \
    "state: cannot exchange order $SMALLER in state settled (exchange needs delivered)" \
    order exchange "$SMALLER" --with "$LARGER" --by "Cdr A. Rao" --date 2024-07-02

test_case "the difference is overdue after its cash deadline"
run overdue --as-of 2024-07-31 --json
expect_json 'd["orders"]' '[]'
run overdue --as-of 2024-08-01 --json
expect_json '[o["number"] for o in d["orders"]]' "[\"$LARGER\"]"
expect_json 'd["orders"][0]["outstanding"]' 100000

expect_refused "paying more than the difference is refused" 1 \
    "amount: payment exceeds the 100000 JPY outstanding on order $LARGER" \
    order pay "$LARGER" --amount 100001 --currency JPY --by "Lt Cdr Menon" --date 2024-07-20

test_case "the difference is paid in cash: the larger order is settled"
run order pay "$LARGER" --amount 100000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-20
expect_exit 0
expect_stderr_contains "paid 100000 JPY by Lt Cdr Menon on 2024-07-20 (state settled)"
run order show "$LARGER" --json
expect_json 'd["state"]' settled
expect_json 'd["paid"]' 100000
expect_json 'd["outstanding"]' 0

test_case "nothing is owed either way once the difference is paid"
run balance --json
expect_json 'd[0]["payable_cash"]' 0
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["receivable_kind"]' 0
expect_json 'd[0]["net"]' 0
run overdue --as-of 2025-12-31 --json
expect_json 'd["orders"]' '[]'

test_case "both orders are closed"
run_ok order close "$LARGER" --by "Cdr A. Rao" --date 2024-07-21
run_ok order close "$SMALLER" --by "Cdr A. Rao" --date 2024-07-21
run order list --state closed --json
expect_json 'sorted(o["number"] for o in d)' "[\"$LARGER\",\"$SMALLER\"]"

test_case "every event of both orders balances to zero"
for order in "$LARGER" "$SMALLER"; do
    run order show "$order" --json
    expect_json 'all(sum(int(p["amount"]) for p in e["postings"]) == 0 for e in d["events"])' true
done

finish
