# SPDX-License-Identifier: MIT
# acsa export: orders, lines and postings as CSV (RFC 4180, UTF-8, a BOM with --excel, formula
# cells neutralised), JSON and XLSX (numbers as numbers with the currency's decimals, dates as
# date serials, a frozen bold header row with an autofilter); the refusals; nothing left
# half-written; and the journal read by ledger, hledger and beancount with balances equal to
# acsa balance, per partner, currency and account, for the whole ledger and for a period.

. "$(dirname "$0")/lib.sh"

OUTDIR="$TEST_DIR/out"
mkdir -p "$OUTDIR"

setup_india_japan

test_case "an order with a Japanese description and one that starts with = is raised"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka \
    --need-by 2024-06-15 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=軽油 (横須賀),qty=1000,unit=l,price=150,currency=JPY" \
    --line "category=food,desc==SUM(A1:A9),qty=10,unit=ea,price=2500,currency=JPY"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-11
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-11
run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$ORDER" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-12

test_case "a second order stays a draft"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --method rik --by "Lt Iyer" \
    --date 2024-06-10 --line "category=water,desc=Potable water,qty=500,unit=l,price=2,currency=JPY"
expect_exit 0
DRAFT=$OUT

# ---- CSV ---------------------------------------------------------------------------------------

test_case "export orders as CSV: one row per order, RFC 4180 rows ended by CRLF"
run export orders --format csv --out "$OUTDIR/orders.csv"
expect_exit 0
expect_stdout "2 rows written to $OUTDIR/orders.csv"
got=$("$PYTHON" - "$OUTDIR/orders.csv" <<'PY'
import csv, sys
data = open(sys.argv[1], "rb").read()
assert data.count(b"\r\n") == data.count(b"\n"), "every line ends with CRLF"
rows = list(csv.reader(data.decode("utf-8").splitlines()))
print(rows[0][:4], len(rows), rows[1][0], rows[1][4], rows[1][5], rows[1][11], rows[1][13])
PY
)
[ "$got" = "['number', 'agreement_id', 'requester', 'supplier'] 3 $ORDER Indian Navy JMSDF 175000 2024-06-10" ] ||
    fail "orders.csv: $got"

test_case "export lines as CSV: UTF-8 Japanese text kept, the formula cell neutralised"
run export lines --format csv --out "$OUTDIR/lines.csv"
expect_exit 0
got=$("$PYTHON" - "$OUTDIR/lines.csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM without --excel"
rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
print(len(rows), rows[0]["description"], rows[1]["description"], rows[0]["quantity"],
      rows[0]["received"], rows[0]["unit_price"], rows[0]["value"], rows[2]["nsn"] == "")
PY
)
[ "$got" = "3 軽油 (横須賀) '=SUM(A1:A9) 1000 1000 150 150000 True" ] || fail "lines.csv: $got"

test_case "--excel puts the UTF-8 byte order mark first"
run export lines --format csv --excel --out "$OUTDIR/lines-excel.csv"
expect_exit 0
[ "$(head -c 3 "$OUTDIR/lines-excel.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] ||
    fail "no BOM: $(head -c 8 "$OUTDIR/lines-excel.csv" | od -An -tx1)"

test_case "the order list's filters select the orders exported"
run export orders --format csv --state draft --out "$OUTDIR/drafts.csv"
expect_exit 0
expect_stdout "1 rows written to $OUTDIR/drafts.csv"
grep -q "^$DRAFT," "$OUTDIR/drafts.csv" || fail "the draft is not in drafts.csv"
run export lines --format csv --search 軽油 --out "$OUTDIR/search.csv"
expect_exit 0
expect_stdout "2 rows written to $OUTDIR/search.csv"

