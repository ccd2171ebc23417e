# SPDX-License-Identifier: MIT
# acsa import orders and acsa import template: refusals first (each names its row and column,
# many at once, and leaves no order behind), then the template filled in and imported, a good
# file of three orders with several lines, a byte order mark, quoted fields and a dry run.

. "$(dirname "$0")/lib.sh"

setup_india_japan

HEADER="order_ref,agreement,requester,supplier,activity,method,requester_unit,supplier_unit,place,need_by,date,backdate_reason,currency,category,description,nsn,quantity,unit,price"
WHY="replayed from the exercise records"

# One row of an order: REF CATEGORY DESCRIPTION QTY UNIT PRICE [SUPPLIER]
row() {
    printf '%s,IN-JP-2020,IN,%s,%s,cash,%s,%s,Yokosuka berth 4,2024-06-12,2024-06-10,%s,JPY,%s,%s,,%s,%s,%s\n' \
        "$1" "${7:-JP}" "$JIMEX" "$NAVY" "$JMSDF" "$WHY" "$2" "$3" "$4" "$5" "$6"
}

count_orders() {
    run order list --json
    json_value 'len(d)'
}

test_case "import template prints the header and one example row"
run import template
expect_exit 0
expect_stdout_contains "$HEADER"
if [ "$(printf '%s\n' "$OUT" | wc -l)" -ne 2 ]; then
    fail "expected two lines"
fi
TEMPLATE=$OUT

# ---- Refusals ----------------------------------------------------------------------------

BEFORE=$(count_orders)

{ echo "$HEADER"; row A pol "Diesel fuel" 100 l 150; row A water "Water" 10 l 2
  row B pol "Diesel" 1 l 1.5; } >"$TEST_DIR/bad_price.csv"
expect_refused "a price with decimals JPY lacks is refused by row and column; nothing created" \
    2 "row 4, column price: \"1.5\" must be a whole number (no decimals allowed) in JPY" \
    import orders "$TEST_DIR/bad_price.csv"
expect_stderr_contains "import: 1 error; nothing was created"
if [ "$(count_orders)" != "$BEFORE" ]; then
    fail "the order count changed"
fi

{ echo "$HEADER"; row A pol "Diesel" 1 l 150; row B weapons "Rifles" 1 ea 10
  row C pol "Diesel" -1 l 150; row D pol "Diesel" 1 l 150 US; row E pol "Diesel" 1 l 15.25
  row F pol "Diesel" 1 l 150; row F beer "Beer" 1 l 150; } >"$TEST_DIR/many.csv"
expect_refused "every error of a file is reported at once, each by row and column" \
    1 "row 3, column category: category \"weapons\" is excluded" \
    import orders "$TEST_DIR/many.csv"
expect_stderr_contains "row 4, column quantity:"
expect_stderr_contains "row 5, column supplier_unit: unit $JMSDF (JMSDF) belongs to JP, not US"
expect_stderr_contains "row 6, column price:"
expect_stderr_contains "row 8, column category: category \"beer\" is not a category"
expect_stderr_contains "import: 5 errors; nothing was created"

{ echo "$HEADER"; row A pol "Diesel" 1 l 150; row A water "Water" 1 l 2 US; } \
    >"$TEST_DIR/disagree.csv"
expect_refused "rows of one order_ref that disagree on an order-level column are refused" \
    2 "row 3, column supplier: differs from row 2, the first row of order_ref \"A\"" \
    import orders "$TEST_DIR/disagree.csv"

{ echo "$HEADER,colour"; echo "$(row A pol "Diesel" 1 l 150),red"; } >"$TEST_DIR/unknown.csv"
expect_refused "an unknown column is refused naming it" \
    2 "row 1, column 20: unknown column \"colour\"" import orders "$TEST_DIR/unknown.csv"

