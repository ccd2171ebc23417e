# SPDX-License-Identifier: MIT
# kill -9 under load: acsa serve on a demo node takes orders from several clients at once
# (crash_load.py) and is killed with SIGKILL at random moments, KILLS times (default 50;
# `make crash` runs 1,000), restarted after each. Then: every order the server acknowledged
# is there with its own content (GET of each, and the file itself), no number was given
# twice, the integrity check passes and the audit chain verifies. CRASH_SEED replays the
# kill moments of a run (printed at the start).

. "$(dirname "$0")/lib.sh"

KILLS=${KILLS:-50}
CLIENTS=${CRASH_CLIENTS:-4}
CRASH_SEED=${CRASH_SEED:-$$}
RANDOM=$CRASH_SEED
LOAD="$ACSA_SOURCE_ROOT/tests/integration/crash_load.py"

if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl is not installed"
    exit 0
fi

DB="$TEST_DIR/node.db"
LOAD_DIR="$TEST_DIR/load"
mkdir -p "$LOAD_DIR"
SERVER_PID=""
LOAD_PID=""
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

stop_all() {
    if [ -n "$SERVER_PID" ]; then
        kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    if [ -n "$LOAD_PID" ]; then
        touch "$LOAD_DIR/stop"
        kill "$LOAD_PID" 2>/dev/null
    fi
}
trap 'stop_all; rm -rf "$TEST_DIR"' EXIT

echo "# kills: $KILLS, clients: $CLIENTS, CRASH_SEED=$CRASH_SEED"

# Starts the server on the fixed port; waits for it to listen unless told not to (a kill
# while it opens the database). The port of the killed one may take a moment to be free.
start_server() {
    local wait=${1:-yes}
    for _ in $(seq 1 50); do
        : >"$TEST_DIR/server.log"
        "$ACSA_BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" \
            2>>"$TEST_DIR/server.log" >/dev/null </dev/null &
        SERVER_PID=$!
        if [ "$wait" != yes ]; then
            return 0
        fi
        for _ in $(seq 1 200); do
            if grep -q '"event":"listening"' "$TEST_DIR/server.log"; then
                return 0
            fi
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                break
            fi
            sleep 0.02
        done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        sleep 0.1
    done
    SERVER_PID=""
    return 1
}

# A random pause of 0.05 to 0.65 s.
pause() {
    sleep "0.$(printf '%02d' $((5 + RANDOM % 60)))"
}

test_case "a demo node to serve"
run_raw demo --db "$DB"
expect_exit 0

test_case "the server starts, and a requester's API token is made"
if ! start_server; then
    fail "acsa serve did not listen: $(head -c 500 "$TEST_DIR/server.log")"
    finish
fi
TOKEN=$("$PYTHON" "$LOAD" token "$BASE" 2>&1)
if [ ${#TOKEN} -lt 20 ]; then
    fail "no token: $TOKEN"
    finish
fi

test_case "$KILLS kills with SIGKILL under load from $CLIENTS clients, each followed by a restart"
"$PYTHON" "$LOAD" load "$BASE" "$TOKEN" "$LOAD_DIR" "$CLIENTS" >"$TEST_DIR/load.out" 2>&1 &
LOAD_PID=$!
KILLED=0
for i in $(seq 1 "$KILLS"); do
    pause
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    KILLED=$((KILLED + 1))
    # Now and then a kill while the restarted server opens its database.
    if [ $((RANDOM % 10)) -eq 0 ]; then
        start_server no
        sleep "0.0$((RANDOM % 10))"
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if ! start_server; then
        fail "after kill $i the server did not listen again: $(tail -n 5 "$TEST_DIR/server.log")"
        break
    fi
done
pause
touch "$LOAD_DIR/stop"
wait "$LOAD_PID"
LOAD_PID=""
echo "# load: $(cat "$TEST_DIR/load.out")"
if [ "$KILLED" -ne "$KILLS" ]; then
    fail "only $KILLED kills"
fi

test_case "every acknowledged order is served with its own content, no number given twice"
if [ -z "$SERVER_PID" ] && ! start_server; then
    fail "the server did not start for the check"
fi
"$PYTHON" "$LOAD" check "$BASE" "$TOKEN" "$LOAD_DIR" "$DB" >"$TEST_DIR/check.out" 2>&1
CODE=$?
echo "# check: $(head -n 1 "$TEST_DIR/check.out")"
if [ "$CODE" -ne 0 ]; then
    fail "$(cat "$TEST_DIR/check.out")"
fi

test_case "the server stops cleanly; the integrity check passes"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
CODE=$?
SERVER_PID=""
if [ "$CODE" -ne 0 ]; then
    fail "exit code $CODE: $(tail -n 5 "$TEST_DIR/server.log")"
fi
CHECK=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
if [ "$CHECK" != ok ]; then
    fail "integrity_check: $CHECK"
fi

test_case "the audit chain verifies"
run audit verify
expect_exit 0
expect_stdout_contains "audit log intact"

finish
