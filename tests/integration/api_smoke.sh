# SPDX-License-Identifier: MIT
# acsa serve, driven with curl on a demo node: sign-in, an order walked through its steps
# with If-Match, a stale ETag, the refusals (401 403 404 413 415 400 428), idempotent replay,
# /healthz, /metrics (signed in), the OpenAPI document against the route table, and a clean SIGTERM.

. "$(dirname "$0")/lib.sh"

require_curl

# The node is lib.sh's DB: a file, or under ACSA_TEST_PG a PostgreSQL database.

. "$(dirname "$0")/http_lib.sh"

# ---- The server ------------------------------------------------------------------------------

test_case "a demo database to serve"
run_raw demo --db "$DB"
expect_exit 0

test_case "acsa serve listens on a free port and says where"
serve_start "$DB" --threads 2

test_case "GET /healthz answers ok, with a request id and security headers"
http GET /healthz
expect_status 200
expect_stdout '{"status":"ok"}'
if [ -z "$(header X-Request-Id)" ]; then
    fail "no X-Request-Id"
fi
expect_header X-Content-Type-Options nosniff
expect_header Content-Security-Policy "default-src 'self'"

test_case "GET / serves the web UI"
http GET /
expect_status 200
expect_header Content-Type "text/html; charset=utf-8"
expect_header Cache-Control no-cache
http GET /app.js
expect_status 200
expect_header Content-Type "text/javascript; charset=utf-8"

# ---- Authentication --------------------------------------------------------------------------

test_case "the API needs a signed-in user (401)"
JAR=""
http GET /api/orders
expect_problem 401

test_case "a wrong password is refused (401)"
http_json POST /api/session '{"username":"in-requester","password":"not-the-password"}'
expect_problem 401

test_case "a requester signs in: cookie, user and CSRF token"
sign_in in-requester
expect_status 200
expect_json 'd["user"]["role"]' requester
expect_json 'len(d["csrf_token"])' 64
case "$(header Set-Cookie)" in
*"acsa_session="*"HttpOnly"*"SameSite=Strict"*) ;;
*) fail "Set-Cookie lacks the session attributes: $(header Set-Cookie)" ;;
esac

test_case "a write without the CSRF token is forbidden (403)"
SAVED_CSRF=$CSRF
CSRF=""
http_json POST /api/tokens '{"name":"no csrf"}'
expect_problem 403 X-CSRF-Token
CSRF=$SAVED_CSRF

test_case "an API token authenticates scripts without cookie or CSRF"
http_json POST /api/tokens '{"name":"smoke script"}'
expect_status 201
TOKEN=$(json_value 'd["token"]')
SAVED_JAR=$JAR
JAR=""
http GET /api/session -H "Authorization: Bearer $TOKEN"
expect_status 200
expect_json 'd["user"]["username"]' in-requester
expect_json 'd["csrf_token"]' null
JAR=$SAVED_JAR

test_case "a method a path does not serve is 405 with Allow"
http DELETE /api/orders
expect_problem 405
expect_header Allow "GET, POST"

# ---- Validation ------------------------------------------------------------------------------

ORDER_BODY='{"agreement":"IN-JP-2020","requester":"IN","supplier":"JP","activity":2,
 "method":"cash","requester_unit":2,"supplier_unit":5,"place":"Yokosuka","need_by":"2024-06-18",
 "backdate_reason":"replayed from exercise records",
 "date":"2024-06-12","lines":[{"category":"pol","desc":"diesel","qty":"1000","unit":"l",
 "price":"150","currency":"JPY"}]}'

test_case "a body that is not JSON is 415"
http POST /api/orders -H 'Content-Type: text/plain' --data-binary 'hello'
expect_problem 415

test_case "malformed JSON is 400 with line and column"
http_json POST /api/orders '{"agreement": '
expect_problem 400 body
expect_json '"line 1" in d["detail"] and "column" in d["detail"]' true

test_case "an unknown member is 400 naming it"
http_json POST /api/orders '{"agreemnt":"IN-JP-2020"}'
expect_problem 400 agreemnt

test_case "a wrong type inside a line is 400 naming lines[0].qty"
http_json POST /api/orders "${ORDER_BODY/\"qty\":\"1000\"/\"qty\":1000}"
expect_problem 400 'lines[0].qty'

test_case "defect 3: POST /api/orders dated 2029-06-10 is 400 naming date"
http_json POST /api/orders "${ORDER_BODY/\"date\":\"2024-06-12\"/\"date\":\"2029-06-10\"}"
expect_problem 400 date
expect_json '"2029-06-10 is after today" in d["detail"]' true

