# SPDX-License-Identifier: MIT
# A cash order from draft to closed through the acsa command on a real database: deliveries
# and receipts in parts, invoice, partial and full payment, with the order, the balance and
# the overdue report checked after each key step.

. "$(dirname "$0")/lib.sh"

setup_india_japan

test_case "agreement show --json has the terms the orders are checked against"
run agreement show IN-JP-2020 --json
expect_exit 0
expect_json 'd["parties"]' '["IN","JP"]'
expect_json 'd["excluded"]' '["weapons","ammunition"]'
expect_json 'len(d["categories"])' 15
expect_json '[m["method"] + ":" + str(m["due_days"]) for m in d["methods"]]' '["cash:30","rik:365","eve:365"]'
expect_json '[c["code"] for c in d["currencies"]]' '["JPY","INR","USD"]'
expect_json '[b["label"] for b in d["ageing_buckets"]]' '["0-30","31-90","91-365",">365"]'

# India asks Japan for marine diesel and water during JIMEX: 1,800,000 + 80,000 JPY.
test_case "order create prints only the order number"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=12000,unit=l,price=150,currency=JPY" \
    --line "category=water,desc=Potable water,qty=40000,unit=l,price=2,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-2024-000001"
expect_single_line
ORDER=$OUT

test_case "a new order is a draft with its value, lines and one create event"
run order show "$ORDER" --json
expect_exit 0
expect_json 'd["state"]' draft
expect_json 'd["method"]' cash
expect_json 'd["currency"]' JPY
expect_json 'd["value"]' 1880000
expect_json 'd["outstanding"]' 0
expect_json '[l["value"] for l in d["lines"]]' '["1800000","80000"]'
expect_json '[e["step"] for e in d["events"]]' '["create"]'
expect_json 'd["events"][0]["actor"]' "Lt Iyer"
expect_json 'd["events"][0]["line"]' null
expect_json 'd["events"][0]["quantity"]' null
expect_json 'd["events"][0]["postings"]' '[]'
expect_json 'd["requester_unit"]["name"]' "Indian Navy"
expect_json 'd["supplier_unit"]["name"]' JMSDF
expect_json 'd["need_by"]' 2024-06-12

test_case "a second order gets the next number"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=food,desc=Fresh rations,qty=10,unit=kg,price=900,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-2024-000002"
SPARE=$OUT

test_case "the second order is cancelled while still a draft"
run order cancel "$SPARE" --by "Lt Iyer" --date 2024-06-10 --reason "raised twice"
expect_exit 0
expect_stdout ""

test_case "order submit prints nothing on stdout and confirms on stderr"
run order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
expect_exit 0
expect_stdout ""
expect_stderr_contains "$ORDER: submitted by Lt Iyer on 2024-06-10 (state submitted)"

test_case "order approve by the Indian official within his limit"
run order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
expect_exit 0
expect_stdout ""
expect_stderr_contains "(state approved)"

test_case "order accept by the Japanese official"
run order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
expect_exit 0
expect_stdout ""
expect_stderr_contains "(state accepted)"

test_case "defect 13: an accepted, undelivered order appears as committed in the balance"
run balance --json
expect_exit 0
expect_json 'len(d)' 1
expect_json 'd[0]["committed_payable_cash"]' 1880000
expect_json 'd[0]["committed_receivable_cash"]' 0
expect_json 'd[0]["payable_cash"]' 0
expect_json 'd[0]["net"]' 0

test_case "issue part of line 1: the order is delivering"
run order issue "$ORDER" --line 1 --qty 8000 --by "PO Tanaka" --date 2024-06-12
expect_exit 0
expect_stdout ""
expect_stderr_contains "issued line 1, 8000 l by PO Tanaka on 2024-06-12 (state delivering)"

test_case "receive what was issued on line 1"
run order receive "$ORDER" --line 1 --qty 8000 --by "CPO Das" --date 2024-06-12
expect_exit 0
expect_stderr_contains "(state delivering)"

test_case "the receipt records a payable to JP at once, in cash, for its value"
run balance --json
expect_exit 0
expect_json 'len(d)' 1
expect_json 'd[0]["partner"]' JP
expect_json 'd[0]["currency"]' JPY
expect_json 'd[0]["payable_cash"]' 1200000
expect_json 'd[0]["payable_kind"]' 0
expect_json 'd[0]["receivable_cash"]' 0
expect_json 'd[0]["net"]' -1200000
expect_json 'd[0]["committed_payable_cash"]' 680000

test_case "issue and receive the rest of line 1"
run_ok order issue "$ORDER" --line 1 --qty 4000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 1 --qty 4000 --by "CPO Das" --date 2024-06-12
run order show "$ORDER" --json
expect_json 'd["state"]' delivering
expect_json 'd["lines"][0]["issued"]' 12000
expect_json 'd["lines"][0]["received"]' 12000
expect_json 'd["received_value"]' 1800000

