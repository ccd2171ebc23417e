#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2034 # the NODE_* tables are read by sync_lib.sh
# High availability, proven: India's node keeps its ledger on a PostgreSQL primary with one
# synchronous streaming standby (synchronous_commit = on); Japan's node is a SQLite file. Orders
# go in through India's `acsa serve` from several clients at once; the primary is killed with
# SIGKILL in the middle of the load and the standby promoted: the running `acsa serve` finds it
# by itself, and starts again on it as well.
# Every order the server acknowledged (201) is on the promoted standby, the numbers have no
# gap, the audit chain verifies, and India and Japan sync on as before. The steps are those of
# docs/OPERATIONS.md, "Failover".

. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/sync_lib.sh"
. "$(dirname "$0")/servers.sh"

if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl is not installed"
    exit 0
fi

# ---- The primary and its synchronous standby --------------------------------------------------

test_case "a primary with synchronous_commit = on, waiting for the standby named 'standby'"
pg_init primary || finish
pg_conf primary "wal_level = replica" "synchronous_commit = on" "max_wal_senders = 4" \
    "max_connections = 40"
pg_start primary 5432 || finish
as_pg createdb -h "$PG_DIR" -p 5432 -U acsa acsa || fail "createdb acsa failed"
# Set once the database exists: from here every commit waits for the standby.
pg_sql primary "ALTER SYSTEM SET synchronous_standby_names = 'standby'" >/dev/null
pg_sql primary "SELECT pg_reload_conf()" >/dev/null

test_case "a standby from pg_basebackup streams from the primary and is its synchronous one"
as_pg pg_basebackup -h "$PG_DIR" -p 5432 -U acsa -D "$PG_DIR/standby" -c fast -X stream -R \
    -d "application_name=standby" >"$PG_DIR/basebackup.log" 2>&1 ||
    fail "pg_basebackup failed: $(tail -c 1000 "$PG_DIR/basebackup.log")"
if ! grep -q "application_name=standby" "$PG_DIR/standby/postgresql.auto.conf"; then
    fail "pg_basebackup -R wrote no application_name: $(cat "$PG_DIR/standby/postgresql.auto.conf")"
fi
pg_start standby 5433 || finish
pg_wait primary \
    "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication" \
    "standby streaming sync" || finish
pg_sql standby "SELECT pg_is_in_recovery()" | grep -qx t || fail "the standby is not in recovery"

# ---- The nodes ----------------------------------------------------------------------------------

# India's node names both servers and asks for the one that takes writes (libpq's
# target_session_attrs): the same --db finds the standby once it is promoted.
IN_DB="postgresql:///acsa?host=$PG_DIR,$PG_DIR&port=5432,5433&user=acsa"
IN_DB+="&target_session_attrs=read-write"
pg_node_init IN IN "$IN_DB"
node_init JP JP

