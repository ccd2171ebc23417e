# SPDX-License-Identifier: MIT
# Supporting documents over HTTP on a demo node: upload a file to a line (raw body, type told
# by content), list, download as an attachment with the sniffed type and nosniff; and every
# refusal: not signed in, no CSRF token, an auditor, too large (announced and chunked), a wrong
# type, an empty body, a bad line, a bad kind, an order the user may not see, an unknown order.

. "$(dirname "$0")/lib.sh"

require_curl
. "$(dirname "$0")/http_lib.sh"

test_case "a demo database to serve"
run_raw demo --db "$DB"
expect_exit 0
serve_start "$DB" --threads 2

F="$TEST_DIR/files"
mkdir -p "$F"
printf '\x89PNG\r\n\x1a\n IHDR a ticket from the API' >"$F/ticket.png"
printf 'plain text, sent as image/png' >"$F/fake.png"
truncate -s 21000000 "$F/big.pdf"
printf '%%PDF-' | dd of="$F/big.pdf" conv=notrunc status=none

test_case "a Japanese order the Indian requester may not see, and one of the requester's own"
sign_in in-programme
http GET "/api/orders?limit=200"
expect_status 200
OTHER=$(json_value '[o["number"] for o in d["items"] if o["requester"] == "JP"][0]')
sign_in in-requester
http GET "/api/orders?limit=200"
expect_status 200
ORDER=$(json_value '[o["number"] for o in d["items"] if o["requester"] == "IN" and o["state"] not in ("cancelled", "rejected")][0]')

test_case "POST /api/orders/{number}/documents stores the raw body and answers 201 with the document"
http POST "/api/orders/$ORDER/documents?line=1&kind=fuel-ticket" \
    -H 'Content-Type: application/pdf' --data-binary "@$F/ticket.png"
expect_status 201
expect_json 'd["order"]' "$ORDER"
expect_json 'd["line"]' 1
expect_json 'd["kind"]' fuel-ticket
expect_json 'd["content_type"]' image/png
expect_json 'd["by"]' "Lt Cdr M. Pillai"
expect_json 'd["sha256"]' "$(sha256sum "$F/ticket.png" | cut -d' ' -f1)"
DOC=$(json_value 'd["id"]')

test_case "GET /api/orders/{number}/documents lists it"
http GET "/api/orders/$ORDER/documents"
expect_status 200
expect_json '[x["id"] for x in d["items"]]' "[\"$DOC\"]"

test_case "GET /api/documents/{id} downloads it as an attachment, sniffed type, nosniff"
http GET "/api/documents/$DOC"
expect_status 200
expect_header Content-Type image/png
expect_header Content-Disposition "attachment; filename=\"$DOC.png\""
expect_header X-Content-Type-Options nosniff
cmp -s "$TEST_DIR/body" "$F/ticket.png" || fail "the bytes downloaded differ"

test_case "refused: not signed in (401), the body never read"
JAR="" CSRF="" http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" \
    --data-binary "@$F/ticket.png"
expect_problem 401
JAR="" CSRF="" http GET "/api/documents/$DOC"
expect_problem 401

test_case "refused: a session without its CSRF token (403)"
SAVED=$CSRF
CSRF=""
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" --data-binary "@$F/ticket.png"
expect_problem 403 X-CSRF-Token
CSRF=$SAVED

test_case "refused: too large, announced (413 before the body)"
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" --data-binary "@$F/big.pdf"
expect_problem 413

test_case "refused: too large, chunked (413, never held whole)"
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" -H 'Transfer-Encoding: chunked' \
    --data-binary "@$F/big.pdf"
expect_problem 413

test_case "refused: not a PDF, JPEG or PNG by its content (415), whatever Content-Type says"
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" -H 'Content-Type: image/png' \
    --data-binary "@$F/fake.png"
expect_problem 415 body
expect_json 'd["detail"]' "body: not a PDF, JPEG or PNG file (told by its content, not its name)"
expect_json '[d["type"].rsplit("/", 1)[1], d["title"]]' \
    '["unsupported-media-type","The body is not of a type this route takes"]'


test_case "refused: an empty body (422)"
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" --data-binary ''
expect_problem 422 body

test_case "refused: a line the order does not have (422)"
http POST "/api/orders/$ORDER/documents?line=64&kind=receipt" --data-binary "@$F/ticket.png"
expect_problem 422 line
http POST "/api/orders/$ORDER/documents?line=0&kind=receipt" --data-binary "@$F/ticket.png"
expect_problem 400 line

test_case "refused: a kind that is not one (400)"
http POST "/api/orders/$ORDER/documents?line=1&kind=selfie" --data-binary "@$F/ticket.png"
expect_problem 400 kind

test_case "refused: an unknown order (404)"
http POST "/api/orders/IN-JP-1999-000001/documents?line=1&kind=receipt" \
    --data-binary "@$F/ticket.png"
expect_problem 404

test_case "refused: an order of another unit, which this requester may not see (404)"
http POST "/api/orders/$OTHER/documents?line=1&kind=receipt" --data-binary "@$F/ticket.png"
expect_problem 404
http GET "/api/orders/$OTHER/documents"
expect_problem 404

test_case "refused: an auditor reads but may not attach (422 role)"
sign_in in-auditor
http GET "/api/orders/$ORDER/documents"
expect_status 200
http POST "/api/orders/$ORDER/documents?line=1&kind=receipt" --data-binary "@$F/ticket.png"
expect_problem 422 role

test_case "a finance officer of the same party may attach"
sign_in in-finance
http POST "/api/orders/$ORDER/documents?line=1&kind=invoice" --data-binary "@$F/ticket.png"
expect_status 201

test_case "an unknown document is 404"
http GET /api/documents/IN-DOC-1999-000001
expect_problem 404

test_case "every refused upload that reached the node left no document"
http GET "/api/orders/$ORDER/documents"
expect_json 'len(d["items"])' 2

test_case "the server stops cleanly"
serve_stop

finish