test_case "issue line 2 in full and receive it in two parts"
run_ok order issue "$ORDER" --line 2 --qty 40000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 2 --qty 30000 --by "CPO Das" --date 2024-06-12
run order show "$ORDER" --json
expect_json 'd["state"]' delivering
expect_json 'd["lines"][1]["received"]' 30000
expect_json 'd["lines"][1]["received_value"]' 60000

test_case "the last receipt completes delivery"
run order receive "$ORDER" --line 2 --qty 10000 --by "CPO Das" --date 2024-06-13
expect_exit 0
expect_stderr_contains "(state delivered)"
run order show "$ORDER" --json
expect_json 'd["state"]' delivered
expect_json 'd["delivered"]' 2024-06-13
expect_json 'd["received_value"]' 1880000
expect_json 'd["due"]' null

test_case "order list --state delivered lists the order"
run order list --state delivered --json
expect_exit 0
expect_json '[o["number"] for o in d]' "[\"$ORDER\"]"

test_case "balance shows the full payable once delivered"
run balance --partner JP --json
expect_exit 0
expect_json 'd[0]["payable_cash"]' 1880000
expect_json 'd[0]["committed_payable_cash"]' 0
expect_json 'd[0]["settled_payable"]' 0

test_case "invoice the received quantities: due 30 days after the invoice"
run order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-20
expect_exit 0
expect_stdout ""
expect_stderr_contains "invoiced 1880000 JPY as JP-INV-IN-2024-000001 by Capt K. Sato on 2024-06-20 (state invoiced)"
run order show "$ORDER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["invoiced"]' 2024-06-20
expect_json 'd["due"]' 2024-07-20
expect_json 'd["cash_due"]' 1880000
expect_json 'd["outstanding"]' 1880000

test_case "not overdue on its due date"
run overdue --as-of 2024-07-20 --json
expect_exit 0
expect_json 'd["as_of"]' 2024-07-20
expect_json 'd["orders"]' '[]'

test_case "overdue the day after its due date, in the first ageing bucket"
run overdue --as-of 2024-07-21 --json
expect_exit 0
expect_json '[o["number"] for o in d["orders"]]' "[\"$ORDER\"]"
expect_json 'd["orders"][0]["days_overdue"]' 1
expect_json 'd["orders"][0]["bucket"]' 0-30
expect_json 'd["orders"][0]["outstanding"]' 1880000
expect_json 'd["totals"]' '[{"bucket":"0-30","currency":"JPY","orders":1,"outstanding":"1880000"}]'

test_case "overdue as a table names the order"
run overdue --as-of 2024-08-01
expect_exit 0
expect_stdout_contains "Overdue as of 2024-08-01"
expect_stdout_contains "$ORDER"

test_case "order list --overdue --as-of agrees with the overdue report"
run order list --overdue --as-of 2024-07-21 --json
expect_exit 0
expect_json '[o["number"] for o in d]' "[\"$ORDER\"]"
run order list --overdue --as-of 2024-07-20 --json
expect_json 'd' '[]'

test_case "a partial payment leaves the order invoiced with the rest outstanding"
run order pay "$ORDER" --amount 880000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-25
expect_exit 0
expect_stdout ""
expect_stderr_contains "paid 880000 JPY by Lt Cdr Menon on 2024-07-25 (state invoiced)"
run order show "$ORDER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["paid"]' 880000
expect_json 'd["outstanding"]' 1000000

test_case "the balance falls by the partial payment"
run balance --json
expect_json 'd[0]["payable_cash"]' 1000000
expect_json 'd[0]["net"]' -1000000
expect_json 'd[0]["settled_payable"]' 880000

test_case "still overdue, for the rest only"
run overdue --as-of 2024-08-01 --json
expect_json '[o["number"] for o in d["orders"]]' "[\"$ORDER\"]"
expect_json 'd["orders"][0]["outstanding"]' 1000000

test_case "the balance as of a date before the payment shows the full payable"
run balance --as-of 2024-07-24 --json
expect_exit 0
expect_json 'd[0]["payable_cash"]' 1880000

test_case "the full payment settles the order"
run order pay "$ORDER" --amount 1000000 --currency JPY --by "Lt Cdr Menon" --date 2024-08-02
expect_exit 0
expect_stderr_contains "(state settled)"
run order show "$ORDER" --json
expect_json 'd["state"]' settled
expect_json 'd["paid"]' 1880000
expect_json 'd["outstanding"]' 0

test_case "after payment nothing is owed to JP"
run balance --json
expect_exit 0
expect_json '[(b["partner"], b["payable_cash"], b["net"]) for b in d if b["payable_cash"] != "0"]' '[]'
expect_json 'all(b["net"] == "0" for b in d)' true
expect_json '[(b["committed_payable_cash"], b["settled_payable"]) for b in d]' '[["0","1880000"]]'

