# SPDX-License-Identifier: MIT
# The ledger through the acsa command and its server: commitments from acceptance (balance
# shows committed, delivered-unsettled and settled), their release by a cancel; conversion of
# overdue in-kind obligations (an as-of date not after today, obligations not yet due left
# alone, the approval rule needing an official of the creditor, the server converting under
# the automatic rule by itself); lines in transit after the agreement's transit_days in the
# report, the API and the balance of the API.

. "$(dirname "$0")/lib.sh"

require_curl

setup_india_japan

# new_order METHOD LINE...: an IN-JP order raised on 2024-06-10 (number in ORDER).
new_order() {
    local method=$1
    shift
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka \
        --need-by 2024-06-15 --method "$method" --by "Lt Iyer" --date 2024-06-10 "$@"
    expect_exit 0
    ORDER=$OUT
}

# accept_order NUMBER: submitted, approved and accepted on 2024-06-11.
accept_order() {
    run_ok order submit "$1" --by "Lt Iyer" --date 2024-06-11
    run_ok order approve "$1" --by "Cdr A. Rao" --date 2024-06-11
    run_ok order accept "$1" --by "Capt K. Sato" --date 2024-06-11
}

# ---- Commitments -----------------------------------------------------------------------------

test_case "defect 13: an accepted, undelivered rik order appears as committed in kind"
new_order rik --line "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
RIK=$ORDER
accept_order "$RIK"
run balance --json
expect_exit 0
expect_json '[(b["partner"], b["committed_payable_kind"], b["committed_payable_cash"], b["payable_kind"], b["net"]) for b in d]' \
    '[["JP","150000","0","0","0"]]'

test_case "the acceptance posts the commitment, balanced"
run order show "$RIK" --json
expect_json '[(p["account"], p["amount"]) for e in d["events"] if e["step"] == "accept" for p in e["postings"]]' \
    '[["committed","150000"],["committed-payable-kind","-150000"]]'

test_case "the balance table has columns for committed, delivered and settled"
run balance
expect_exit 0
expect_stdout_contains "COMMITTED PAY KIND"
expect_stdout_contains "SETTLED PAY"

test_case "a cancel after acceptance releases what was committed"
new_order cash --line "category=food,desc=Rations,qty=10,unit=kg,price=2500,currency=JPY"
CANCELLED=$ORDER
accept_order "$CANCELLED"
run balance --json
expect_json 'd[0]["committed_payable_cash"]' 25000
run order cancel "$CANCELLED" --by "Lt Iyer" --date 2024-06-11 --reason "no longer needed"
expect_exit 0
run balance --json
expect_json 'd[0]["committed_payable_cash"]' 0
run order show "$CANCELLED" --json
expect_json '[(p["account"], p["amount"]) for e in d["events"] if e["step"] == "cancel" for p in e["postings"]]' \
    '[["committed","-25000"],["committed-payable-cash","25000"]]'

test_case "receipts move the commitment to the delivered obligation"
run_ok order issue "$RIK" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$RIK" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-12
run balance --json
expect_json '[(b["committed_payable_kind"], b["payable_kind"], b["net"]) for b in d]' \
    '[["0","150000","-150000"]]'

# ---- Conversion ------------------------------------------------------------------------------

test_case "defect 7: convert-overdue with an as-of date after today is refused naming --as-of"
db_snapshot "$DB"
run convert-overdue --as-of 9999-12-31 --by "Capt K. Sato"
expect_exit 2
expect_stderr_contains "as-of: 9999-12-31 is after today"
expect_stdout ""
expect_db_data_unchanged

test_case "defect 7: convert-overdue --as-of 2030-01-01 is refused (after today)"
if [[ "$(date -u +%F)" < 2030-01-01 ]]; then
    run convert-overdue --as-of 2030-01-01
    expect_exit 2
    expect_stderr_contains "as-of: 2030-01-01 is after today"
fi

test_case "defect 7: obligations not yet due on the as-of date are not converted"
# Delivered 2024-06-12, due 365 days later: due 2025-06-12, not yet past due on that day.
run order show "$RIK" --json
expect_json 'd["due"]' 2025-06-12
run convert-overdue --as-of 2025-06-12
expect_exit 0
expect_stdout ""
expect_stderr_contains "converted 0 overdue"
run order show "$RIK" --json
expect_json '(d["state"], d["converted"])' '["delivered",false]'

