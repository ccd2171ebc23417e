# SPDX-License-Identifier: MIT
# The reports of requirement 15 through the acsa command and the API, on a small scripted
# history with exact figures: the statement of account (its opening and closing equal to the
# balance as of the days around the period), open orders by state and age, unliquidated
# obligations, settlement by method, the yearly summary and orders missing data; each as a
# table, --json and --csv; the refusals of their options; who may read them over the API.

. "$(dirname "$0")/lib.sh"

require_curl

setup_india_japan

# new_order METHOD DATE LINE...: an IN-JP order raised on DATE (number in ORDER).
new_order() {
    local method=$1 date=$2
    shift 2
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka \
        --need-by 2024-06-15 --method "$method" --by "Lt Iyer" --date "$date" "$@"
    expect_exit 0
    ORDER=$OUT
}

accept_order() {
    run_ok order submit "$1" --by "Lt Iyer" --date "$2"
    run_ok order approve "$1" --by "Cdr A. Rao" --date "$2"
    run_ok order accept "$1" --by "Capt K. Sato" --date "$2"
}

# The history: A cash, diesel 1,000 l at 150 JPY, received on 06-12, invoiced 06-13, paid
# 80,000 on 06-20 and 70,000 on 07-02 (settled); B rik, rations 10 kg at 2,500 JPY received
# 06-14; C cash, water submitted only; D cash cancelled; E cash, spare parts 2 at 1,000 JPY
# accepted (committed); F cash, bandages 6 at 500 JPY accepted by an official whose title is
# missing, received 06-16 and never invoiced.
new_order cash 2024-06-10 --line "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
A=$ORDER
accept_order "$A" 2024-06-11
run_ok order issue "$A" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$A" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-12
run_ok order invoice "$A" --by "Lt Cdr Mori" --date 2024-06-13
run_ok order pay "$A" --amount 80000 --currency JPY --by "Lt Finance" --date 2024-06-20
run_ok order pay "$A" --amount 70000 --currency JPY --by "Lt Finance" --date 2024-07-02
new_order rik 2024-06-10 --line "category=food,desc=Rations,qty=10,unit=kg,price=2500,currency=JPY"
B=$ORDER
accept_order "$B" 2024-06-11
run_ok order issue "$B" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-14
run_ok order receive "$B" --line 1 --qty 10 --by "CPO Das" --date 2024-06-14
new_order cash 2024-06-12 --line "category=water,desc=Water,qty=100,unit=l,price=2,currency=JPY"
C=$ORDER
run_ok order submit "$C" --by "Lt Iyer" --date 2024-06-12
new_order cash 2024-06-12 --line "category=food,desc=Bread,qty=5,unit=kg,price=300,currency=JPY"
D=$ORDER
run_ok order cancel "$D" --by "Lt Iyer" --date 2024-06-13 --reason "no longer needed"
new_order cash 2024-06-15 --line "category=spare-parts,desc=Filter,qty=2,unit=ea,price=1000,currency=JPY"
E=$ORDER
accept_order "$E" 2024-06-16
run_ok official add --party JP --name "Capt Y. Ito" --title "Logistics Officer" --from 2000-01-01 \
    --limit 50000000 --currency JPY
new_order cash 2024-06-15 --line "category=medical,desc=Bandages,qty=6,unit=ea,price=500,currency=JPY"
F=$ORDER
run_ok order submit "$F" --by "Lt Iyer" --date 2024-06-15
run_ok order approve "$F" --by "Cdr A. Rao" --date 2024-06-15
run_ok order accept "$F" --by "Capt Y. Ito" --date 2024-06-15
run_ok order issue "$F" --line 1 --qty 6 --by "PO Tanaka" --date 2024-06-16
run_ok order receive "$F" --line 1 --qty 6 --by "CPO Das" --date 2024-06-16
# A grant as migration 4 carried it over from an official's limit: no title.
db_sql "$DB" "UPDATE grants SET title = '' WHERE name = 'Capt Y. Ito'"

# ---- statement -------------------------------------------------------------------------------