echo "order_ref,agreement,requester" >"$TEST_DIR/missing.csv"
expect_refused "missing required columns are each named" \
    2 "row 1, column supplier: required column missing" import orders "$TEST_DIR/missing.csv"
expect_stderr_contains "row 1, column price: required column missing"

: >"$TEST_DIR/empty.csv"
expect_refused "an empty file is refused" 2 "the file is empty: a header row is required" \
    import orders "$TEST_DIR/empty.csv"

echo "$HEADER" >"$TEST_DIR/header_only.csv"
expect_refused "a header without rows is refused" 2 "row 2: no order lines below the header" \
    import orders "$TEST_DIR/header_only.csv"

{ echo "$HEADER"; row A pol "Diesel $(printf '\xff')fuel" 1 l 150; } >"$TEST_DIR/utf8.csv"
expect_refused "bytes that are not UTF-8 are refused naming row and column" \
    2 "row 2, column description: not valid UTF-8 at byte 8" import orders "$TEST_DIR/utf8.csv"

{ echo "$HEADER"; row A pol "Diesel" 1 l 150 | sed 's/Diesel/"Diesel\nfuel"/'; } \
    >"$TEST_DIR/newline.csv"
expect_refused "a quoted line break is read, then refused where the field is one line" \
    2 "row 2, column description: control character U+000A" import orders "$TEST_DIR/newline.csv"

{ echo "$HEADER"; row A pol 'Di"esel' 1 l 150; } >"$TEST_DIR/quote.csv"
expect_refused "a stray quote is refused naming row and column" \
    2 "row 2, column description: a quote inside a field that is not quoted" \
    import orders "$TEST_DIR/quote.csv"

"$PYTHON" -c 'import sys; sys.stdout.write("x" * (4 * 1024 * 1024 + 1))' >"$TEST_DIR/large.csv"
expect_refused "a file over ACSA_IMPORT_BYTES_MAX is refused naming the limit" \
    1 "larger than 4194304 bytes (ACSA_IMPORT_BYTES_MAX)" import orders "$TEST_DIR/large.csv"

test_case "more than ACSA_IMPORT_ROWS_MAX rows are refused naming the limit; nothing created"
{ echo "$HEADER"; r=$(row R pol "Diesel" 1 l 150); for i in $(seq 1 10001); do echo "$r"; done; } \
    >"$TEST_DIR/rows.csv"
run import orders "$TEST_DIR/rows.csv"
expect_exit 1
expect_stderr_contains "row 10002: more than 10000 rows of order lines (ACSA_IMPORT_ROWS_MAX)"

test_case "more than 50 errors: 50 are shown, and how many more"
{ echo "$HEADER"; for i in $(seq 1 60); do row "R$i" pol "Diesel" 0 l 150; done; } \
    >"$TEST_DIR/sixty.csv"
run import orders "$TEST_DIR/sixty.csv"
expect_exit 1
expect_stderr_contains "row 51, column quantity:"
expect_stderr_contains "and 10 more"
expect_stderr_contains "import: 60 errors"

test_case "every refusal left the order list as it was"
if [ "$(count_orders)" != "$BEFORE" ]; then
    fail "the order count changed: $(count_orders) != $BEFORE"
fi

test_case "an order refused late (the seventh) leaves none of the first six"
{ echo "$HEADER"; for i in 1 2 3 4 5 6; do row "S$i" pol "Diesel" 1 l 150; done
  row S7 pol "Diesel" 1 l 150 | sed "s/,$JIMEX,/,999,/"; } >"$TEST_DIR/seventh.csv"
run import orders "$TEST_DIR/seventh.csv"
expect_exit 3
expect_stderr_contains "row 8, column activity:"
if [ "$(count_orders)" != "$BEFORE" ]; then
    fail "orders were created"
fi

# ---- Imports -------------------------------------------------------------------------------