test_case "export postings as CSV: every leg, balanced per currency"
run export postings --format csv --out "$OUTDIR/postings.csv"
expect_exit 0
got=$("$PYTHON" - "$OUTDIR/postings.csv" <<'PY'
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
total = sum(Decimal(r["amount"]) for r in rows)
steps = sorted({r["step"] for r in rows})
print(len(rows), total, steps, rows[0]["date"], rows[0]["account"])
PY
)
[ "$got" = "6 0 ['accept', 'receive'] 2024-06-11 committed" ] || fail "postings.csv: $got"
run export postings --format csv --from 2024-06-12 --to 2024-06-12 --out "$OUTDIR/p12.csv"
expect_exit 0
expect_stdout "4 rows written to $OUTDIR/p12.csv"

# ---- JSON --------------------------------------------------------------------------------------

test_case "export lines as JSON: an array of objects named as the API's"
run export lines --format json --out "$OUTDIR/lines.json"
expect_exit 0
OUT=$(cat "$OUTDIR/lines.json")
expect_json '[len(d), d[0]["number"] == "'"$ORDER"'", d[0]["line"], d[0]["description"] == "軽油 (横須賀)", d[0]["quantity"], d[0]["unit_price"], d[0]["nsn"], d[0]["closed"]]' \
    '[3,true,1,true,"1000","150",null,false]'
run export orders --format json --out "$OUTDIR/orders.json"
expect_exit 0
OUT=$(cat "$OUTDIR/orders.json")
expect_json '[d[0]["value"], d[0]["created"], d[0]["delivered"], d[0]["activity"], d[1]["state"]]' \
    '["175000","2024-06-10",null,"JIMEX 2024","draft"]'

test_case "export documents: one row per supporting document, named as the API's, bytes left out"
run export documents --format csv --out "$OUTDIR/docs-none.csv"
expect_exit 0
if [ "$(cat "$OUTDIR/docs-none.csv")" != $'id,order,line,kind,sha256,size,content_type,by,at,origin,available\r' ]; then
    fail "expected only the header before any document is attached"
fi
printf '%%PDF-1.7\n fuel ticket =SUM(A1)\n%%%%EOF\n' >"$OUTDIR/ticket.pdf"
run_ok order attach "$ORDER" --line 1 --file "$OUTDIR/ticket.pdf" --kind fuel-ticket --by "CPO Das"
DOC=$OUT
run export documents --format json --out "$OUTDIR/docs.json"
expect_exit 0
OUT=$(cat "$OUTDIR/docs.json")
expect_json '[len(d), d[0]["id"] == "'"$DOC"'", d[0]["order"] == "'"$ORDER"'", d[0]["line"], d[0]["kind"], d[0]["sha256"] == "'"$(sha256sum "$OUTDIR/ticket.pdf" | cut -d' ' -f1)"'", d[0]["content_type"], d[0]["by"], d[0]["available"]]' \
    '[1,true,true,1,"fuel-ticket",true,"application/pdf","CPO Das",true]'
run export documents --format csv --state draft --out "$OUTDIR/docs-draft.csv"
expect_exit 0
if [ "$(wc -l <"$OUTDIR/docs-draft.csv")" -ne 1 ]; then
    fail "expected the order list's filters to select the documents' orders (a draft has none)"
fi
run export documents --format xlsx --out "$OUTDIR/docs.xlsx"
expect_exit 0
if ! unzip -p "$OUTDIR/docs.xlsx" xl/worksheets/sheet1.xml | grep -q '<pane '; then
    fail "expected a sheet with a frozen header"
fi

# ---- XLSX --------------------------------------------------------------------------------------

test_case "export orders as XLSX: frozen bold header, autofilter, numbers and dates as such"
run export orders --format xlsx --out "$OUTDIR/orders.xlsx"
expect_exit 0
if command -v unzip >/dev/null 2>&1; then
    sheet=$(unzip -p "$OUTDIR/orders.xlsx" xl/worksheets/sheet1.xml)
    styles=$(unzip -p "$OUTDIR/orders.xlsx" xl/styles.xml)
    got=$("$PYTHON" - "$sheet" "$styles" <<'PY'
import re, sys
sheet, styles = sys.argv[1], sys.argv[2]
checks = []
checks.append('ySplit="1"' in sheet and 'topLeftCell="A2"' in sheet)
checks.append("<autoFilter ref=\"A1:P3\"" in sheet)
header = re.search(r'<row r="1".*?</row>', sheet).group(0)
checks.append(">number<" in header and ">outstanding<" in header)
value = re.search(r'<c r="L2"([^>]*)><v>([^<]*)</v>', sheet)
checks.append(value is not None and "t=" not in value.group(1) and value.group(2) == "175000")
created = re.search(r'<c r="N2"([^>]*)><v>([^<]*)</v>', sheet)
checks.append(created is not None and "t=" not in created.group(1) and created.group(2) == "45453")
checks.append('formatCode="#,##0"' in styles and 'formatCode="yyyy-mm-dd"' in styles)
checks.append("<b/>" in styles)
print(checks)
PY
)
    [ "$got" = "[True, True, True, True, True, True, True]" ] || fail "orders.xlsx: $got"