test_case "statement: opening, each posting with its running balance, closing, cash and kind"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30
expect_exit 0
expect_stdout "CURRENCY  SECTION  LINE     DATE        ORDER               INVOICE             STEP           ACCOUNT                    AMOUNT             BALANCE
JPY       cash     opening  2024-06-12  -                   -                   -              -                               -            -150,000
JPY       cash     posting  2024-06-16  $F   -                   receive        payable-cash               -3,000            -153,000
JPY       cash     posting  2024-06-20  $A   -                   pay            payable-cash               80,000             -73,000
JPY       cash     closing  2024-06-30  -                   -                   -              -                               -             -73,000
JPY       kind     opening  2024-06-12  -                   -                   -              -                               -                   0
JPY       kind     posting  2024-06-14  $B   -                   receive        payable-kind              -25,000             -25,000
JPY       kind     closing  2024-06-30  -                   -                   -              -                               -             -25,000"

test_case "statement --raw: amounts as plain decimals, for scripts"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --raw
expect_exit 0
expect_stdout "CURRENCY  SECTION  LINE     DATE        ORDER               INVOICE             STEP           ACCOUNT                    AMOUNT             BALANCE
JPY       cash     opening  2024-06-12  -                   -                   -              -                               -             -150000
JPY       cash     posting  2024-06-16  $F   -                   receive        payable-cash                -3000             -153000
JPY       cash     posting  2024-06-20  $A   -                   pay            payable-cash                80000              -73000
JPY       cash     closing  2024-06-30  -                   -                   -              -                               -              -73000
JPY       kind     opening  2024-06-12  -                   -                   -              -                               -                   0
JPY       kind     posting  2024-06-14  $B   -                   receive        payable-kind               -25000              -25000
JPY       kind     closing  2024-06-30  -                   -                   -              -                               -              -25000"

test_case "order list: the activity's name, amounts grouped; --raw and --csv plain"
run order list --state settled
expect_exit 0
expect_stdout_contains "$A   IN-JP-2020    IN   JP   JIMEX 2024            cash    settled"
expect_stdout_contains "JPY           150,000                 0"
run order list --state settled --raw
expect_stdout_contains "JPY            150000                 0"
run order list --state settled --csv
expect_stdout_contains ",JIMEX 2024,cash,settled,"
expect_stdout_contains ",JPY,150000,0"

test_case "statement --json: the same lines under the columns' keys"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --json
expect_exit 0
expect_json '[(x["section"], x["line"], x["date"], x["order"], x["step"], x["amount"], x["balance"]) for x in d]' \
    "[[\"cash\",\"opening\",\"2024-06-12\",null,null,null,\"-150000\"],[\"cash\",\"posting\",\"2024-06-16\",\"$F\",\"receive\",\"-3000\",\"-153000\"],[\"cash\",\"posting\",\"2024-06-20\",\"$A\",\"pay\",\"80000\",\"-73000\"],[\"cash\",\"closing\",\"2024-06-30\",null,null,null,\"-73000\"],[\"kind\",\"opening\",\"2024-06-12\",null,null,null,\"0\"],[\"kind\",\"posting\",\"2024-06-14\",\"$B\",\"receive\",\"-25000\",\"-25000\"],[\"kind\",\"closing\",\"2024-06-30\",null,null,null,\"-25000\"]]"
STATEMENT_JSON=$OUT

test_case "statement --csv: RFC 4180 rows, empty fields where the table shows -"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --csv
expect_exit 0
expected=$(printf 'CURRENCY,SECTION,LINE,DATE,ORDER,INVOICE,STEP,ACCOUNT,AMOUNT,BALANCE\r\nJPY,cash,opening,2024-06-12,,,,,,-150000\r\nJPY,cash,posting,2024-06-16,%s,,receive,payable-cash,-3000,-153000\r\nJPY,cash,posting,2024-06-20,%s,,pay,payable-cash,80000,-73000\r\nJPY,cash,closing,2024-06-30,,,,,,-73000\r\nJPY,kind,opening,2024-06-12,,,,,,0\r\nJPY,kind,posting,2024-06-14,%s,,receive,payable-kind,-25000,-25000\r\nJPY,kind,closing,2024-06-30,,,,,,-25000\r' "$F" "$A" "$B")
expect_stdout "$expected"
cp "$TEST_DIR/stdout" "$TEST_DIR/statement.csv"

