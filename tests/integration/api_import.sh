# SPDX-License-Identifier: MIT
# POST /api/import/orders on a demo node: refusals first (not signed in, not CSV, too large,
# a bad row as a problem listing every error by row and column, a unit not the user's), then a
# dry run that creates nothing and an import of two orders.

. "$(dirname "$0")/lib.sh"

require_curl

. "$(dirname "$0")/http_lib.sh"

test_case "a demo database to serve"
run_raw demo --db "$DB"
expect_exit 0
serve_start "$DB" --threads 2

HEADER="order_ref,agreement,requester,supplier,activity,method,requester_unit,supplier_unit,place,need_by,date,backdate_reason,currency,category,description,quantity,unit,price"
# REF CATEGORY QTY PRICE [REQUESTER_UNIT]: an order line of the Indian Navy (unit 2) to the
# JMSDF (unit 5) during JIMEX 2024 (activity 2).
row() {
    printf '%s,IN-JP-2020,IN,JP,2,cash,%s,5,Yokosuka,2024-06-15,2024-06-12,from the records,JPY,%s,Supplies,%s,ea,%s\n' \
        "$1" "${5:-2}" "$2" "$3" "$4"
}
post_csv() {
    http POST "/api/import/orders$1" -H 'Content-Type: text/csv' --data-binary "@$2"
}
count_orders() {
    http GET '/api/orders?limit=500'
    json_value 'len(d["items"])'
}

test_case "not signed in: 401"
{ echo "$HEADER"; row A pol 1 150; } >"$TEST_DIR/one.csv"
JAR=""
post_csv "" "$TEST_DIR/one.csv"
expect_problem 401

sign_in in-requester
BEFORE=$(count_orders)

test_case "a body that is not text/csv: 415"
http POST /api/import/orders -H 'Content-Type: application/json' --data-binary "@$TEST_DIR/one.csv"
expect_problem 415 Content-Type

test_case "a body over SERVER_IMPORT_BODY_MAX: 413"
"$PYTHON" -c 'import sys; sys.stdout.write("x" * (4 * 1024 * 1024 + 1))' >"$TEST_DIR/large.csv"
post_csv "" "$TEST_DIR/large.csv"
expect_status 413

test_case "a bad file is a problem listing every error by row and column; nothing created"
{ echo "$HEADER"; row A pol 1 150; row A water 1 1.5; row B beer 0 10; } >"$TEST_DIR/bad.csv"
post_csv "" "$TEST_DIR/bad.csv"
expect_problem 400 import
expect_json 'd["error_count"]' 2
expect_json '[(e["row"], e["column"]) for e in d["errors"]]' '[[3,"price"],[4,"category"]]'
expect_json 'd["created"]' false
expect_json 'd["detail"]' "import: 2 errors; nothing was created"

test_case "an order for another unit than the user's is refused (403), naming its row"
{ echo "$HEADER"; row A pol 1 150 1; } >"$TEST_DIR/other.csv"
post_csv "" "$TEST_DIR/other.csv"
expect_problem 403
expect_json 'd["errors"][0]["row"]' 2

test_case "a dry run answers what would be created and creates nothing"
{ echo "$HEADER"; row A pol 2 150; row A water 3 10; row B food 1 900; } >"$TEST_DIR/good.csv"
post_csv "?dry_run=1" "$TEST_DIR/good.csv"
expect_status 200
expect_json 'd["dry_run"]' true
expect_json 'd["created"]' false
expect_json '[o["order_ref"] for o in d["orders"]]' '["A","B"]'
expect_json '[o["value"] for o in d["orders"]]' '["330","900"]'
expect_json '[l["value"] for l in d["orders"][0]["lines"]]' '["300","30"]'
if [ "$(count_orders)" != "$BEFORE" ]; then
    fail "a dry run created orders"
fi

test_case "an import creates the orders (201) raised by the signed-in user"
post_csv "" "$TEST_DIR/good.csv"
expect_status 201
expect_json 'd["created"]' true
expect_json 'all(o["number"].startswith("IN-JP-2024-") for o in d["orders"])' true
NUMBER=$(json_value 'd["orders"][0]["number"]')
http GET "/api/orders/$NUMBER"
expect_status 200
expect_json 'd["events"][0]["actor"]' "Lt Cdr M. Pillai"
if [ "$(count_orders)" != "$((BEFORE + 2))" ]; then
    fail "expected two more orders"
fi

test_case "dry_run other than true, false, 1 or 0 is refused"
post_csv "?dry_run=maybe" "$TEST_DIR/good.csv"
expect_problem 400 dry_run

finish
