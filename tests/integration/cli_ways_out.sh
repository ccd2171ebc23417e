# SPDX-License-Identifier: MIT
# The ways out of an order through the acsa command: a dispute resolved (defect 1), a line
# closed short (defect 2), a receipt corrected, a draft amended (defect 8), a return refused in
# part (defect 11), and names compared without regard to case and spacing (defect 14).

. "$(dirname "$0")/lib.sh"

setup_india_japan

LINE_POL="category=pol,desc=Diesel fuel marine,qty=40000,unit=l,price=100,currency=JPY"

# Creates an accepted order of method $1 with the lines given after it; sets ORDER.
accepted_order() {
    method=$1
    shift
    args=()
    for spec in "$@"; do
        args+=(--line "$spec")
    done
    run_ok order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
        --need-by 2024-06-12 --method "$method" --by "Lt Iyer" --date 2024-06-10 "${args[@]}"
    ORDER=$OUT
    run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
    run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
    run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
}

# ---- defect 1: a dispute is resolved -------------------------------------------------------

test_case "defect 1: a disputed order is resolved and goes on to settle and close"
accepted_order cash "$LINE_POL"
run_ok order issue "$ORDER" --line 1 --qty 40000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 40000 --by "Lt Iyer" --date 2024-06-12
run_ok order dispute "$ORDER" --by "Lt Iyer" --date 2024-06-13 --reason "fuel off-spec"
# Steps that commute with a dispute go on under it; closing the order does not.
run order close "$ORDER" --by "Lt Iyer" --date 2024-06-14
expect_exit 1
expect_stderr_contains "in state disputed"
run order show "$ORDER"
expect_stdout_matches "Disputed by"
run order resolve "$ORDER" --by "Lt Iyer" --date 2024-06-15 --reason "retested, in spec"
expect_exit 1
expect_stderr_contains "not an authorised official of IN"
run order resolve "$ORDER" --by "Cdr A. Rao" --date 2024-06-15
expect_exit 2
expect_stderr_contains "reason: resolve needs a stated reason"
run order resolve "$ORDER" --by "Cdr A. Rao" --date 2024-06-15 --reason "retested, in spec"
expect_exit 0
expect_stderr_contains "resolved by Cdr A. Rao on 2024-06-15 (state delivered)"
run_ok order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-16
run_ok order pay "$ORDER" --amount 4000000 --currency JPY --by "Cdr A. Rao" --date 2024-06-20
run_ok order close "$ORDER" --by "Lt Iyer" --date 2024-06-21
run order show "$ORDER" --json
expect_json 'd["state"]' closed
expect_json '[e["step"] for e in d["events"]][-5:]' '["dispute","resolve","invoice","pay","close"]'

test_case "defect 1: a disputed in-kind order is listed apart and converts after resolve"
accepted_order rik "$LINE_POL"
RIK=$ORDER
run_ok order issue "$RIK" --line 1 --qty 40000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$RIK" --line 1 --qty 40000 --by "Lt Iyer" --date 2024-06-12
run_ok order dispute "$RIK" --by "Lt Iyer" --date 2024-06-13 --reason "quantity disputed"
run overdue --as-of 2025-07-01 --json
expect_exit 0
expect_json '[o["number"] for o in d["orders"]]' '[]'
expect_json '[o["number"] for o in d["disputed"]]' "[\"$RIK\"]"
run convert-overdue --as-of 2025-07-01 --by "Capt K. Sato"
expect_exit 0
expect_stderr_contains "converted 0 overdue"
run_ok order resolve "$RIK" --by "Cdr A. Rao" --date 2025-06-20 --reason "agreed"
run overdue --as-of 2025-07-01 --json
expect_json '[o["number"] for o in d["orders"]]' "[\"$RIK\"]"
expect_json 'd["disputed"]' '[]'
run convert-overdue --as-of 2025-07-01 --by "Capt K. Sato"
expect_exit 0
expect_stderr_contains "converted 1 overdue"
run order show "$RIK" --json
expect_json 'd["state"]' invoiced

# ---- defect 2: a line closed short ---------------------------------------------------------

test_case "defect 2: a line received short can be closed and the order invoiced"
accepted_order cash "$LINE_POL"
run_ok order issue "$ORDER" --line 1 --qty 40000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 39000 --by "Lt Iyer" --date 2024-06-12
run order close-line "$ORDER" --line 1 --by "Lt Iyer" --date 2024-06-13
expect_exit 2
expect_stderr_contains "reason: close-line needs a stated reason"
run order close-line "$ORDER" --line 1 --by "Lt Iyer" --date 2024-06-13 --reason "1,000 l lost"
expect_exit 0
expect_stderr_contains "line closed line 1 by Lt Iyer on 2024-06-13 (state delivered)"
run order receive "$ORDER" --line 1 --qty 1000 --by "Lt Iyer" --date 2024-06-13
expect_exit 1
expect_stderr_contains "in state delivered"
run order show "$ORDER"
expect_stdout_contains "line 1"
expect_stdout_matches "Closed short"
run_ok order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-14
run order show "$ORDER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["cash_due"]' 3900000
run_ok order pay "$ORDER" --amount 3900000 --currency JPY --by "Cdr A. Rao" --date 2024-06-20
run_ok order close "$ORDER" --by "Lt Iyer" --date 2024-06-21

