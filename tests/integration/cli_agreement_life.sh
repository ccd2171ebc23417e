# SPDX-License-Identifier: MIT
# The agreement's lifecycle from the command line: an amendment judged by the day of each
# step, notice of non-renewal, termination, participating services and the reason an
# other-lawful activity must state.

. "$(dirname "$0")/lib.sh"

setup_india_japan

SALVAGE="category=salvage,desc=Salvage tug hire,qty=1,unit=ea,price=100000,currency=JPY"
AMENDED="$TEST_DIR/in-jp-2020-amended.json"
sed 's/"airport-seaport"/"airport-seaport", "salvage"/' \
    "$AGREEMENTS/india-japan-2020.json" >"$AMENDED"

ORDER=(order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX"
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka
    --need-by 2024-06-19 --method cash --by "Lt Iyer")

create() {
    run "${ORDER[@]}" "$@"
}

test_case "defect 5: a loaded agreement can be amended from a date"
run agreement amend "$AMENDED" --effective 2024-06-12
expect_exit 0
expect_stdout "IN-JP-2020"

expect_refused "defect 5: a category the amendment adds is refused before its effective date" \
    1 "salvage" "${ORDER[@]}" --date 2024-06-11 --line "$SALVAGE"

test_case "defect 5: a category the amendment adds is accepted from its effective date"
create --date 2024-06-12 --line "$SALVAGE"
expect_exit 0
expect_stdout_matches '^IN-JP-2024-[0-9]+$'

expect_refused "an amendment effective before the latest version is refused" \
    1 "effective: must be after 2024-06-12" agreement amend "$AMENDED" --effective 2024-06-01

test_case "agreement show lists both versions with their effective dates"
run agreement show IN-JP-2020
expect_exit 0
expect_stdout_contains "Version 1"
expect_stdout_contains "from 2020-09-09, sha256"
expect_stdout_contains "from 2024-06-12, sha256"
expect_stdout_contains "Status"
expect_stdout_contains "in force"

test_case "defect 5: notice of non-renewal ends the agreement at the end of its term"
run agreement notice IN-JP-2020 --date 2024-06-13
expect_exit 0
run agreement show IN-JP-2020 --json
expect_exit 0
expect_json 'd["lifecycle"]["status"]' "notice given"
expect_json 'd["lifecycle"]["last_day"]' "2030-09-08"

test_case "defect 5: termination moves the last day"
run agreement terminate IN-JP-2020 --date 2024-06-15 --reason "superseded by a new agreement"
expect_exit 0
run agreement show IN-JP-2020 --json
expect_exit 0
expect_json 'd["lifecycle"]["status"]' "terminated"
expect_json 'd["lifecycle"]["last_day"]' "2024-06-14"

expect_refused "defect 5: a new order after the termination date is refused" \
    1 "IN-JP-2020" "${ORDER[@]}" --date 2024-06-16 --line "$SALVAGE"

test_case "defect 5: an order dated before the termination is still accepted"
create --date 2024-06-14 --line "$SALVAGE"
expect_exit 0

expect_refused "terminating twice is refused" 1 "already terminated" \
    agreement terminate IN-JP-2020 --date 2024-06-20 --reason "again"

test_case "unit add needs --service"
run unit add --party IN --name "Indian Army"
expect_exit 2
expect_stderr_contains "--service"

test_case "defect 6: a coast guard unit can be added with its service"
run unit add --party IN --name "Indian Coast Guard" --service coast-guard
expect_exit 0
ICG=$OUT

expect_refused "defect 6: an order of a coast guard unit under IN-JP-2020 is refused" \
    1 "requester_unit: unit \"Indian Coast Guard\" is of service \"coast-guard\", not a participating service of IN" \
    order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$ICG" --supplier-unit "$JMSDF" --method cash --by "Lt Iyer" \
    --date 2024-06-10 --line "$SALVAGE"

expect_refused "defect 6: an other-lawful activity without --reason is refused" \
    2 "--reason" activity add --agreement IN-JP-2020 --name "Sahyog Kaijin" \
    --type other-lawful --from 2024-01-10 --to 2024-01-12

test_case "defect 6: an other-lawful activity with a reason is accepted"
run activity add --agreement IN-JP-2020 --name "Sahyog Kaijin" --type other-lawful \
    --from 2024-01-10 --to 2024-01-12 --reason "joint search and rescue exercise"
expect_exit 0

finish
