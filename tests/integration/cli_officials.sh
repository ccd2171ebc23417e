# SPDX-License-Identifier: MIT
# Officials with dated authority through the acsa command (defect 12 of issue 9): each
# `official add` is a new dated grant and earlier ones stay, a revocation ends them from its
# day, `official list` shows the grants in force on a day, and approvals are judged by the
# grant in force on the step's date for the order's agreement and currency.

. "$(dirname "$0")/lib.sh"

setup_india_japan

# A submitted IN-JP-2020 order of 1,800,000 JPY, in ORDER.
submitted_order() {
    run_ok order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
        --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-02 \
        --line "category=pol,desc=Diesel fuel marine,qty=12000,unit=l,price=150,currency=JPY"
    ORDER=$OUT
    run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-02
}

test_case "defect 12: a second official add keeps the first grant in history"
run official add --party IN --name "Capt M. Das" --title "Commander, Logistics" \
    --limit 1000000 --currency JPY --from 2024-01-01 --to 2024-05-31 --agreement IN-JP-2020
expect_exit 0
FIRST=$OUT
run official add --party IN --name "Capt M. Das" --title "Captain, Fleet Logistics" \
    --limit 3000000 --currency JPY --from 2024-06-01
expect_exit 0
run official list --all --json
expect_json '[(g["title"], g["limit"], g["from"], g["to"], g["agreement"]) for g in d if g["name"] == "Capt M. Das"]' \
    '[["Commander, Logistics","1000000","2024-01-01","2024-05-31","IN-JP-2020"],["Captain, Fleet Logistics","3000000","2024-06-01",null,null]]'
expect_json '[g["id"] for g in d if g["name"] == "Capt M. Das"][0]' "$FIRST"

test_case "official list --as-of shows the grants in force on that day only"
run official list --as-of 2024-03-01 --json
expect_exit 0
expect_json '[g["title"] for g in d if g["name"] == "Capt M. Das"]' '["Commander, Logistics"]'
run official list --as-of 2024-03-01
expect_exit 0
expect_stdout_contains "Commander, Logistics"
expect_stdout_lacks "Captain, Fleet Logistics"

test_case "grants of three more officials: one ending 2024-06-02, one to be revoked, one low"
run_ok official add --party IN --name "Cdr K. Menon" --title "Commander" --limit 5000000 \
    --currency JPY --from 2024-01-01 --to 2024-06-02 --agreement IN-JP-2020
run_ok official add --party IN --name "Cdr V. Pillai" --title "Commander" --limit 5000000 \
    --currency JPY --from 2024-01-01
run_ok official add --party IN --name "Lt Cdr Bose" --title "Lieutenant Commander" \
    --limit 1000000 --currency JPY --from 2024-01-01

test_case "official revoke ends every grant of the official from its date, and prints how many"
run official revoke --party IN --name "Cdr V. Pillai" --date 2024-06-03 --reason "posted to Delhi"
expect_exit 0
expect_stdout "1"
run official list --all --json
expect_json '[(g["revoked"], g["revoke_reason"], g["last_day"]) for g in d if g["name"] == "Cdr V. Pillai"]' \
    '[["2024-06-03","posted to Delhi","2024-06-02"]]'

expect_refused "official revoke of an official with nothing left to revoke is not found" 3 \
    'acsa: name: official "Cdr V. Pillai" of IN holds no grant still to revoke' \
    official revoke --party IN --name "Cdr V. Pillai" --date 2024-07-01 --reason "again"

expect_refused "official add without --from is a usage error" 2 \
    "acsa official add: --from is required" \
    official add --party IN --name "Cdr X" --title "Commander" --limit 1 --currency JPY

submitted_order

expect_refused "defect 12: an approval by an official whose grant ended the day before is refused" 1 \
    "acsa: by: Cdr K. Menon holds no grant for IN-JP-2020 in JPY on 2024-06-03; the last ended 2024-06-02" \
    order approve "$ORDER" --by "Cdr K. Menon" --date 2024-06-03

expect_refused "defect 12: a revoked official's approval is refused from the revocation date" 1 \
    "acsa: by: Cdr V. Pillai holds no grant for IN-JP-2020 in JPY on 2024-06-03; the last ended 2024-06-02 (revoked on 2024-06-03: posted to Delhi)" \
    order approve "$ORDER" --by "Cdr V. Pillai" --date 2024-06-03

expect_refused "defect 12: an approval above the limit of the grant in force is refused" 1 \
    "acsa: by: order value 1800000 JPY exceeds the approval limit of Lt Cdr Bose (Lieutenant Commander) on 2024-06-03 (1000000 JPY under every agreement)" \
    order approve "$ORDER" --by "Lt Cdr Bose" --date 2024-06-03

test_case "the official whose later grant is in force approves; order show names him and his title"
run order approve "$ORDER" --by "Capt M. Das" --date 2024-06-03
expect_exit 0
run order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-04
expect_exit 0
run order show "$ORDER" --json
expect_json '[(o["step"], o["name"], o["title"]) for o in d["officials"]]' \
    '[["approve","Capt M. Das","Captain, Fleet Logistics"],["accept","Capt K. Sato","Logistics Officer"]]'
run order show "$ORDER"
expect_stdout_contains "Approved by"
expect_stdout_contains "Capt M. Das, Captain, Fleet Logistics (IN, 2024-06-03)"

finish