test_case "defect 2: a line issued 60 of 100 is closed and the order settles and closes"
accepted_order cash "category=food,desc=Rations,qty=100,unit=kg,price=900,currency=JPY"
run_ok order issue "$ORDER" --line 1 --qty 60 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 60 --by "Lt Iyer" --date 2024-06-12
run_ok order close-line "$ORDER" --line 1 --by "Capt K. Sato" --date 2024-06-12 \
    --reason "no more stock"
run_ok order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-13
run_ok order pay "$ORDER" --amount 54000 --currency JPY --by "Cdr A. Rao" --date 2024-06-20
run_ok order close "$ORDER" --by "Lt Iyer" --date 2024-06-21
run order show "$ORDER" --json
expect_json 'd["state"]' closed

# ---- correct ------------------------------------------------------------------------------

test_case "a receipt corrected down moves delivered back to delivering, posting the difference"
accepted_order cash "$LINE_POL"
run_ok order issue "$ORDER" --line 1 --qty 40000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 40000 --by "Lt Iyer" --date 2024-06-12
run order correct "$ORDER" --line 1 --step receive --qty 39500 --by "Lt Iyer" \
    --date 2024-06-13 --reason "meter misread"
expect_exit 0
expect_stderr_contains "(state delivering)"
run order show "$ORDER" --json
expect_json 'd["lines"][0]["received"]' 39500
expect_json 'd["events"][-1]["postings"][0]["amount"]' -50000
run order correct "$ORDER" --line 1 --step receive --qty 40001 --by "Lt Iyer" \
    --date 2024-06-13 --reason "too much"
expect_exit 1
expect_stderr_contains "would exceed the 40000 issued"
run order correct "$ORDER" --line 1 --step issue --qty 39000 --by "PO Kumar" \
    --date 2024-06-13 --reason "below receipts"
expect_exit 1
expect_stderr_contains "would fall below the 39500 received"
run order correct "$ORDER" --line 1 --step delivery --qty 1 --by "PO Kumar" --reason "x"
expect_exit 2
run_ok order correct "$ORDER" --line 1 --step receive --qty 40000 --by "Lt Iyer" \
    --date 2024-06-14 --reason "recounted"
run order show "$ORDER" --json
expect_json 'd["state"]' delivered

# ---- defect 8: a draft completed by amend -------------------------------------------------

test_case "defect 8: a draft without units, place and need-by is completed by amend"
run_ok order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$LINE_POL"
DRAFT=$OUT
run order submit "$DRAFT" --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "needs the requesting unit"
run order amend "$DRAFT" --requester-unit "$JMSDF" --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "belongs to JP, not IN"
run order amend "$DRAFT" --requester-unit "$NAVY" --supplier-unit "$JMSDF" \
    --place "Yokosuka berth 4" --need-by 2024-06-12 \
    --add-line "category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY" \
    --by "Lt Iyer" --date 2024-06-10
expect_exit 0
run order amend "$DRAFT" --add-line "category=weapons,desc=Rifles,qty=1,unit=ea,price=2,currency=JPY" \
    --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "excluded"
run order amend "$DRAFT" --remove-line 1 --remove-line 2 --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "at least one line"
run_ok order amend "$DRAFT" --remove-line 2 --by "Lt Iyer" --date 2024-06-10
run order submit "$DRAFT" --by "Lt Iyer" --date 2024-06-10
expect_exit 0
run order show "$DRAFT" --json
expect_json 'd["state"]' submitted
expect_json 'd["place"]' "Yokosuka berth 4"
expect_json 'len(d["lines"])' 1
run order amend "$DRAFT" --place "Kochi" --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "in state submitted"

# ---- defect 11: a return refused in part ---------------------------------------------------

test_case "defect 11: part of a return is rejected, returned again and accepted"
accepted_order rik "category=pol,desc=Diesel fuel marine,qty=50000,unit=l,price=50,currency=JPY"
run_ok order issue "$ORDER" --line 1 --qty 50000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 50000 --by "Lt Iyer" --date 2024-06-12
run_ok order return "$ORDER" --line 1 --qty 50000 --by "Lt Iyer" --date 2024-07-01
run_ok order accept-return "$ORDER" --line 1 --qty 45000 --by "Capt K. Sato" --date 2024-07-02
run order reject-return "$ORDER" --line 1 --qty 5001 --by "Capt K. Sato" --date 2024-07-02 \
    --reason "contaminated"
expect_exit 1
run order reject-return "$ORDER" --line 1 --qty 5000 --by "Capt K. Sato" --date 2024-07-02 \
    --reason "contaminated"
expect_exit 0
run order show "$ORDER" --json
expect_json 'd["lines"][0]["returned"]' 45000
run_ok order return "$ORDER" --line 1 --qty 5000 --by "Lt Iyer" --date 2024-07-05
run_ok order accept-return "$ORDER" --line 1 --qty 5000 --by "Capt K. Sato" --date 2024-07-06
run order show "$ORDER" --json
expect_json 'd["state"]' settled

# ---- defect 14: names compared folded -----------------------------------------------------

test_case "defect 14: names differing only in case, spacing or width are one person"
accepted_order cash "$LINE_POL"
run_ok order issue "$ORDER" --line 1 --qty 100 --by "CPO Das" --date 2024-06-11
for name in "cpo das" "CPO  Das" " CPO Das " "ＣＰＯ Ｄａｓ"; do
    run order receive "$ORDER" --line 1 --qty 100 --by "$name" --date 2024-06-12
    expect_exit 1
    expect_stderr_contains "separation of duties"
done
run order receive "$ORDER" --line 1 --qty 100 --by "CPO Dass" --date 2024-06-12
expect_exit 0

finish