fi

test_case "export lines as XLSX: quantities and prices numeric, text as strings"
run export lines --format xlsx --out "$OUTDIR/lines.xlsx"
expect_exit 0
if command -v unzip >/dev/null 2>&1; then
    sheet=$(unzip -p "$OUTDIR/lines.xlsx" xl/worksheets/sheet1.xml)
    printf '%s' "$sheet" | grep -q '<c r="J2"[^>]*><v>1000</v>' || fail "quantity J2 not numeric"
    printf '%s' "$sheet" | grep -q '<c r="H3" [^>]*t="inlineStr"><is><t>=SUM(A1:A9)</t>' ||
        fail "the formula text is not a plain string cell: $(printf '%s' "$sheet" | grep -o '<c r="H3".\{0,80\}')"
    printf '%s' "$sheet" | grep -q '軽油' || fail "the Japanese description is not in the sheet"
fi

# ---- Refusals ------------------------------------------------------------------------------------

test_case "a format that is not csv, json or xlsx is refused"
run export orders --format pdf --out "$OUTDIR/x.pdf"
expect_exit 2
expect_stderr_contains "--format: one of csv, json, xlsx"
run export journal --format csv --out "$OUTDIR/x.csv"
expect_exit 2
expect_stderr_contains "ledger, hledger, beancount"

test_case "a kind that is not orders, lines, postings, documents or journal is refused"
run export invoices --format csv --out "$OUTDIR/x.csv"
expect_exit 2
expect_stderr_contains "KIND: one of orders, lines, postings, documents, journal"

test_case "an existing --out is refused and left as it was; --force replaces it"
printf 'keep\n' >"$OUTDIR/exists.csv"
run export orders --format csv --out "$OUTDIR/exists.csv"
expect_exit 1
expect_stderr_contains "exists (--force replaces it)"
[ "$(cat "$OUTDIR/exists.csv")" = "keep" ] || fail "the existing file changed"
run export orders --format csv --force --out "$OUTDIR/exists.csv"
expect_exit 0
head -n 1 "$OUTDIR/exists.csv" | grep -q '^number,' || fail "--force did not replace it"

test_case "a missing directory is refused and nothing is left behind"
run export orders --format csv --out "$OUTDIR/missing/orders.csv"
expect_exit 3
expect_stderr_contains "--out: cannot create a file beside"
[ ! -e "$OUTDIR/missing" ] || fail "the directory was made"

test_case "options that do not fit the kind or format are refused"
run export orders --format json --excel --out "$OUTDIR/y.json"
expect_exit 2
expect_stderr_contains "--excel: only with --format csv"
run export orders --format csv --from 2024-01-01 --out "$OUTDIR/y.csv"
expect_exit 2
expect_stderr_contains "--from and --to: only for postings and journal"
run export journal --format ledger --partner JP --out "$OUTDIR/y.ledger"
expect_exit 2
expect_stderr_contains "no order filters"
run export postings --format csv --from 2024-06-12 --to 2024-06-01 --out "$OUTDIR/y.csv"
expect_exit 2
expect_stderr_contains "--from: after --to"
run export orders --format csv
expect_exit 2
expect_stderr_contains "--out is required"
leftovers=$(find "$OUTDIR" -name '.*part-*' | wc -l)
[ "$leftovers" -eq 0 ] || fail "temporary files left: $(find "$OUTDIR" -name '.*part-*')"
[ ! -e "$OUTDIR/y.csv" ] && [ ! -e "$OUTDIR/y.json" ] || fail "a refused export wrote its file"