test_case "both nodes serve; India's on a port it keeps across the failover"
server_start IN || finish
server_start JP || finish
IN_PORT=${NODE_URL[IN]##*:}
NODE_LISTEN[IN]="127.0.0.1:$IN_PORT"
peers_link IN JP

test_case "units, an exercise and a requester with an API token; the reference data syncs"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
sync_ok IN JP 2 1
on IN unit list --json
JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
api_user IN iyer "Lt Iyer" requester "$NAVY_IN"
TOKEN_IN=$API_TOKEN
ORDER="{\"agreement\": \"IN-JP-2020\", \"requester\": \"IN\", \"supplier\": \"JP\",
    \"activity\": $JIMEX_IN, \"method\": \"cash\", \"requester_unit\": $NAVY_IN,
    \"supplier_unit\": $JMSDF_IN, \"place\": \"Yokosuka\", \"need_by\": \"2024-06-12\",
    \"date\": \"2024-06-10\", \"backdate_reason\": \"replayed from exercise records\",
    \"lines\": [{\"category\": \"water\", \"desc\": \"Potable water\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"2\", \"currency\": \"JPY\"}]}"

test_case "ten orders before the failover reach Japan by sync"
api_create_orders IN "$TOKEN_IN" 10 "$ORDER"
expect_exit 0
sync_ok IN JP 10 0
on JP order list --json
expect_json 'len(d)' 10

# ---- Load, and the primary lost in the middle of it ---------------------------------------------

# Four clients post orders without pause; each order the server answers 201 is written to
# acked (its number), every other answer or failure to answers.
load() {
    "$PYTHON" -c '
import http.client, json, os, sys, threading, urllib.parse
url, token, template, out = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(url)
lock = threading.Lock()
acked = open(out + "/acked", "a")
answers = open(out + "/answers", "a")
def client(k):
    conn = None
    body = dict(template)
    i = 0
    while not os.path.exists(out + "/stop"):
        i += 1
        body["place"] = f"Yokosuka {k}-{i}"
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
            conn.request("POST", "/api/orders", json.dumps(body),
                         {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            with lock:
                if r.status == 201:
                    acked.write(json.loads(data)["number"] + "\n")
                    acked.flush()
                else:
                    answers.write(f"{r.status} {data[:200]!r}\n")
                    answers.flush()
        except Exception as e:
            with lock:
                answers.write(f"{type(e).__name__}: {e}\n")
                answers.flush()
            conn = None
            threading.Event().wait(0.05)
threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
' "${NODE_URL[IN]}" "$TOKEN_IN" "$ORDER" "$TEST_DIR" 2>"$TEST_DIR/load.err" &
    LOAD_PID=$!
    BACKGROUND_PIDS+=("$LOAD_PID")
}

declare -A BOTH=() # server -> pid of the client posting orders through it.

acked_count() {
    if [ -f "$TEST_DIR/acked" ]; then wc -l <"$TEST_DIR/acked"; else echo 0; fi
}

test_case "under load from four clients, the primary is killed with SIGKILL"
load
for _ in $(seq 1 300); do
    [ "$(acked_count)" -ge 60 ] && break
    sleep 0.05
done
pg_kill primary
KILLED_AT=$(acked_count)
if [ "$KILLED_AT" -lt 60 ]; then
    ANSWERS=$(head -c 500 "$TEST_DIR/answers" 2>/dev/null)
    fail "only $KILLED_AT orders acknowledged before the kill: $ANSWERS"
fi
if kill -0 "$(head -n 1 "$PG_DIR/primary/postmaster.pid")" 2>/dev/null; then
    fail "the primary's postmaster is still alive"
fi

test_case "with its database gone, acsa serve acknowledges no order, answers 503, and /readyz says so"
sleep 1
BEFORE=$(acked_count)
sleep 1
if [ "$(acked_count)" != "$BEFORE" ]; then
    fail "orders acknowledged with the primary dead: $BEFORE, then $(acked_count)"
fi
touch "$TEST_DIR/stop"
wait "$LOAD_PID"
ACKED=$(acked_count)
# 503 and nothing else: the server is fine, its database does not answer; try again.
if ! grep -q '^503 ' "$TEST_DIR/answers" 2>/dev/null; then
    fail "no 503 answer while the database was down: $(head -c 500 "$TEST_DIR/answers" 2>/dev/null)"
fi
if grep -v -e '^503 ' "$TEST_DIR/answers" 2>/dev/null | grep -q .; then
    fail "answers other than 503: $(grep -v '^503 ' "$TEST_DIR/answers" | head -n 5)"
fi
printf '# answers while the database was down: %s\n' \
    "$(cut -c1-3 "$TEST_DIR/answers" | sort | uniq -c | tr -s ' \n' ' ')"
READY=$(curl -s -o /dev/null -w '%{http_code}' "${NODE_URL[IN]}/readyz")
if [ "$READY" != 503 ]; then
    fail "GET /readyz answered $READY with the database down, not 503"
fi
# Alive all the same: restarting the server would not bring its database back.
HEALTH=$(curl -s -o /dev/null -w '%{http_code}' "${NODE_URL[IN]}/healthz")
if [ "$HEALTH" != 200 ]; then
    fail "GET /healthz answered $HEALTH with the database down, not 200"
fi

# ---- Failover -----------------------------------------------------------------------------------

test_case "the standby is promoted and stops waiting for a synchronous standby of its own"
as_pg pg_ctl -D "$PG_DIR/standby" -w promote >/dev/null || fail "pg_ctl promote failed"
pg_wait standby "SELECT pg_is_in_recovery()" f || finish
WAITS_FOR=$(pg_sql standby "SHOW synchronous_standby_names")
if [ "$WAITS_FOR" != standby ]; then
    fail "the promoted standby names '$WAITS_FOR' as its synchronous standby, not 'standby'"
fi
pg_sql standby "ALTER SYSTEM SET synchronous_standby_names = ''" >/dev/null
pg_sql standby "SELECT pg_reload_conf()" >/dev/null
pg_wait standby "SHOW synchronous_standby_names" "" || finish

test_case "the running acsa serve finds the promoted standby by itself, without a restart"
# Its --db names both servers: the dropped connection is made again, to the one that now
# takes writes, before the next read and the next write transaction.
READY=$(curl -s -o /dev/null -w '%{http_code}' "${NODE_URL[IN]}/readyz")
[ "$READY" = 200 ] || fail "GET /readyz answered $READY after the promotion, not 200: $(grep -v "\"status\":2" "$TEST_DIR/IN.server.log" | tail -n 5)"
api_create_orders IN "$TOKEN_IN" 1 "$ORDER"
expect_exit 0

test_case "acsa serve starts again with the same --db, on the promoted standby and the same port"
server_stop IN # SIGTERM: it stops, and exits 0.
server_start IN || finish
if [ "${NODE_URL[IN]##*:}" != "$IN_PORT" ]; then
    fail "India's server came back on ${NODE_URL[IN]}, not port $IN_PORT"
fi

test_case "every acknowledged order is on the promoted standby; the numbers have no gap"
on IN order list --json
expect_exit 0
save_out after.json
MISSING=$("$PYTHON" -c '
import json, sys
held = [o["number"] for o in json.load(open(sys.argv[1]))]
acked = set(open(sys.argv[2]).read().split())
missing = sorted(acked - set(held))
serial = sorted(int(n.rsplit("-", 1)[1]) for n in held if n.startswith("IN-JP-"))
if serial != list(range(1, len(serial) + 1)):
    print("numbers with a gap:", serial[:5], "...", serial[-5:])
if missing:
    print(len(missing), "acknowledged orders missing:", missing[:10])
print("held", len(held), file=sys.stderr)
' "$TEST_DIR/after.json" "$TEST_DIR/acked" 2>"$TEST_DIR/held")
if [ -n "$MISSING" ]; then
    fail "$MISSING"
fi
HELD=$(sed -n 's/^held //p' "$TEST_DIR/held")
printf '# %s orders acknowledged before and during the kill (%s at the kill), %s held after\n' \
    "$((ACKED + 10))" "$((KILLED_AT + 10))" "$HELD"

test_case "the audit chain verifies on the promoted standby"
on IN audit verify
expect_exit 0

test_case "the node takes orders again through acsa serve"
api_create_orders IN "$TOKEN_IN" 5 "$ORDER"
expect_exit 0
LAST=$(printf '%s\n' "$OUT" | tail -n 1)
if [ "$LAST" != "$(printf 'IN-JP-2024-%06d' "$((HELD + 5))")" ]; then
    fail "the fifth new order is $LAST, expected number $((HELD + 5))"
fi
curl -s -o /dev/null -w '%{http_code}' "${NODE_URL[IN]}/healthz" | grep -qx 200 ||
    fail "GET /healthz is not 200 on the promoted standby"

test_case "a second acsa serve on the same database; orders through both at once have no gap"
NODE_DB[IN2]=${NODE_DB[IN]}
NODE_NATION[IN2]=IN
NODE_KEYFILE[IN2]=${NODE_KEYFILE[IN]}
server_start IN2 || finish
for name in IN IN2; do
    (
        TEST_DIR="$TEST_DIR/$name.both"
        mkdir "$TEST_DIR"
        api_create_orders "$name" "$TOKEN_IN" 10 "$ORDER"
        [ "$RC" = 0 ] || cat "$TEST_DIR/stderr" >&2
        exit "$RC"
    ) &
    BOTH[$name]=$!
done
for name in IN IN2; do
    wait "${BOTH[$name]}" || fail "orders through $name's server failed"
done
on IN order list --json
expect_json 'sorted(int(o["number"].rsplit("-", 1)[1]) for o in d) == list(range(1, len(d) + 1))' \
    true
expect_json 'len(d)' "$((HELD + 25))"
server_stop IN2

test_case "India syncs on with Japan: everything since the last sync arrives, nothing twice"
sync_ok IN JP "$((HELD + 25 - 10))" 0
on JP order list --json
expect_json 'len(d)' "$((HELD + 25))"

test_case "Japan syncs with India's server after the failover"
on JP activity list --json
JIMEX_JP=$(json_value 'd[0]["id"]')
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN \
    --activity "$JIMEX_JP" --method cash --by "Lt Sato" --date 2024-06-11 \
    --line "category=water,desc=Water,qty=100,unit=l,price=2,currency=JPY"
sync_ok JP IN 1 0
on IN order list --json
expect_json 'len([o for o in d if o["number"].startswith("JP-IN-")])' 1
expect_reconciled IN JP

test_case "India's server stops cleanly"
server_stop IN
server_stop JP

finish