test_case "a missing member is 400 naming it"
http_json POST /api/orders '{"agreement":"IN-JP-2020"}'
expect_problem 400 requester

test_case "a body over 64 KiB is 413"
head -c 70000 /dev/zero | tr '\0' 'a' >"$TEST_DIR/big"
http POST /api/orders -H 'Content-Type: application/json' --data-binary "@$TEST_DIR/big"
expect_problem 413

# ---- An order --------------------------------------------------------------------------------

test_case "the requester raises an order: 201, Location, ETag"
http_json POST /api/orders "$ORDER_BODY"
expect_status 201
expect_json 'd["state"]' draft
expect_json 'len(d["events"])' 1
NUMBER=$(json_value 'd["number"]')
expect_header Location "/api/orders/$NUMBER"
expect_header ETag "\"$NUMBER.1\""
ETAG=$(header ETag)

test_case "GET /api/orders/{number} shows it with its ETag"
http GET "/api/orders/$NUMBER"
expect_status 200
expect_header ETag "$ETAG"
expect_json 'd["lines"][0]["category"]' pol

test_case "a step without If-Match is 428"
http_json POST "/api/orders/$NUMBER/submit" '{}'
expect_problem 428 If-Match

test_case "the requester submits with If-Match: 200 and a new ETag"
http_json POST "/api/orders/$NUMBER/submit" \
    '{"backdate_reason":"replayed from exercise records","date":"2024-06-12"}' -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["state"]' submitted
expect_header ETag "\"$NUMBER.2\""
STALE=$ETAG
ETAG=$(header ETag)

test_case "a step on a stale ETag is 412 and changes nothing"
http_json POST "/api/orders/$NUMBER/cancel" '{}' -H "If-Match: $STALE"
expect_problem 412 If-Match
http GET "/api/orders/$NUMBER"
expect_json 'd["state"]' submitted

test_case "the requester may not approve (403)"
http_json POST "/api/orders/$NUMBER/approve" '{}' -H "If-Match: $ETAG"
expect_problem 403 role

test_case "an unknown step is 404"
http_json POST "/api/orders/$NUMBER/fly" '{}' -H "If-Match: $ETAG"
expect_problem 404 step

test_case "the approver approves, the supplier's approver accepts"
sign_in in-approver
http_json POST "/api/orders/$NUMBER/approve" \
    '{"backdate_reason":"replayed from exercise records","date":"2024-06-12"}' -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["state"]' approved
expect_json 'd["events"][-1]["actor"]' "Cdr A. Rao"
ETAG=$(header ETag)
sign_in jp-approver
http_json POST "/api/orders/$NUMBER/accept" \
    '{"backdate_reason":"replayed from exercise records","date":"2024-06-13"}' -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["state"]' accepted
ETAG=$(header ETag)

test_case "the supplier's clerk issues part of line 1"
sign_in jp-clerk
http_json POST "/api/orders/$NUMBER/issue" \
    '{"backdate_reason":"replayed from exercise records","date":"2024-06-14","line":1,"qty":"400"}' \
    -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["state"]' delivering
expect_json 'd["lines"][0]["issued"]' 400
ETAG=$(header ETag)

test_case "defect 13: a partial invoice and a payment in INR at a stated rate over the API"
sign_in in-requester
http_json POST "/api/orders/$NUMBER/receive" '{"backdate_reason":"replayed from exercise records","date":"2024-06-14","line":1,"qty":"400"}' \
    -H "If-Match: $ETAG"
expect_status 200
ETAG=$(header ETag)
sign_in jp-finance
http_json POST "/api/orders/$NUMBER/invoice" '{"backdate_reason":"replayed from exercise records","date":"2024-06-15","line":1}' \
    -H "If-Match: $ETAG"
expect_problem 400 line
http_json POST "/api/orders/$NUMBER/invoice" '{"backdate_reason":"replayed from exercise records","date":"2024-06-15","line":1,"qty":"200"}' \
    -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["state"]' delivering
expect_json '(d["invoices"][0]["amount"], d["invoices"][0]["due"])' '["30000","2024-07-15"]'
expect_json 'd["lines"][0]["invoiced"]' 200
INVOICE=$(json_value 'd["invoices"][0]["number"]')
ETAG=$(header ETag)
sign_in in-finance
http_json POST "/api/orders/$NUMBER/pay" '{"backdate_reason":"replayed from exercise records","date":"2024-06-16","amount":"16901.41",
    "currency":"INR","rate":"1,7750","rate_date":"2024-06-15","rate_source":"RBI"}' \
    -H "If-Match: $ETAG"