test_case "statement --excel: the same CSV after a byte order mark"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --csv --excel
expect_exit 0
if [ "$(head -c 3 "$TEST_DIR/stdout" | od -An -tx1 | tr -d ' ')" != efbbbf ]; then
    fail "no byte order mark"
fi
if ! tail -c +4 "$TEST_DIR/stdout" | cmp -s - "$TEST_DIR/statement.csv"; then
    fail "--excel differs from --csv past the byte order mark"
fi

test_case "statement: opening and closing equal the balance as of the day before and the last day"
run balance --partner JP --as-of 2024-06-12 --json
expect_json 'str(int(d[0]["receivable_cash"]) - int(d[0]["payable_cash"])) + " " + str(int(d[0]["receivable_kind"]) - int(d[0]["payable_kind"]))' "-150000 0"
run balance --partner JP --as-of 2024-06-30 --json
expect_json 'str(int(d[0]["receivable_cash"]) - int(d[0]["payable_cash"])) + " " + str(int(d[0]["receivable_kind"]) - int(d[0]["payable_kind"]))' "-73000 -25000"
for period in "2024-06-01 2024-06-11" "2024-06-10 2024-06-12" "2024-06-17 2024-07-31" "2024-07-02 2024-07-02"; do
    set -- $period
    run report statement --partner JP --from "$1" --to "$2" --json
    got=$(json_value '" ".join(x["balance"] for x in d if x["line"] != "posting")')
    run balance --partner JP --as-of "$(date -d "$1 - 1 day" +%F)" --json
    open=$(json_value '"%d %d" % (int(d[0]["receivable_cash"]) - int(d[0]["payable_cash"]), int(d[0]["receivable_kind"]) - int(d[0]["payable_kind"])) if d else "0 0"')
    run balance --partner JP --as-of "$2" --json
    close=$(json_value '"%d %d" % (int(d[0]["receivable_cash"]) - int(d[0]["payable_cash"]), int(d[0]["receivable_kind"]) - int(d[0]["payable_kind"])) if d else "0 0"')
    # Sections in order: cash opening, cash closing, kind opening, kind closing (a section
    # whose balances are zero and has no posting is left out, its figures 0).
    want=$(python3 -c '
import sys
o = sys.argv[1].split(); c = sys.argv[2].split(); got = sys.argv[3].split()
parts = []
for i in range(2):
    if o[i] != "0" or c[i] != "0":
        parts += [o[i], c[i]]
print(" ".join(parts))' "$open" "$close" "$got")
    if [ "$got" != "$want" ]; then
        fail "statement $1..$2: opening/closing $got, balance says $want"
    fi
done

test_case "statement --currency: only that currency; none held is empty"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --currency USD --json
expect_exit 0
expect_stdout "[]"
run report statement --partner JP --from 2024-06-13 --to 2024-06-30 --currency JPY --json
expect_json 'len(d)' 7

test_case "statement: --from after --to is refused naming both"
run report statement --partner JP --from 2024-07-01 --to 2024-06-01
expect_exit 2
expect_stderr_contains "--from (2024-07-01) is after --to (2024-06-01)"
expect_stdout ""

test_case "statement: a partner and a period are required, each date and code checked"
run report statement --from 2024-06-01 --to 2024-06-30
expect_exit 2
expect_stderr_contains "--partner"
run report statement --partner JP --from 2024-06-01
expect_exit 2
expect_stderr_contains "--to"
run report statement --partner JP --from 2024-02-30 --to 2024-06-30
expect_exit 2
expect_stderr_contains "--from"
run report statement --partner jp --from 2024-06-01 --to 2024-06-30
expect_exit 2
expect_stderr_contains "--partner"
run report statement --partner JP --from 2024-06-01 --to 2024-06-30 --currency XYZ
expect_exit 2
expect_stderr_contains "--currency"

# ---- open ------------------------------------------------------------------------------------

test_case "open: every order not closed, cancelled or rejected, by state, aged, totals per state"
run report open --as-of 2024-07-10
expect_exit 0
expect_stdout "Open orders as of 2024-07-10 (age: days since raised)
NUMBER              STATE       METHOD  PARTNER  CURRENCY             VALUE       OUTSTANDING  CREATED       AGE  BUCKET
$C   submitted   cash    JP       JPY                    200                 0  2024-06-12     28  0-30
$E   accepted    cash    JP       JPY                  2,000                 0  2024-06-15     25  0-30
$B   delivered   rik     JP       JPY                 25,000            25,000  2024-06-10     30  0-30
$F   delivered   cash    JP       JPY                  3,000             3,000  2024-06-15     25  0-30
$A   settled     cash    JP       JPY                150,000                 0  2024-06-10     30  0-30

Totals by state
STATE       CURRENCY    ORDERS               VALUE         OUTSTANDING
submitted   JPY              1                 200                   0
accepted    JPY              1               2,000                   0
delivered   JPY              2              28,000              28,000
settled     JPY              1             150,000                   0"

test_case "open --json: orders and totals; the cancelled order is not listed"
run report open --as-of 2024-10-01 --json
expect_exit 0
expect_json '[(x["number"], x["age_days"], x["bucket"]) for x in d["orders"]][:1]' "[[\"$C\",111,\"91-365\"]]"
expect_json '[(t["state"], t["orders"], t["value"]) for t in d["totals"]]' '[["submitted",1,"200"],["accepted",1,"2000"],["delivered",2,"28000"],["settled",1,"150000"]]'
expect_json "\"$D\" in [x[\"number\"] for x in d[\"orders\"]]" false

test_case "open --csv: the orders"
run report open --as-of 2024-07-10 --csv
expect_exit 0
expect_stdout_contains "NUMBER,STATE,METHOD,PARTNER,CURRENCY,VALUE,OUTSTANDING,CREATED,AGE,BUCKET"
expect_stdout_contains "$F,delivered,cash,JP,JPY,3000,3000,2024-06-15,25,0-30"
expect_stdout_lacks "Totals"

# ---- unliquidated ----------------------------------------------------------------------------

test_case "unliquidated: obligations not settled per partner, way, currency and method"
run report unliquidated
expect_exit 0
expect_stdout "PARTNER  WAY         CURRENCY  METHOD    ORDERS         OUTSTANDING
JP       payable     JPY       cash           1               3,000
JP       payable     JPY       rik            1              25,000"
run report unliquidated --json
expect_json '[(x["partner"], x["way"], x["method"], x["orders"], x["outstanding"]) for x in d]' '[["JP","payable","cash",1,"3000"],["JP","payable","rik",1,"25000"]]'
run report unliquidated --csv
expect_stdout "$(printf 'PARTNER,WAY,CURRENCY,METHOD,ORDERS,OUTSTANDING\r\nJP,payable,JPY,cash,1,3000\r\nJP,payable,JPY,rik,1,25000\r')"
run report unliquidated --partner US --json
expect_stdout "[]"

# ---- by-method -------------------------------------------------------------------------------

test_case "by-method: counts, values, share settled and average days to settle"
run report by-method
expect_exit 0
expect_stdout "METHOD  CURRENCY    ORDERS               VALUE   SETTLED       SETTLED VALUE  SETTLED %  AVG DAYS
cash    JPY              4             155,200         1             150,000       96.6        20
rik     JPY              1              25,000         0                   0        0.0         -"
run report by-method --json
expect_json '[(x["method"], x["orders"], x["value"], x["settled_orders"], x["settled_value"], x["settled_percent"], x["average_days"]) for x in d]' '[["cash",4,"155200",1,"150000","96.6",20],["rik",1,"25000",0,"0","0.0",null]]'
run report by-method --csv
expect_stdout "$(printf 'METHOD,CURRENCY,ORDERS,VALUE,SETTLED,SETTLED VALUE,SETTLED %%,AVG DAYS\r\ncash,JPY,4,155200,1,150000,96.6,20\r\nrik,JPY,1,25000,0,0,0.0,\r')"

# ---- yearly ----------------------------------------------------------------------------------

test_case "yearly: by agreement, activity and category, each way, per currency"
run report yearly --year 2024
expect_exit 0
expect_stdout "AGREEMENT     ACTIVITY                  CATEGORY            WAY        PARTNER  CURRENCY    ORDERS               VALUE
IN-JP-2020    JIMEX 2024                food                requested  JP       JPY              1              25,000
IN-JP-2020    JIMEX 2024                medical             requested  JP       JPY              1               3,000
IN-JP-2020    JIMEX 2024                pol                 requested  JP       JPY              1             150,000
IN-JP-2020    JIMEX 2024                spare-parts         requested  JP       JPY              1               2,000
IN-JP-2020    JIMEX 2024                water               requested  JP       JPY              1                 200"
run report yearly --year 2024 --json
expect_json '[(x["category"], x["way"], x["orders"], x["value"]) for x in d]' '[["food","requested",1,"25000"],["medical","requested",1,"3000"],["pol","requested",1,"150000"],["spare-parts","requested",1,"2000"],["water","requested",1,"200"]]'
run report yearly --year 2024 --csv
expect_stdout_contains "$(printf 'IN-JP-2020,JIMEX 2024,pol,requested,JP,JPY,1,150000\r')"
run report yearly --year 2023 --json
expect_stdout "[]"

test_case "yearly: the year is required and checked"
run report yearly
expect_exit 2
expect_stderr_contains "--year"
run report yearly --year 1800
expect_exit 2
expect_stderr_contains "--year: 1800"
run report yearly --year 20x4
expect_exit 2
expect_stderr_contains "--year"

# ---- missing ---------------------------------------------------------------------------------

test_case "missing: every receipt line without a supporting document (requirement 11)"
run report missing --as-of 2024-07-20 --json
expect_json '[(x["check"], x["detail"]) for x in d if x["check"] == "no-document"]' \
    '[["no-document","line 1 received, no supporting document"],["no-document","line 1 received, no supporting document"],["no-document","line 1 received, no supporting document"]]'
UNDOCUMENTED=$(json_value '" ".join(x["number"] for x in d if x["check"] == "no-document")')
printf '%%PDF-1.7\n delivery note\n%%%%EOF\n' >"$TEST_DIR/note.pdf"
for number in $UNDOCUMENTED; do
    run_ok order attach "$number" --line 1 --file "$TEST_DIR/note.pdf" --kind delivery-note \
        --by "CPO Das"
done
run report missing --as-of 2024-07-20 --json
expect_json '[x for x in d if x["check"] == "no-document"]' '[]'

test_case "missing: an order not invoiced in time, a step by an official without a title"
run report missing --as-of 2024-07-20
expect_exit 0
expect_stdout_contains "$F   delivered   no-invoice   delivered, not invoiced by 2024-07-16 (4 days late)"
expect_stdout_contains "$F   delivered   no-title     accept by Capt Y. Ito (JP) on 2024-06-15: no title of the official"
run report missing --as-of 2024-07-20 --json
expect_json '[(x["number"], x["check"]) for x in d]' "[[\"$F\",\"no-invoice\"],[\"$F\",\"no-title\"]]"
run report missing --as-of 2024-07-10 --csv
expect_stdout "$(printf 'NUMBER,STATE,CHECK,DETAIL\r\n%s,delivered,no-title,accept by Capt Y. Ito (JP) on 2024-06-15: no title of the official\r' "$F")"

# ---- The API ---------------------------------------------------------------------------------

# Downloads are written into the server's TMPDIR and their names removed at once.
mkdir -p "$TEST_DIR/downloads"
TMPDIR="$TEST_DIR/downloads" serve_start "$DB"
printf 'correct horse battery\n' >"$TEST_DIR/password"
run_ok user add --username fo --name "Lt Finance" --role finance-officer --party IN \
    --password-file "$TEST_DIR/password"
run_ok token create --username fo --name reports
FO=$(printf '%s\n' "$OUT" | grep -o '[0-9a-f]\{64\}' | head -n 1)
run_ok user add --username rq --name "Lt Iyer" --role requester --party IN --unit "$NAVY" \
    --password-file "$TEST_DIR/password"
run_ok token create --username rq --name reports
RQ=$(printf '%s\n' "$OUT" | grep -o '[0-9a-f]\{64\}' | head -n 1)

# api TOKEN PATH: GET; body to OUT, status to STATUS, headers to $TEST_DIR/headers.
api() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl $2"
    STATUS=$(curl -s -D "$TEST_DIR/headers" -o "$TEST_DIR/body" -w '%{http_code}' \
        -H "Authorization: Bearer $1" "$BASE$2")
    RC=$?
    OUT=$(cat "$TEST_DIR/body")
    ERR=""
}
expect_status() {
    if [ "$STATUS" != "$1" ]; then
        fail "expected HTTP $1, got $STATUS: $(head -c 300 "$TEST_DIR/body")"
    fi
}