test_case "after payment the order is no longer overdue"
run overdue --as-of 2024-08-03 --json
expect_exit 0
expect_json 'd["orders"]' '[]'
expect_json 'd["totals"]' '[]'
run overdue --as-of 2024-08-03
expect_exit 0
expect_stdout_lacks "$ORDER"

test_case "close the settled order"
run order close "$ORDER" --by "Cdr A. Rao" --date 2024-08-03
expect_exit 0
expect_stdout ""
expect_stderr_contains "(state closed)"

test_case "the closed order keeps every event with its actor, in order"
run order show "$ORDER" --json
expect_exit 0
expect_json 'd["state"]' closed
expect_json '[e["step"] for e in d["events"]]' \
    '["create","submit","approve","accept","issue","receive","issue","receive","issue","receive","receive","invoice","pay","pay","close"]'
expect_json '[e["actor"] for e in d["events"] if e["step"] == "receive"]' \
    '["CPO Das","CPO Das","CPO Das","CPO Das"]'
expect_json 'd["events"][-1]["state_to"]' closed

test_case "receipt postings of a cash order carry the line and no quantity in kind"
run order show "$ORDER" --json
expect_json '[(p["account"], p["amount"], p["line"], p["quantity"]) for p in d["events"][5]["postings"]]' \
    '[["received","1200000",1,null],["payable-cash","-1200000",1,null],["committed","-1200000",1,null],["committed-payable-cash","1200000",1,null]]'
expect_json 'd["events"][5]["quantity"]' 8000

test_case "every event's postings balance to zero"
run order show "$ORDER" --json
expect_json 'all(sum(int(p["amount"]) for p in e["postings"]) == 0 for e in d["events"])' true
expect_json 'sum(int(p["amount"]) for e in d["events"] for p in e["postings"] if p["account"] == "payable-cash")' 0
expect_json 'sum(int(p["amount"]) for e in d["events"] for p in e["postings"] if p["account"] == "received")' 1880000

test_case "order show as text names the order, its state and its lines"
run order show "$ORDER"
expect_exit 0
expect_stdout_contains "$ORDER"
expect_stdout_contains "closed"
expect_stdout_contains "Diesel fuel marine"
expect_stdout_contains "Potable water"

test_case "order list filters by state"
run order list --state closed --json
expect_exit 0
expect_json '[o["number"] for o in d]' "[\"$ORDER\"]"
run order list --state cancelled --json
expect_json '[o["number"] for o in d]' "[\"$SPARE\"]"

test_case "order list filters by agreement, activity and partner"
run order list --agreement IN-JP-2020 --json
expect_json 'len(d)' 2
run order list --activity "$JIMEX" --json
expect_json 'len(d)' 2
run order list --partner JP --json
expect_json 'len(d)' 2
run order list --partner FR --json
expect_json 'd' '[]'

test_case "order list as a table has one row per order"
run order list
expect_exit 0
expect_stdout_contains "$ORDER"
expect_stdout_contains "$SPARE"

test_case "the database default comes from ACSA_DB"
ACSA_DB=$DB run_raw order list --state closed --json
expect_exit 0
expect_json '[o["number"] for o in d]' "[\"$ORDER\"]"

test_case "--db may also follow the verb"
run_raw order list --state closed --json --db "$DB"
expect_exit 0
expect_json '[o["number"] for o in d]' "[\"$ORDER\"]"

# Ten orders raised at once, in a new year: each gets its own number, and the numbers of the
# year run from 1 without a gap. They cite an activity of that year (an order's date lies within
# its activity's dates, widened by the agreement's planning_days_before and days_after).
run_ok activity add --agreement IN-JP-2020 --name "JIMEX 2025" --type bilateral-training \
    --from 2025-01-10 --to 2025-01-30 --place Yokosuka
JIMEX25=$OUT
test_case "orders raised at the same time get distinct numbers in a new yearly sequence"
pids=()
for i in 1 2 3 4 5 6 7 8 9 10; do
    "$ACSA_BIN" --db "$DB" order create --agreement IN-JP-2020 --requester IN --supplier JP \
        --activity "$JIMEX25" --method cash --by "Lt Iyer" --date 2025-01-05 \
        --backdate-reason "replayed from the exercise records" \
        --line "category=water,desc=Potable water,qty=$i,unit=l,price=2,currency=JPY" \
        >"$TEST_DIR/parallel.$i.out" 2>"$TEST_DIR/parallel.$i.err" &
    pids+=("$!")
done
for pid in "${pids[@]}"; do
    if ! wait "$pid"; then
        fail "a parallel order create failed: $(cat "$TEST_DIR"/parallel.*.err)"
    fi
done
numbers=$(cat "$TEST_DIR"/parallel.*.out | sort | tr '\n' ' ')
expected=""
for i in 01 02 03 04 05 06 07 08 09 10; do
    expected="${expected}IN-JP-2025-0000$i "
done
if [ "$numbers" != "$expected" ]; then
    fail "expected the numbers $expected, got: $numbers"
fi
run order list --json
expect_json 'len(d)' 12

finish