test_case "defect 7: a server with an automatic-rule agreement converts an overdue order without being asked"
serve_start "$DB" --convert-every 1
got=""
for _ in $(seq 1 300); do
    run order show "$RIK" --json
    got=$(json_value 'd["state"]' 2>/dev/null)
    if [ "$got" = invoiced ]; then
        break
    fi
    sleep 0.1
done
expect_json '(d["state"], d["converted"], d["cash_due"])' '["invoiced",true,"150000"]'
expect_json '(d["events"][-1]["step"], d["events"][-1]["actor"])' '["convert","system:convert"]'

test_case "the server's conversion is audited as the node itself"
run audit list --json
expect_json '[(a["user"], a["action"], a["outcome"]) for a in d if a["user"] == "system:convert"][:1]' \
    '[["system:convert","convert-overdue","ok"]]'

test_case "the server logs one line per conversion run"
if ! grep -q '"event":"convert"' "$SERVER_LOG"; then
    fail "no conversion line in the server log: $(head -c 500 "$SERVER_LOG")"
fi

# ---- The API: balance with commitments, lines in transit ------------------------------------

test_case "a programme officer signs in with a token"
printf 'correct horse battery\n' >"$TEST_DIR/password"
run user add --username po --name "Capt V. Kulkarni" --role programme-officer --party IN \
    --password-file "$TEST_DIR/password"
expect_exit 0
run token create --username po --name ledger-test
expect_exit 0
TOKEN=$(printf '%s\n' "$OUT" | grep -o '[0-9a-f]\{64\}' | head -n 1)
if [ -z "$TOKEN" ]; then
    fail "no token printed"
fi

# api PATH: GET with the token; body to OUT, status to STATUS.
api() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl $1"
    STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        "$BASE$1")
    RC=$?
    OUT=$(cat "$TEST_DIR/body")
    ERR=""
}

test_case "in transit: a line issued and received in part"
new_order cash --line "category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY"
TRANSIT=$ORDER
accept_order "$TRANSIT"
run_ok order issue "$TRANSIT" --line 1 --qty 100 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$TRANSIT" --line 1 --qty 60 --by "CPO Das" --date 2024-06-12

test_case "report in-transit lists nothing within the agreement's 14 transit days"
run report in-transit --as-of 2024-06-26 --json
expect_exit 0
expect_json 'd' '[]'

test_case "report in-transit lists a line issued and not received after 14 days"
run report in-transit --as-of 2024-06-27 --json
expect_exit 0
expect_json '[(r["number"], r["line"], r["issued"], r["received"], r["in_transit"], r["issued_on"], r["days"]) for r in d]' \
    "[[\"$TRANSIT\",1,\"100\",\"60\",\"40\",\"2024-06-12\",15]]"

test_case "report in-transit prints a table"
run report in-transit --as-of 2024-06-27
expect_exit 0
expect_stdout_contains "ISSUED ON"
expect_stdout_contains "$TRANSIT"

test_case "report in-transit --csv prints RFC 4180 rows ending in CRLF, the header first"
run report in-transit --as-of 2024-06-27 --csv
expect_exit 0
if [ "$(head -n 1 "$TEST_DIR/stdout")" != $'NUMBER,LINE,ISSUED,RECEIVED,UNIT,ISSUED ON,DAYS\r' ]; then
    fail "expected a CSV header ended by CRLF"
fi
expect_stdout_contains "$TRANSIT,1,100,60,"

test_case "report in-transit --csv --excel begins with a UTF-8 byte order mark"
run report in-transit --as-of 2024-06-27 --csv --excel
expect_exit 0
if [ "$(head -c 3 "$TEST_DIR/stdout" | od -An -tx1 | tr -d ' ')" != "efbbbf" ]; then
    fail "expected the bytes ef bb bf first"
fi

test_case "--csv with --json, and --excel without --csv, are refused"
run report in-transit --csv --json
expect_exit 2
expect_stderr_contains "--csv and --json: choose one"
run order list --excel
expect_exit 2
expect_stderr_contains "--excel: only with --csv"
run overdue --csv
expect_exit 2
expect_stderr_contains "unknown option '--csv'"