test_case "the template filled in imports cleanly"
printf '%s\n' "$TEMPLATE" | "$PYTHON" -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
head = rows[0]
fill = dict(zip(head, rows[1]))
fill.update(activity=sys.argv[1], requester_unit=sys.argv[2], supplier_unit=sys.argv[3],
            backdate_reason=sys.argv[4], order_ref="T1")
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(head)
w.writerow([fill[h] for h in head])
' "$JIMEX" "$NAVY" "$JMSDF" "$WHY" >"$TEST_DIR/template.csv"
run import orders "$TEST_DIR/template.csv"
expect_exit 0
expect_stdout_matches '^T1 -> IN-JP-2024-[0-9]{6}$'

test_case "a dry run shows the orders, lines and values and creates nothing"
{ echo "$HEADER"; row G1 pol "Diesel fuel marine" 12000 l 150; row G1 water "Potable water" 40000 l 2
  row G2 food "Fresh rations" 10 kg 900; row G3 pol "Diesel" 5 l 150
  row G3 water "Water" 5 l 2; row G3 food "Rations" 1.5 kg 900; } >"$TEST_DIR/good.csv"
N_BEFORE=$(count_orders)
run import orders "$TEST_DIR/good.csv" --dry-run
expect_exit 0
expect_stdout_contains "G1 -> IN-JP-2024-"
expect_stdout_contains "JPY 1880000, 2 lines"
expect_stdout_contains "row 7: food, Rations, 1.5 kg x 900 = 1350"
expect_stderr_contains "dry run: 3 orders of 6 lines would be created; nothing was"
if [ "$(count_orders)" != "$N_BEFORE" ]; then
    fail "a dry run created orders"
fi

test_case "rows of one order_ref need not be next to each other"
{ echo "$HEADER"; row I1 pol "Diesel" 1 l 150; row I2 water "Water" 1 l 2
  row I1 food "Rations" 2 kg 900; } >"$TEST_DIR/interleaved.csv"
run import orders "$TEST_DIR/interleaved.csv" --dry-run --json
expect_exit 0
expect_json '[(o["order_ref"], o["row"], [l["row"] for l in o["lines"]], o["value"]) for o in d["orders"]]' \
    '[["I1",2,[2,4],"1950"],["I2",3,[3],"2"]]'

test_case "a good file of three orders with several lines is imported, numbers printed"
run import orders "$TEST_DIR/good.csv" --by "Lt Iyer"
expect_exit 0
expect_stdout_matches '^G1 -> IN-JP-2024-[0-9]{6}
G2 -> IN-JP-2024-[0-9]{6}
G3 -> IN-JP-2024-[0-9]{6}$'
G1=$(printf '%s\n' "$OUT" | sed -n 's/^G1 -> //p')
if [ "$(count_orders)" != "$((N_BEFORE + 3))" ]; then
    fail "expected three more orders"
fi

test_case "an imported order is the order create would make"
run order show "$G1" --json
expect_exit 0
expect_json 'd["state"]' draft
expect_json 'd["value"]' 1880000
expect_json '[l["value"] for l in d["lines"]]' '["1800000","80000"]'
expect_json 'd["events"][0]["actor"]' "Lt Iyer"
expect_json 'd["place"]' "Yokosuka berth 4"

test_case "a file with a byte order mark, CRLF rows and quoted fields is imported"
{ printf '\xef\xbb\xbf%s\r\n' "$HEADER"
  row Q1 pol 'x' 2 l 150 | sed 's/,x,/,"Diesel, ""F-76"" grade",/; s/$/\r/'; } >"$TEST_DIR/bom.csv"
run import orders "$TEST_DIR/bom.csv" --json
expect_exit 0
expect_json 'd["created"]' true
expect_json 'd["orders"][0]["lines"][0]["description"]' 'Diesel, "F-76" grade'
expect_json 'd["orders"][0]["value"]' 300

test_case "the audit log records the import"
expect_json 'd["error_count"]' 0
run audit list --json
expect_stdout_contains "order.import"

finish