expect_problem 400 rate
http_json POST "/api/orders/$NUMBER/pay" "{\"backdate_reason\":\"replayed from exercise records\",\"date\":\"2024-06-16\",\"amount\":\"16901.41\",
    \"currency\":\"INR\",\"rate\":\"1.7750\",\"rate_date\":\"2024-06-15\",
    \"rate_source\":\"RBI reference rate\",\"invoice\":\"$INVOICE\"}" -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["invoices"][0]["open"]' 0
expect_json 'd["events"][-1]["amount"]' 30000
expect_json 'd["events"][-1]["invoice"]' "$INVOICE"
expect_json '(d["events"][-1]["payment"]["currency"], d["events"][-1]["payment"]["amount"])' \
    '["INR","16901.41"]'
expect_json 'd["events"][-1]["payment"]["rate"]' 1.7750

test_case "an order of another unit is not found for this clerk's neighbour (404)"
sign_in in-clerk
http GET "/api/orders/$NUMBER"
expect_problem 404

test_case "a requester may not read the balance (403)"
sign_in in-requester
http GET /api/balance
expect_problem 403 role

# ---- Idempotency -----------------------------------------------------------------------------

test_case "a retried POST with an Idempotency-Key is replayed, not repeated"
http_json POST /api/orders "$ORDER_BODY" -H 'Idempotency-Key: smoke-order-1'
expect_status 201
FIRST=$(json_value 'd["number"]')
http_json POST /api/orders "$ORDER_BODY" -H 'Idempotency-Key: smoke-order-1'
expect_status 201
expect_header Idempotency-Replayed true
expect_json 'd["number"]' "$FIRST"
http GET "/api/orders?q=$FIRST"
expect_json 'len(d["items"])' 1

test_case "the same key with another body is 422"
http_json POST /api/orders "${ORDER_BODY/Yokosuka/Kure}" -H 'Idempotency-Key: smoke-order-1'
expect_problem 422 Idempotency-Key

test_case "concurrent POSTs with one Idempotency-Key raise one order, and each is answered with it"
# One curl sends all sixteen at once (--parallel), so that they meet in the writer's queue.
SAME=()
for i in $(seq 1 16); do
    SAME+=(-o "$TEST_DIR/same.$i" "$BASE/api/orders")
done
curl -s -Z --parallel-immediate --parallel-max 16 -w '%{http_code}\n' -X POST -b "$JAR" \
    -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: smoke-order-2' --data-binary "$ORDER_BODY" "${SAME[@]}" \
    >"$TEST_DIR/same.status"
NUMBERS=$(for i in $(seq 1 16); do
    printf '%s\n' "$(sed -n 's/^{"number":"\([^"]*\)".*/\1/p' "$TEST_DIR/same.$i")"
done | sort | uniq -c)
STATUSES=$(sort "$TEST_DIR/same.status" | uniq -c)
if ! printf '%s\n' "$STATUSES" | grep -qx ' *16 201' ||
    ! printf '%s\n' "$NUMBERS" | grep -qx ' *16 [A-Z]*-[A-Z]*-[0-9]*-[0-9]*'; then
    fail "expected sixteen 201 answers naming one order, got: $(echo $STATUSES $NUMBERS)"
fi

# ---- The ways out of an order --------------------------------------------------------------

test_case "the supplier's clerk corrects the issue of line 1 (corrected_step) and closes it short"
sign_in jp-clerk
http GET "/api/orders/$NUMBER"
ETAG=$(header ETag)
http_json POST "/api/orders/$NUMBER/correct" '{"line":1,"corrected_step":"pay","qty":"300",
    "reason":"recounted"}' -H "If-Match: $ETAG"
expect_problem 400 corrected_step
http_json POST "/api/orders/$NUMBER/correct" '{"backdate_reason":"replayed from exercise records","line":1,"corrected_step":"issue","qty":"300",
    "reason":"recounted","date":"2024-06-16"}' -H "If-Match: $ETAG"
expect_problem 422 qty # 400 of it were received
http_json POST "/api/orders/$NUMBER/correct" '{"backdate_reason":"replayed from exercise records","line":1,"corrected_step":"issue","qty":"500",
    "reason":"recounted","date":"2024-06-16"}' -H "If-Match: $ETAG"
expect_status 200
expect_json '(d["lines"][0]["issued"], d["events"][-1]["step"])' '["500","correct"]'
expect_json '(d["events"][-1]["corrected_step"], d["events"][-1]["quantity"])' '["issue","500"]'
expect_json 'd["events"][-2]["corrected_step"]' null
ETAG=$(header ETag)
http_json POST "/api/orders/$NUMBER/close-line" '{"backdate_reason":"replayed from exercise records","line":1,"date":"2024-06-16"}' \
    -H "If-Match: $ETAG"