test_case "order list --csv leaves a missing due date empty"
run order list --csv
expect_exit 0
expect_stdout_contains "NUMBER,AGREEMENT,REQ,SUP,ACTIVITY,METHOD,STATE,CREATED,DUE,CUR,VALUE,OUTSTANDING"
expect_stdout_lacks ",'-,"

test_case "GET /api/reports/in-transit lists the same line"
api "/api/reports/in-transit?as_of=2024-06-27"
if [ "$STATUS" != 200 ]; then
    fail "expected 200, got $STATUS"
fi
expect_json '(d["as_of"], [(r["number"], r["line"], r["days"]) for r in d["items"]])' \
    "[\"2024-06-27\",[[\"$TRANSIT\",1,15]]]"

test_case "GET /api/balance shows committed, delivered and settled figures"
api "/api/balance?partner=JP"
expect_json 'sorted(k for k in d["items"][0] if k.startswith("committed") or k.startswith("settled"))' \
    '["committed_payable_cash","committed_payable_kind","committed_receivable_cash","committed_receivable_kind","settled_payable","settled_receivable"]'
expect_json 'd["items"][0]["committed_payable_cash"]' 80

# ---- The approval rule -----------------------------------------------------------------------

test_case "an agreement whose conversion rule is approval, and an overdue rik order under it"
run_ok agreement load "$AGREEMENTS/india-france-2018.json"
run_ok unit add --party FR --name "Marine nationale" --service marine-nationale
FRENCH=$OUT
run_ok official add --party FR --name "CV Dupont" --title "Capitaine de vaisseau" \
    --limit 1000000 --currency EUR --from 2020-01-01
run_ok official add --party IN --name "Cdr A. Rao" --title "Commander" --limit 1000000 \
    --currency EUR --from 2020-01-01
run_ok activity add --agreement IN-FR-2018 --name "Varuna 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Goa
VARUNA=$OUT
run order create --agreement IN-FR-2018 --requester FR --supplier IN --activity "$VARUNA" \
    --requester-unit "$FRENCH" --supplier-unit "$NAVY" --place Goa --need-by 2024-06-15 \
    --method rik --by "EV Martin" --date 2024-06-10 \
    --line "category=food,desc=Rations,qty=100,unit=kg,price=20,currency=EUR"
expect_exit 0
FR_ORDER=$OUT
run_ok order submit "$FR_ORDER" --by "EV Martin" --date 2024-06-10
run_ok order approve "$FR_ORDER" --by "CV Dupont" --date 2024-06-10
run_ok order accept "$FR_ORDER" --by "Cdr A. Rao" --date 2024-06-11
run_ok order issue "$FR_ORDER" --line 1 --qty 100 --by "PO Kumar" --date 2024-06-12
run_ok order receive "$FR_ORDER" --line 1 --qty 100 --by "SM Leroy" --date 2024-06-12
run order show "$FR_ORDER" --json
expect_json '(d["state"], d["due"])' '["delivered","2024-12-09"]'

test_case "without --by an obligation under the approval rule waits for an approver"
run convert-overdue --as-of 2025-01-01
expect_exit 0
expect_stdout ""
expect_stderr_contains "1 more await approval"

test_case "defect 7: under approval, a --by that is not an official of the creditor is refused"
db_snapshot "$DB"
run convert-overdue --as-of 2025-01-01 --by "Lt Nobody"
expect_exit 1
expect_stderr_contains "\"Lt Nobody\" is not an authorised official of IN; agreement IN-FR-2018's conversion rule is approval"
expect_db_data_unchanged

test_case "an official of the debtor is not the creditor's official either"
run convert-overdue --as-of 2025-01-01 --by "CV Dupont"
expect_exit 1
expect_stderr_contains "\"CV Dupont\" is not an authorised official of IN"

# api_post PATH BODY: POST with the token and a JSON body.
api_post() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl -X POST $1 $2"
    STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' --data-binary "$2" -X POST "$BASE$1")
    RC=$?
    OUT=$(cat "$TEST_DIR/body")
    ERR=""
}

