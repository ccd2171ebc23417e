# SPDX-License-Identifier: MIT
# The printed forms over HTTP on a demo node: GET /api/orders/{number}/forms/{form}.pdf and
# .html (status, content type, Content-Disposition, nosniff, the HTML form's strict policy),
# ?invoice=, the refusals (not signed in, an order the user may not see, an unknown form, an
# invoice that is not the order's), and GET /api/orders/{number}/verify?hash=.

. "$(dirname "$0")/lib.sh"

require_curl

. "$(dirname "$0")/http_lib.sh"

test_case "a demo node served"
run_raw demo --db "$DB"
expect_exit 0
# A cash order of India's army with an invoice: the demo's first one invoiced.
run order list --state invoiced --partner JP --json
ORDER=$(json_value '[o["number"] for o in d if o["method"] == "cash" and o["requester"] == "IN"][0]')
run order show "$ORDER" --json
INVOICE=$(json_value 'd["invoices"][0]["number"]')
serve_start "$DB" --threads 2

test_case "the forms need a signed-in user (401)"
JAR=""
http GET "/api/orders/$ORDER/forms/order.pdf"
expect_problem 401

test_case "GET .../forms/order.pdf: a PDF, inline, named, nosniff"
sign_in in-finance
expect_status 200
http GET "/api/orders/$ORDER/forms/order.pdf"
expect_status 200
expect_header Content-Type application/pdf
expect_header Content-Disposition "inline; filename=\"$ORDER-order.pdf\""
expect_header X-Content-Type-Options nosniff
if [ "$(head -c 5 "$TEST_DIR/body")" != "%PDF-" ]; then
    fail "the body is not a PDF"
fi
if command -v pdftotext >/dev/null 2>&1; then
    cp "$TEST_DIR/body" "$TEST_DIR/order.pdf"
    TEXT=$(pdftotext "$TEST_DIR/order.pdf" - 2>/dev/null)
    case "$TEXT" in
    *"$ORDER"*"陸上自衛隊"*) ;;
    *) fail "the PDF lacks the number or the demo's Japanese unit name" ;;
    esac
fi

test_case "GET .../forms/receipt.html: HTML with a strict Content-Security-Policy"
http GET "/api/orders/$ORDER/forms/receipt.html"
expect_status 200
expect_header Content-Type "text/html; charset=utf-8"
expect_header Content-Disposition "inline; filename=\"$ORDER-receipt.html\""
expect_header X-Content-Type-Options nosniff
CSP=$(header Content-Security-Policy)
case "$CSP" in
"default-src 'none';"*) ;;
*) fail "not a strict policy: $CSP" ;;
esac
if [ "$(printf '%s\n' "$HEADERS" | grep -ci '^Content-Security-Policy:')" != 1 ]; then
    fail "more than one Content-Security-Policy header"
fi
case "$OUT" in
*"RECEIPT FOR SUPPLIES OR SERVICES"*"$ORDER"*) ;;
*) fail "the HTML form lacks its title or number" ;;
esac
case "$OUT" in
*"<script"*) fail "the HTML form holds a script" ;;
esac
HASH=$(printf '%s' "$OUT" | sed -n 's/.*data-test="form-hash">\([0-9a-f]\{64\}\)<.*/\1/p')

test_case "GET .../forms/invoice.pdf?invoice=: the invoice named"
http GET "/api/orders/$ORDER/forms/invoice.pdf?invoice=$INVOICE"
expect_status 200
expect_header Content-Disposition "inline; filename=\"$ORDER-invoice.pdf\""
http GET "/api/orders/$ORDER/forms/invoice.html?invoice=$INVOICE"
expect_status 200
case "$OUT" in
*"Invoice No. $INVOICE"*) ;;
*) fail "the invoice form lacks its invoice number" ;;
esac

test_case "refused: an invoice that is not the order's (404), ?invoice= on another form (400)"
http GET "/api/orders/$ORDER/forms/invoice.pdf?invoice=JP-INV-IN-1999-000001"
expect_problem 404 invoice
http GET "/api/orders/$ORDER/forms/order.pdf?invoice=$INVOICE"
expect_problem 400 invoice
http GET "/api/orders/$ORDER/forms/order.pdf?copies=2"
expect_status 400

test_case "refused: an unknown form or format (404)"
http GET "/api/orders/$ORDER/forms/memo.pdf"
expect_problem 404 form
http GET "/api/orders/$ORDER/forms/order.docx"
expect_problem 404 form
http GET "/api/orders/$ORDER/forms/order"
expect_problem 404 form

test_case "refused: an order that does not exist, or that the user may not see (404)"
http GET "/api/orders/IN-JP-2024-999999/forms/order.pdf"
expect_problem 404
sign_in in-requester
http GET "/api/orders/$ORDER/forms/order.pdf"
expect_problem 404 number
http GET "/api/orders/$ORDER/verify?hash=$HASH"
expect_problem 404 number

test_case "GET .../verify?hash=: the form's hash matches the last record"
sign_in in-auditor
http GET "/api/orders/$ORDER/verify?hash=$HASH"
expect_status 200
expect_json 'd["matches"]' true
expect_json 'd["last"]' "$HASH"
expect_json 'd["out_of_date"]' false

test_case "GET .../verify?hash=: another hash does not; a malformed one is 400"
http GET "/api/orders/$ORDER/verify?hash=$(printf 'a%.0s' $(seq 1 64))"
expect_status 200
expect_json 'd["matches"]' false
expect_json 'd["record"]' 0
http GET "/api/orders/$ORDER/verify?hash=xyz"
expect_problem 400 hash
http GET "/api/orders/$ORDER/verify"
expect_problem 400 hash

finish