expect_problem 400 reason
http_json POST "/api/orders/$NUMBER/close-line" '{"backdate_reason":"replayed from exercise records","line":1,"reason":"no more stock",
    "date":"2024-06-16"}' -H "If-Match: $ETAG"
expect_status 200
expect_json 'd["lines"][0]["closed"]' true

test_case "the requester amends a draft: place changed, a line added; a bad line number is 400"
sign_in in-requester
http_json POST /api/orders "$ORDER_BODY"
DRAFT=$(json_value 'd["number"]')
ETAG=$(header ETag)
http_json POST "/api/orders/$DRAFT/amend" '{"remove_lines":[0]}' -H "If-Match: $ETAG"
expect_problem 400 remove_lines
http_json POST "/api/orders/$DRAFT/amend" '{"place":"Kure","add_lines":[{"category":"water",
    "desc":"Potable water","qty":"10","unit":"l","price":"2","currency":"JPY"}]}' \
    -H "If-Match: $ETAG"
expect_status 200
expect_json '(d["state"], d["place"], len(d["lines"]), d["events"][-1]["step"])' \
    '["draft","Kure",2,"amend"]'

test_case "GET /api/overdue lists disputed orders apart"
sign_in in-finance
http GET /api/overdue
expect_status 200
expect_json 'isinstance(d["disputed"], list) and all(o["state"] == "disputed" for o in d["disputed"])' true
expect_json 'any(o["state"] == "disputed" for o in d["items"])' false

# ---- Lists, audit, metrics -------------------------------------------------------------------

test_case "lists page with limit and next_cursor"
sign_in in-programme
http GET '/api/orders?limit=2'
expect_status 200
expect_json 'len(d["items"])' 2
CURSOR=$(json_value 'd["next_cursor"]')
http GET "/api/orders?limit=2&cursor=$CURSOR"
expect_json 'd["items"][0]["number"] > "'"$CURSOR"'"' true
http GET '/api/orders?limit=0'
expect_problem 400 limit

test_case "the audit log holds the refusals and verifies"
http GET '/api/audit?limit=500'
expect_status 200
expect_json 'any(r["outcome"] != "ok" for r in d["items"])' true
http GET /api/audit/verify
expect_json 'd["ok"]' true

test_case "GET /api/stats/monthly answers items per month"
http GET '/api/stats/monthly?months=36'
expect_status 200
expect_json 'd["months"]' 36
expect_json 'all(set(i) == {"month","partner","direction","currency","orders","value"} for i in d["items"])' true
expect_json 'all(i["direction"] in ("received", "supplied") for i in d["items"])' true
expect_json 'len(d["to"]) == 7 and d["from"].endswith("-01")' true

test_case "GET /api/stats/states counts every state"
http GET /api/stats/states
expect_status 200
expect_json 'len(d["states"]) == 12 and all(isinstance(n, int) for n in d["states"].values())' true

test_case "GET /metrics counts requests and orders (for a programme officer)"
http GET /metrics
expect_status 200
expect_stdout_contains 'acsa_http_requests_total{method="POST",route="/api/orders",status="201"}'
expect_stdout_contains 'acsa_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}'
expect_stdout_contains 'acsa_orders{state="delivering"}'
expect_stdout_contains 'acsa_write_queue_depth 0'

test_case "the OpenAPI document describes exactly the served routes"
http GET /api/openapi.json
expect_status 200
printf '%s' "$OUT" >"$TEST_DIR/openapi.json"
run_raw routes
expect_exit 0
printf '%s\n' "$OUT" | sort >"$TEST_DIR/routes"
"$PYTHON" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in doc["paths"].items():
    for method in item:
        if method in ("get", "post", "put", "patch", "delete"):
            print(method.upper(), path)
' "$TEST_DIR/openapi.json" | sort >"$TEST_DIR/documented"
if ! cmp -s "$TEST_DIR/routes" "$TEST_DIR/documented"; then
    fail "routes and OpenAPI paths differ:
$(diff "$TEST_DIR/routes" "$TEST_DIR/documented")"
fi

test_case "every request was logged as one JSON line"
"$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
keys = {"ts", "level", "event", "request_id", "user", "method", "route", "status", "duration_ms"}
lines = [l for l in lines if l["event"] == "request"]
bad = [l for l in lines if set(l) != keys]
print("bad" if bad or len(lines) < 30 else "ok")
' "$SERVER_LOG" >"$TEST_DIR/logcheck"
if [ "$(cat "$TEST_DIR/logcheck")" != ok ]; then
    fail "request log lines are not as documented"
fi

test_case "SIGTERM stops the server cleanly (exit 0)"
serve_stop

finish