test_case "POST /api/convert-overdue leaves the approval rule's obligations awaiting approval"
api_post /api/convert-overdue '{"as_of": "2025-01-01"}'
expect_json '(d["converted"], d["awaiting_approval"])' '[[],1]'

test_case "POST /api/convert-overdue refuses an as-of date after today naming as-of"
api_post /api/convert-overdue '{"as_of": "9999-12-31"}'
if [ "$STATUS" != 400 ]; then
    fail "expected 400, got $STATUS"
fi
expect_json 'd["field"]' as-of

test_case "POST /api/convert-overdue with approve by a user who is no official of the creditor"
api_post /api/convert-overdue '{"as_of": "2025-01-01", "approve": true}'
if [ "$STATUS" != 422 ]; then
    fail "expected 422, got $STATUS"
fi
expect_json 'd["field"]' by
expect_json '"conversion rule is approval" in d["detail"]' true

serve_stop

test_case "an official of the creditor approves the conversion"
run convert-overdue --as-of 2025-01-01 --by "Cdr A. Rao"
expect_exit 0
expect_stdout "$FR_ORDER"
run order show "$FR_ORDER" --json
expect_json '(d["state"], d["converted"], d["events"][-1]["actor"], d["events"][-1]["detail"])' \
    '["invoiced",true,"Cdr A. Rao","conversion approved by Cdr A. Rao"]'

test_case "a database from before commitments gets those of its accepted orders on upgrade"
new_order cash --line "category=food,desc=Rations,qty=10,unit=kg,price=2500,currency=JPY"
OLD=$ORDER
accept_order "$OLD"
run_ok order issue "$OLD" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$OLD" --line 1 --qty 4 --by "CPO Das" --date 2024-06-12
run balance --partner JP --json
BEFORE=$OUT
# As the database was: no commitment posted by any event, before migration 7 (commitments)
# and the four after it (snapshots, corrected steps, the order's date, the kept balances),
# undone so that they run again; the order's date is given back by migration 10 from its
# events, the kept balances by migration 11 from the postings.
# SQLite only: PostgreSQL's schema starts where SQLite's tenth migration ends, so it has no
# database from before commitments to upgrade; there the order keeps the postings it was
# booked with, and the checks below still hold.
db_is_pg "$DB" || sqlite3 "$DB" "DROP TRIGGER postings_balance; DROP TABLE balances;
    DROP TRIGGER postings_no_delete;
    DELETE FROM postings WHERE account LIKE 'committed%';
    CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
    BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
    DROP TABLE peer_snapshots; ALTER TABLE events DROP COLUMN corrected_step;
    ALTER TABLE orders DROP COLUMN last_step_on;
    DROP TABLE documents; DROP TABLE document_blobs;
    DELETE FROM schema_migrations WHERE version >= 7;"
run balance --partner JP --json
expect_exit 0
if [ "$OUT" != "$BEFORE" ]; then
    fail "the balance after the upgrade differs: $OUT, before: $BEFORE"
fi
run order show "$OLD" --json
if db_is_pg "$DB"; then
    # Never upgraded: the commitment booked at acceptance, the whole order.
    expect_json '[(p["account"], p["amount"]) for e in d["events"] if e["step"] == "accept" for p in e["postings"]]' \
        '[["committed","25000"],["committed-payable-cash","-25000"]]'
else
    # Upgraded: what was still to come when the migration ran, 6 of the 10 kg.
    expect_json '[(p["account"], p["amount"]) for e in d["events"] if e["step"] == "accept" for p in e["postings"]]' \
        '[["committed","15000"],["committed-payable-cash","-15000"]]'
fi

expect_refused "an upgraded order is dated by its latest step: none is taken before it" 1 \
    "date" order receive "$OLD" --line 1 --qty 1 --by "CPO Das" --date 2024-06-11

test_case "every event's postings balance to zero"
for number in "$RIK" "$CANCELLED" "$TRANSIT" "$FR_ORDER" "$OLD"; do
    run order show "$number" --json
    expect_json 'all(sum(int(p["amount"].replace(".", "")) for p in e["postings"]) == 0 for e in d["events"])' true
done

finish
