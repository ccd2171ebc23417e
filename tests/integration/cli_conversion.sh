# SPDX-License-Identifier: MIT
# convert-overdue (defect 7): only obligations already past due on its as-of date, which may not
# be after today, convert; under an agreement whose rule is approval, only with the approval of
# an official of the creditor.

. "$(dirname "$0")/lib.sh"

test_case "an India-Japan node whose agreement converts only after approval"
APPROVAL="$TEST_DIR/india-japan-approval.json"
sed 's/"conversion": "automatic"/"conversion": "approval"/' \
    "$AGREEMENTS/india-japan-2020.json" >"$APPROVAL"
grep -q '"conversion": "approval"' "$APPROVAL" || fail "the fixture did not change"
run_ok init --nation IN --name "Indian Navy"
run_ok agreement load "$APPROVAL"
run_ok unit add --party IN --name "Indian Navy" --service navy
NAVY=$OUT
run_ok unit add --party JP --name "JMSDF" --service jmsdf
JMSDF=$OUT
run_ok official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
run_ok official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 50000000 --currency JPY
run_ok official add --party JP --name "Lt Cdr Mori" --title "Logistics Officer" --from 2000-01-01 --limit 1000 --currency JPY
run_ok activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX=$OUT
run_ok order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method rik --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel,qty=40000,unit=l,price=100,currency=JPY"
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$ORDER" --line 1 --qty 40000 --by "PO Kumar" --date 2024-06-11
run_ok order receive "$ORDER" --line 1 --qty 40000 --by "Lt Iyer" --date 2024-06-12
run order show "$ORDER" --json
DUE=$(json_value 'd["due"]')
[ -n "$DUE" ] || fail "the rik order has no due date"

test_case "defect 7: convert-overdue --as-of 2030-01-01 is refused: it is after today"
run convert-overdue --as-of 2030-01-01 --by "Capt K. Sato"
expect_exit 2
expect_stderr_contains "as-of: 2030-01-01 is after today"
run order show "$ORDER" --json
expect_json 'd["state"]' delivered

test_case "defect 7: an obligation not yet due on the as-of date is not converted"
run convert-overdue --as-of "$DUE" --by "Capt K. Sato"
expect_exit 0
expect_stderr_contains "converted 0 overdue"
run order show "$ORDER" --json
expect_json 'd["state"]' delivered

test_case "defect 7: under the approval rule, a --by that is not an official of the creditor is refused"
run convert-overdue --as-of 2025-07-01 --by "Lt Iyer"
expect_exit 1
expect_stderr_contains "by: \"Lt Iyer\" is not an authorised official of JP"
run convert-overdue --as-of 2025-07-01 --by "Cdr A. Rao"
expect_exit 1
expect_stderr_contains "is not an authorised official of JP"
run convert-overdue --as-of 2025-07-01 --by "Lt Cdr Mori"
expect_exit 1
expect_stderr_contains "order value 4000000 JPY exceeds the approval limit of Lt Cdr Mori"
run order show "$ORDER" --json
expect_json 'd["state"]' delivered

test_case "an official of the creditor approves the conversion, and is recorded as its approver"
run convert-overdue --as-of 2025-07-01 --by "Capt K. Sato"
expect_exit 0
expect_stderr_contains "converted 1 overdue"
run order show "$ORDER" --json
expect_json 'd["state"]' invoiced
expect_json 'd["events"][-1]["actor"]' "Capt K. Sato"

finish