test_case "API statement: the CLI's lines, in a page"
api "$FO" "/api/reports/statement?partner=JP&from=2024-06-13&to=2024-06-30"
expect_status 200
got=$(json_value 'json.dumps(d["items"], sort_keys=True)')
OUT=$STATEMENT_JSON
want=$(json_value 'json.dumps(d, sort_keys=True)')
if [ "$got" != "$want" ]; then
    fail "API items differ from the CLI's: $got"
fi

test_case "API statement ?format=csv: the CLI's CSV as an attachment"
api "$FO" "/api/reports/statement?partner=JP&from=2024-06-13&to=2024-06-30&format=csv"
expect_status 200
if ! cmp -s "$TEST_DIR/body" "$TEST_DIR/statement.csv"; then
    fail "CSV differs from the CLI's: $(head -c 300 "$TEST_DIR/body")"
fi
if ! grep -qi '^content-type: text/csv; charset=utf-8' "$TEST_DIR/headers"; then
    fail "no text/csv content type: $(cat "$TEST_DIR/headers")"
fi
if ! grep -qi '^content-disposition: attachment; filename="statement-JP-2024-06-13-2024-06-30.csv"' "$TEST_DIR/headers"; then
    fail "no attachment: $(cat "$TEST_DIR/headers")"
fi