# ---- Journals ----------------------------------------------------------------------------------

DEMO=$(db_new demo)
DEMO_KEY="$TEST_DIR/demo.key"
demo() {
    ACSA_KEY="$DEMO_KEY" run_raw --db "$DEMO" "$@"
}

test_case "the demo node for the journals"
demo demo
expect_exit 0

# check_journal FORMAT FILE BALANCE_JSON: the tool reads the journal; its balances equal acsa's.
check_journal() {
    local format=$1 file=$2 balance=$3 output="$TEST_DIR/$1.out"
    case $format in
    ledger)
        command -v ledger >/dev/null 2>&1 || return 0
        ledger -f "$file" bal --flat --no-total >"$output" 2>"$output.err" ||
            { fail "ledger refused $file: $(head -c 500 "$output.err")"; return; }
        ;;
    hledger)
        command -v hledger >/dev/null 2>&1 || return 0
        hledger -f "$file" bal --flat -N -O csv --layout=bare >"$output" 2>"$output.err" ||
            { fail "hledger refused $file: $(head -c 500 "$output.err")"; return; }
        ;;
    beancount)
        command -v bean-check >/dev/null 2>&1 || return 0
        bean-check "$file" >"$output.err" 2>&1 ||
            { fail "bean-check refused $file: $(head -c 500 "$output.err")"; return; }
        bean-query -f csv "$file" "SELECT account, currency, sum(number) AS total GROUP BY account, currency" \
            >"$output" 2>"$output.err" ||
            { fail "bean-query refused $file: $(head -c 500 "$output.err")"; return; }
        ;;
    esac
    local compared
    compared=$("$PYTHON" "$(dirname "$0")/journal_balance.py" "$format" "$output" "$balance" 2>&1) ||
        fail "$compared"
}

demo balance --json
printf '%s\n' "$OUT" >"$TEST_DIR/balance.json"
demo balance --json --as-of 2024-12-31
printf '%s\n' "$OUT" >"$TEST_DIR/balance-2024.json"
for format in ledger hledger beancount; do
    test_case "the $format journal is accepted and its balances equal acsa balance"
    demo export journal --format "$format" --out "$TEST_DIR/all.$format"
    expect_exit 0
    expect_stdout_contains "transactions written to"
    check_journal "$format" "$TEST_DIR/all.$format" "$TEST_DIR/balance.json"

    test_case "the $format journal of a period opens with the earlier postings and agrees"
    demo export journal --format "$format" --from 2024-03-01 --to 2024-12-31 \
        --out "$TEST_DIR/period.$format"
    expect_exit 0
    grep -q "opening balance" "$TEST_DIR/period.$format" || fail "no opening balance"
    check_journal "$format" "$TEST_DIR/period.$format" "$TEST_DIR/balance-2024.json"
done

test_case "in-kind legs carry their quantity and line as metadata, never as amounts"
grep -q '^    ; quantity: ' "$TEST_DIR/all.ledger" || fail "no quantity comment in the ledger journal"
grep -q '^    quantity: "' "$TEST_DIR/all.beancount" || fail "no quantity metadata in beancount"
grep -q '^[0-9-]* open Assets:Receivable:Kind:JP$' "$TEST_DIR/all.beancount" ||
    fail "no open directive for Assets:Receivable:Kind:JP"

test_case "an amount of more than 15 digits goes to XLSX as text with every digit"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --method cash --by "Lt Iyer" \
    --date 2024-06-10 --line "category=pol,desc=Bulk fuel,qty=1000000,unit=l,price=1000000000,currency=JPY"
expect_exit 0
BIG=$OUT
run export orders --format xlsx --search "$BIG" --out "$OUTDIR/big.xlsx"
expect_exit 0
if command -v unzip >/dev/null 2>&1; then
    sheet=$(unzip -p "$OUTDIR/big.xlsx" xl/worksheets/sheet1.xml)
    printf '%s' "$sheet" | grep -q '<c r="L2" [^>]*t="inlineStr"><is><t>1000000000000000</t>' ||
        fail "the 16-digit value is not text: $(printf '%s' "$sheet" | grep -o '<c r="L2".\{0,80\}')"
