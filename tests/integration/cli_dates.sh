# SPDX-License-Identifier: MIT
# The date rules through the acsa command: steps in order, no future dates, need-by, the
# activity window, back-entry with a reason, and no new order under an agreement that ended.

. "$(dirname "$0")/lib.sh"

setup_india_japan
BACKDATE_REASON= # This script says when it gives a back-entry reason.
R="replayed from the exercise records"

create() {
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka --method cash \
        --by "Lt Iyer" --line "category=water,desc=Potable water,qty=10,unit=l,price=2,currency=JPY" \
        "$@"
}

test_case "defect 3: approve before submit is refused"
create --date 2024-06-10 --need-by 2024-06-20 --backdate-reason "$R"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-12 --backdate-reason "$R"
run order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-11 --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "date: 2024-06-11 is before the order's previous step (2024-06-12)"

test_case "defect 3: receive before issue, invoice before receipt, pay before invoice are refused"
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-12 --backdate-reason "$R"
run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-12 --backdate-reason "$R"
run_ok order issue "$ORDER" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-14 --backdate-reason "$R"
run order receive "$ORDER" --line 1 --qty 10 --by "CPO Das" --date 2024-06-13 --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "before the order's previous step (2024-06-14)"
run_ok order receive "$ORDER" --line 1 --qty 10 --by "CPO Das" --date 2024-06-15 --backdate-reason "$R"
run order invoice "$ORDER" --by "Lt Cdr Mori" --date 2024-06-14 --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "2024-06-15"

test_case "defect 3: invoice --date 2099-06-05 is refused and the due date unmoved"
run order invoice "$ORDER" --by "Lt Cdr Mori" --date 2099-06-05
expect_exit 2
expect_stderr_contains "date: 2099-06-05 is after today"
run order show "$ORDER" --json
expect_json 'd["due"]' null
run_ok order invoice "$ORDER" --by "Lt Cdr Mori" --date 2024-06-16 --backdate-reason "$R"
run order pay "$ORDER" --amount 20 --currency JPY --by "Lt Finance" --date 2024-06-15 \
    --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "2024-06-16"

test_case "a step dated long ago needs --backdate-reason and is shown back-entered"
run order pay "$ORDER" --amount 20 --currency JPY --by "Lt Finance" --date 2024-06-17
expect_exit 1
expect_stderr_contains "backdate_reason: a step dated 2024-06-17"
run_ok order pay "$ORDER" --amount 20 --currency JPY --by "Lt Finance" --date 2024-06-17 \
    --backdate-reason "$R"
run order show "$ORDER" --json
expect_json 'd["events"][-1]["backdate_reason"]' "$R"

test_case "defect 3: --need-by before the order date is refused"
create --date 2024-06-10 --need-by 2024-06-09 --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "need_by: 2024-06-09 is before the order date (2024-06-10)"

test_case "defect 3: an order dated 2025 citing a 2024 activity is refused; within the window accepted"
create --date 2025-01-05 --backdate-reason "$R"
expect_exit 1
expect_stderr_contains "outside the dates of activity"
create --date 2024-07-20 --backdate-reason "$R"
expect_exit 0

test_case "defect 4: order create --date 2021-06-10 under an agreement that ended in 2022"
python3 - "$AGREEMENTS/india-japan-2020.json" "$TEST_DIR/ended.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["id"] = "IN-JP-2020-OLD"
a["term_years"] = 2
a["renewal_years"] = 0
json.dump(a, open(sys.argv[2], "w"))
PY
run_ok agreement load "$TEST_DIR/ended.json"
run_ok activity add --agreement IN-JP-2020-OLD --name "JIMEX 2021" --type bilateral-training \
    --from 2021-06-01 --to 2021-06-20
OLD=$OUT
old() {
    run order create --agreement IN-JP-2020-OLD --requester IN --supplier JP --activity "$OLD" \
        --method cash --by "Lt Iyer" --date 2021-06-10 \
        --line "category=water,desc=Potable water,qty=10,unit=l,price=2,currency=JPY" "$@"
}
old
expect_exit 1
expect_stderr_contains "backdate_reason"
old --backdate-reason "found in the 2021 files"
expect_exit 0
run order show "$OUT" --json
expect_json 'd["events"][0]["backdate_reason"]' "found in the 2021 files"