test_case "API statement: pages chain with next_cursor"
api "$FO" "/api/reports/statement?partner=JP&from=2024-06-13&to=2024-06-30&limit=4"
expect_json 'len(d["items"])' 4
cursor=$(json_value 'd["next_cursor"]')
api "$FO" "/api/reports/statement?partner=JP&from=2024-06-13&to=2024-06-30&limit=4&cursor=$cursor"
expect_json '[x["line"] for x in d["items"]] + [d["next_cursor"]]' '["opening","posting","closing",null]'

test_case "API statement: --from after --to, a bad format and a missing partner are 400"
api "$FO" "/api/reports/statement?partner=JP&from=2024-07-01&to=2024-06-01"
expect_status 400
expect_json 'd["detail"]' "from (2024-07-01) is after to (2024-06-01)"
api "$FO" "/api/reports/statement?partner=JP&from=2024-06-01&to=2024-06-30&format=xml"
expect_status 400
expect_json 'd["field"]' format
api "$FO" "/api/reports/statement?from=2024-06-01&to=2024-06-30"
expect_status 400
expect_json 'd["field"]' partner

test_case "API: every report for a finance officer, JSON and CSV"
api "$FO" "/api/reports/open?as_of=2024-07-10"
expect_status 200
expect_json '[(t["state"], t["orders"]) for t in d["totals"]]' '[["submitted",1],["accepted",1],["delivered",2],["settled",1]]'
expect_json 'len(d["items"])' 5
api "$FO" "/api/reports/open?as_of=2024-07-10&limit=2"
expect_json '[len(d["items"]), sum(t["orders"] for t in d["totals"]), d["next_cursor"]]' '[2,5,"000000000002"]'
api "$FO" "/api/reports/unliquidated"
expect_json '[(x["method"], x["outstanding"]) for x in d["items"]]' '[["cash","3000"],["rik","25000"]]'
api "$FO" "/api/reports/by-method"
expect_json '[(x["method"], x["settled_percent"], x["average_days"]) for x in d["items"]]' '[["cash","96.6",20],["rik","0.0",null]]'
api "$FO" "/api/reports/yearly?year=2024"
expect_json 'len(d["items"])' 5
api "$FO" "/api/reports/yearly?year=1800"
expect_status 400
expect_json 'd["field"]' year
api "$FO" "/api/reports/missing?as_of=2024-07-20"
expect_json '[x["check"] for x in d["items"]]' '["no-invoice","no-title"]'
for r in "open?as_of=2024-07-10" unliquidated by-method "yearly?year=2024" "missing?as_of=2024-07-20"; do
    api "$FO" "/api/reports/$r&format=csv"
    [ "${r#*\?}" = "$r" ] && api "$FO" "/api/reports/$r?format=csv"
    expect_status 200
    if ! grep -qi '^content-disposition: attachment' "$TEST_DIR/headers"; then
        fail "$r: no attachment"
    fi