fi

# ---- The API ---------------------------------------------------------------------------------

if command -v curl >/dev/null 2>&1; then
    . "$(dirname "$0")/http_lib.sh"
    ACSA_KEY="$DEMO_KEY" serve_start "$DEMO" --threads 2

    test_case "GET /api/export/orders?format=csv: an attachment with the orders the user sees"
    sign_in in-finance
    http GET "/api/export/orders?format=csv&state=closed"
    expect_status 200
    expect_header Content-Type "text/csv; charset=utf-8"
    case $(header Content-Disposition) in
    'attachment; filename="acsa-orders-'*'.csv"') ;;
    *) fail "Content-Disposition: $(header Content-Disposition)" ;;
    esac
    expect_header X-Content-Type-Options nosniff
    cp "$TEST_DIR/body" "$TEST_DIR/api-closed.csv"
    demo export orders --format csv --state closed --force --out "$TEST_DIR/closed.csv"
    cmp -s "$TEST_DIR/api-closed.csv" "$TEST_DIR/closed.csv" ||
        fail "the API's CSV differs from acsa export's"

    test_case "GET /api/export/lines?format=xlsx is a workbook; json parses"
    http GET "/api/export/lines?format=xlsx"
    cp "$TEST_DIR/body" "$TEST_DIR/api-lines.xlsx"
    expect_status 200
    expect_header Content-Type "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$TEST_DIR/api-lines.xlsx" xl/worksheets/sheet1.xml | grep -q 'ySplit="1"' ||
            fail "no frozen header in the API's workbook"
    fi
    http GET "/api/export/postings?format=json&from=2024-03-01&to=2024-03-31"
    expect_status 200
    expect_json 'len(d) > 0 and all("2024-03-01" <= p["date"] <= "2024-03-31" for p in d)' true

    test_case "a requester's export holds only the orders of their unit"
    sign_in jp-requester
    http GET "/api/export/orders?format=json"
    expect_status 200
    expect_json 'len(d) > 0 and all(o["requester"] == "JP" or o["supplier"] == "JP" for o in d)' true
    SEEN=$(json_value 'len(d)')
    sign_in in-finance
    http GET "/api/export/orders?format=json"
    [ "$(json_value 'len(d)')" -gt "$SEEN" ] || fail "the finance officer sees no more than a requester"

    test_case "GET /api/export/journal: for the roles that read the balance, and it balances"
    http GET "/api/export/journal?format=beancount&from=2024-03-01&to=2024-12-31"
    cp "$TEST_DIR/body" "$TEST_DIR/api.beancount"
    expect_status 200
    expect_header Content-Type "text/plain; charset=utf-8"
    check_journal beancount "$TEST_DIR/api.beancount" "$TEST_DIR/balance-2024.json"
    sign_in jp-requester
    http GET "/api/export/journal?format=ledger"
    expect_problem 403

    test_case "GET /api/export/documents answers the documents of the orders the user may see"
    sign_in in-finance
    http GET "/api/export/documents?format=csv"
    if [ "$STATUS" != 200 ] || [[ "$OUT" != *"id,order,line,kind,sha256"* ]]; then
        fail "expected 200 with the documents' CSV, got $STATUS"
    fi

    test_case "bad exports are refused naming the field"
    sign_in in-finance
    http GET "/api/export/orders?format=pdf"
    expect_problem 400 format
    http GET "/api/export/invoices?format=csv"
    expect_problem 404 kind
    http GET "/api/export/orders?format=csv&from=2024-01-01"
    expect_problem 400 from
    http GET "/api/export/journal?format=xlsx"
    expect_problem 400 format
    http GET "/api/export/orders?format=json&excel=true"
    expect_problem 400 excel
    http GET "/api/export/orders"
    expect_problem 400 format
fi

finish
