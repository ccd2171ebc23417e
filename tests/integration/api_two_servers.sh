# SPDX-License-Identifier: MIT
# Two `acsa serve` processes on one node database (SQLite, or PostgreSQL under ACSA_TEST_PG):
# a session made on one is good on the other; orders created on both at once are numbered
# without a gap or a repeat; of two steps taken at once on one order through the two servers,
# exactly one wins and the other is answered 409 or 412; an Idempotency-Key holds across them;
# the audit log stays one chain.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl is not installed"
    exit 0
fi

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$TEST_DIR"' EXIT

# start_server NAME: another acsa serve on the node's database; its address in BASE_<NAME>.
start_server() {
    local log="$TEST_DIR/server-$1.log"
    "$ACSA_BIN" serve --db "$DB" --listen 127.0.0.1:0 --threads 2 2>"$log" </dev/null &
    PIDS+=($!)
    local base=""
    for _ in $(seq 1 150); do
        base=$(sed -n 's/^{.*"event":"listening","url":"\(http:\/\/127\.0\.0\.1:[0-9]*\)".*}$/\1/p' "$log")
        [ -n "$base" ] && break
        sleep 0.1
    done
    if [ -z "$base" ]; then
        fail "server $1 did not start: $(head -c 500 "$log")"
        finish
    fi
    printf -v "BASE_$1" '%s' "$base"
}

ORDER_BODY='{"agreement":"IN-JP-2020","requester":"IN","supplier":"JP","activity":2,
 "method":"cash","requester_unit":2,"supplier_unit":5,"place":"Yokosuka","need_by":"2024-06-18",
 "backdate_reason":"replayed from exercise records",
 "date":"2024-06-12","lines":[{"category":"pol","desc":"diesel","qty":"10","unit":"l",
 "price":"150","currency":"JPY"}]}'

test_case "a demo node and two servers on its one database"
run demo
expect_exit 0
start_server A
start_server B

test_case "a session made through one server is good on the other"
BASE=$BASE_A
sign_in in-requester
expect_status 200
BASE=$BASE_B
http GET /api/session
expect_status 200
expect_json 'd["user"]["username"]' in-requester

test_case "orders created on both servers at once are numbered without a gap or a repeat"
run order list --json
BEFORE=$(json_value 'len(d)')
CLIENTS=()
for i in $(seq 1 20); do
    if [ $((i % 2)) -eq 0 ]; then base=$BASE_A; else base=$BASE_B; fi
    curl -s -m 60 -o "$TEST_DIR/created.$i" -w '%{http_code}\n' -b "$JAR" \
        -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
        --data-binary "$ORDER_BODY" -X POST "$base/api/orders" >"$TEST_DIR/status.$i" &
    CLIENTS+=($!)
done
wait "${CLIENTS[@]}" # Not the servers: they are children too.
if [ "$(grep -c '^201$' "$TEST_DIR"/status.* | awk -F: '{s += $2} END {print s}')" != 20 ]; then
    fail "not every create was 201: $(cat "$TEST_DIR"/status.* | sort | uniq -c | tr '\n' ' ')"
fi
NUMBERS=$(for f in "$TEST_DIR"/created.*; do
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["number"])' "$f"
done | sort)
if [ "$(printf '%s\n' "$NUMBERS" | sort -u | wc -l)" != 20 ]; then
    fail "order numbers repeat: $(printf '%s\n' "$NUMBERS" | uniq -d | tr '\n' ' ')"
fi
SEQS=$(printf '%s\n' "$NUMBERS" | sed 's/.*-0*//' | sort -n)
FIRST=$(printf '%s\n' "$SEQS" | head -n 1)
LAST=$(printf '%s\n' "$SEQS" | tail -n 1)
if [ $((LAST - FIRST + 1)) != 20 ]; then
    fail "order numbers have gaps: $FIRST .. $LAST for 20 orders"
fi
run order list --json
expect_json "len(d) == $BEFORE + 20" true

test_case "of two steps at once on one order through the two servers, exactly one wins"
NUMBER=$(printf '%s\n' "$NUMBERS" | head -n 1)
BASE=$BASE_A
http GET "/api/orders/$NUMBER"
ETAG=$(header ETag)
STEP='{"backdate_reason":"replayed from exercise records","date":"2024-06-12"}'
CLIENTS=()
for side in A B; do
    base_var="BASE_$side"
    curl -s -m 60 -o "$TEST_DIR/race.$side" -w '%{http_code}\n' -b "$JAR" \
        -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -H "If-Match: $ETAG" \
        --data-binary "$STEP" -X POST "${!base_var}/api/orders/$NUMBER/submit" \
        >"$TEST_DIR/race-status.$side" &
    CLIENTS+=($!)
done
wait "${CLIENTS[@]}"
GOT=$(cat "$TEST_DIR/race-status.A" "$TEST_DIR/race-status.B" | sort | tr '\n' ' ')
case "$GOT" in
"200 409 " | "200 412 ") ;;
*) fail "expected one 200 and one 409 or 412, got: $GOT" ;;
esac
run order show "$NUMBER" --json
expect_json 'd["state"]' submitted
expect_json 'sum(1 for e in d["events"] if e["step"] == "submit")' 1

test_case "an Idempotency-Key holds across the servers: the second answers the first's order"
BASE=$BASE_A
http_json POST /api/orders "$ORDER_BODY" -H "Idempotency-Key: two-servers-1"
expect_status 201
KEYED=$(json_value 'd["number"]')
BASE=$BASE_B
http_json POST /api/orders "$ORDER_BODY" -H "Idempotency-Key: two-servers-1"
expect_status 201
expect_json 'd["number"]' "$KEYED"
expect_header Idempotency-Replayed true
run order list --json
expect_json "len(d) == $BEFORE + 21" true

test_case "the audit log written by both servers is one chain"
run audit verify
expect_exit 0

finish