done

# csv_rows: the rows of the CSV body after its header.
csv_rows() {
    python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))) - 1)' \
        "$TEST_DIR/body"
}

test_case "API: the overdue, in-transit, officials and quarantine lists as CSV, every row"
api "$FO" "/api/overdue?as_of=2026-06-01&limit=500"
expect_status 200
want=$(json_value 'len(d["items"]) + len(d["disputed"])')
api "$FO" "/api/overdue?as_of=2026-06-01&format=csv&limit=1"
expect_status 200
if ! grep -qi '^content-disposition: attachment; filename="acsa-overdue-[0-9-]*.csv"' "$TEST_DIR/headers"; then
    fail "no attachment: $(cat "$TEST_DIR/headers")"
fi
if [ "$(head -n 1 "$TEST_DIR/body")" != "$(printf 'number,agreement_id,requester,supplier,method,state,due,days_overdue,bucket,currency,outstanding\r')" ]; then
    fail "overdue header: $(head -n 1 "$TEST_DIR/body")"
fi
[ "$want" -ge 1 ] || fail "no overdue order to list"
[ "$(csv_rows)" = "$want" ] || fail "overdue: $(csv_rows) rows, want $want (limit is not for CSV)"
for list in "reports/in-transit?as_of=2024-08-01" "officials?all=true"; do
    api "$FO" "/api/$list&limit=500"
    expect_status 200
    want=$(json_value 'len(d["items"])')
    api "$FO" "/api/$list&format=csv"
    expect_status 200
    if ! grep -qi '^content-type: text/csv; charset=utf-8' "$TEST_DIR/headers"; then
        fail "$list: no text/csv: $(cat "$TEST_DIR/headers")"
    fi
    [ "$(csv_rows)" = "$want" ] || fail "$list: $(csv_rows) rows, want $want"
