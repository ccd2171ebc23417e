# SPDX-License-Identifier: MIT
# Quarantine decisions between two served nodes: Japan's node raises an order under an
# agreement India's node has not loaded; the sync quarantines Japan's activity and order on
# India's node. Over HTTP only a programme officer may resolve (an auditor gets 403) and a body
# is validated naming the field; once India loads the agreement, a retry through the API and one
# through the command line take both records in, later steps sync cleanly, and reconcile ends
# empty with nothing left open in either quarantine.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

node_init IN IN
node_init JP JP

second_agreement

test_case "both nodes serve on free loopback ports"
server_start IN
server_start JP
if [ -z "${NODE_URL[IN]}" ] || [ -z "${NODE_URL[JP]}" ]; then
    finish
fi

peers_link IN JP

# http NAME METHOD PATH TOKEN [BODY]: one API request to NAME's server; OUT is the status line
# "HTTP <status>" then the body.
http() {
    local name=$1 method=$2 path=$3 token=$4 body=${5-}
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="[$name] $method $path"
    "$PYTHON" - "${NODE_URL[$name]}" "$method" "$path" "$token" "$body" \
        >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr" <<'PY'
import http.client, sys, urllib.parse
url, method, path, token, body = sys.argv[1:6]
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
headers = {"Authorization": "Bearer " + token}
if body:
    headers["Content-Type"] = "application/json"
conn.request(method, path, body.encode() if body else None, headers)
r = conn.getresponse()
print(r.status)
print(r.read().decode())
PY
    RC=$?
    HTTP_STATUS=$(head -n 1 "$TEST_DIR/stdout")
    OUT=$(tail -n +2 "$TEST_DIR/stdout")
    ERR=$(cat "$TEST_DIR/stderr")
}

expect_status() {
    if [ "$HTTP_STATUS" != "$1" ]; then
        fail "expected HTTP $1, got $HTTP_STATUS"
    fi
}

test_case "each node adds its unit; IN a programme officer and an auditor with API tokens"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
api_user IN sharma "PO Sharma" programme-officer "$NAVY_IN"
TOKEN_PO=$API_TOKEN
api_user IN gupta "Ms Gupta" auditor "$NAVY_IN"
TOKEN_AUDITOR=$API_TOKEN
sync_ok IN JP
on JP unit list --json
NAVY_JP=$(json_value '[u["id"] for u in d if u["party"] == "IN"][0]')

test_case "JP raises an order under IN-JP-2024, which IN has not loaded: IN quarantines it"
on_ok JP agreement load "$NEW_AGREEMENT"
on_ok JP activity add --agreement IN-JP-2024 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_JP=$OUT
on JP order create --agreement IN-JP-2024 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --supplier-unit "$NAVY_JP" --place "Yokosuka" \
    --need-by 2024-06-14 --method cash \
    --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=500,unit=l,price=2,currency=JPY"
expect_exit 0
ORDER=$OUT
on JP sync --peer IN --json
expect_report sent_quarantined=2
http IN GET /api/quarantine "$TOKEN_PO"
expect_status 200
expect_json '[e["what"] for e in d["items"]]' '["record","record"]'
expect_json '[e["status"] for e in d["items"]]' '["open","open"]'
expect_json 'd["items"][0]["order"]' "$ORDER"
CREATE=$(json_value 'd["items"][0]["id"]')
ACTIVITY=$(json_value 'd["items"][1]["id"]')

test_case "over HTTP an auditor may not resolve (403); a body is checked naming the field"
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_AUDITOR" \
    '{"action": "drop", "by": "Ms Gupta", "reason": "not mine"}'
expect_status 403
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    '{"action": "retry", "by": "PO Sharma"}'
expect_status 400
expect_stdout_contains '"field":"reason"'
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    '{"action": "undo", "by": "PO Sharma", "reason": "x"}'
expect_json 'd["field"]' action
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    "{\"action\": \"drop\", \"by\": \"PO Sharma\", \"reason\": \"$(printf 'x%.0s' {1..300})\"}"
expect_status 400
expect_json 'd["field"]' reason
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    '{"action": "drop", "by": "PO Sharma", "reason": "bad \u0007 bell"}'
expect_status 400
expect_json 'd["field"]' reason
http IN POST "/api/quarantine/99999/resolve" "$TOKEN_PO" \
    '{"action": "drop", "by": "PO Sharma", "reason": "x"}'
expect_status 404
expect_json 'd["field"]' id

test_case "a retry over HTTP before the cause is fixed is 422 naming the rule; it stays open"
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    '{"action": "retry", "by": "PO Sharma", "reason": "try now"}'
expect_status 422
expect_stdout_contains "IN-JP-2024 is not loaded"
http IN GET /api/quarantine "$TOKEN_AUDITOR"
expect_json '[e["status"] for e in d["items"]]' '["open","open"]'
expect_json 'd["items"][1]["tries"]' 1

test_case "IN loads IN-JP-2024; a retry over HTTP and one on the command line take both in"
on_ok IN agreement load "$NEW_AGREEMENT"
http IN POST "/api/quarantine/$ACTIVITY/resolve" "$TOKEN_PO" \
    '{"action": "retry", "by": "PO Sharma", "reason": "agreement loaded"}'
expect_status 200
expect_json 'd["status"]' applied
expect_json 'd["decision"]["by"]' "PO Sharma"
on IN quarantine resolve "$CREATE" --action retry --by "PO Sharma" --reason "activity in"
expect_exit 0
expect_stdout "quarantine entry $CREATE: applied"
http IN GET "/api/quarantine?all=true" "$TOKEN_AUDITOR"
expect_json '[e["status"] for e in d["items"]]' '["applied","applied"]'
expect_quarantine_empty IN JP

test_case "the order's next steps sync cleanly and reconcile ends empty"
on_ok JP order submit "$ORDER" --by "1Lt Mori" --date 2024-06-11
sync_ok JP IN
expect_orders_equal IN JP
expect_reconciled IN JP
expect_quarantine_empty IN JP

test_case "the decisions are audited on IN with the user, and never sent to JP"
on IN audit list --json
expect_json '[r["user"] for r in d if r["action"] == "quarantine.resolve" and r["outcome"] == "ok"]' \
    '["sharma","cli:unknown"]'
on JP audit list --json
expect_json '[r for r in d if r["action"] == "quarantine.resolve"]' '[]'

finish