done
api "$FO" "/api/officials?all=true&format=csv"
if ! grep -q '"Capt Y. Ito"\|,Capt Y. Ito,' "$TEST_DIR/body"; then
    fail "officials CSV lacks Capt Y. Ito: $(head -c 400 "$TEST_DIR/body")"
fi
for list in overdue reports/in-transit officials quarantine; do
    api "$FO" "/api/$list?format=xlsx"
    [ "$STATUS" = 400 ] || [ "$STATUS" = 403 ] || fail "$list?format=xlsx: HTTP $STATUS"
    [ "$STATUS" = 403 ] || expect_json 'd["field"]' format
done
leftover=$(ls "$TEST_DIR/downloads")
[ -z "$leftover" ] || fail "downloads left in TMPDIR: $leftover"

test_case "API: a report as CSV is written to a file, not held: nothing is left behind"
api "$FO" "/api/reports/yearly?year=2024&format=csv"
expect_status 200
[ "$(csv_rows)" = 5 ] || fail "yearly CSV: $(csv_rows) rows"
leftover=$(ls "$TEST_DIR/downloads")
[ -z "$leftover" ] || fail "downloads left in TMPDIR: $leftover"

test_case "API: a requester may not read the reports (as the balance)"
for r in "statement?partner=JP&from=2024-06-01&to=2024-06-30" open unliquidated by-method "yearly?year=2024" missing; do
    api "$RQ" "/api/reports/$r"
    expect_status 403
done
api "$RQ" "/api/balance"
expect_status 403

test_case "API: nobody signed in gets 401"
api "" "/api/reports/by-method"
expect_status 401

serve_stop

test_case "order show: every amount and quantity of the lines and invoices grouped, --raw plain"
new_order cash 2024-06-15 --line "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
G=$ORDER
accept_order "$G" 2024-06-15
run_ok order issue "$G" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-16
run_ok order receive "$G" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-16
run_ok order invoice "$G" --by "Lt Cdr Mori" --date 2024-06-17
run order show "$G"
expect_exit 0
expect_stdout_matches '150 +1,000 +1,000 +1,000 +0 +0 +150,000'
expect_stdout_matches ' 150,000 +0 +150,000'
run order show "$G" --raw
expect_stdout_matches ' 150000 +0 +150000'
finish
