# SPDX-License-Identifier: MIT
# The per-partner sync series of /metrics, with real values, on two served nodes: India's
# node writes orders Japan has not taken yet, and its /metrics count exactly those records
# outbound; an exchange brings them to 0 and moves the last success time on; an exchange India's
# server starts that fails after Japan's status answered counts Japan's records inbound, exactly
# those Japan wrote; a record of Japan's held in India's quarantine makes the gauge 1, and
# resolving it brings it to 0. The series are those docs/OPERATIONS.md describes.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

require_curl

two_nodes_with_reference "units, officials and the exercise, synced"
api_user IN gupta "Ms Gupta" auditor "$NAVY_IN"
TOKEN_AUDITOR=$API_TOKEN
api_user IN sharma "PO Sharma" programme-officer "$NAVY_IN"
TOKEN_PO=$API_TOKEN

# scrape: India's /metrics (as its auditor) into $TEST_DIR/metrics.txt.
scrape() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="[IN] GET /metrics"
    local status
    status=$(curl -s -o "$TEST_DIR/metrics.txt" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN_AUDITOR" "${NODE_URL[IN]}/metrics")
    if [ "$status" != 200 ]; then
        fail "GET /metrics answered $status: $(head -c 300 "$TEST_DIR/metrics.txt")"
    fi
}

# metric SERIES: the value of one series of the last scrape (the whole name with its labels),
# or "absent".
metric() {
    local value
    value=$(grep -F "$1 " "$TEST_DIR/metrics.txt" | grep -vF '#' | awk -v s="$1" '$1 == s { print $2 }')
    printf '%s\n' "${value:-absent}"
}

# expect_metric SERIES VALUE
expect_metric() {
    local got
    got=$(metric "$1")
    if [ "$got" != "$2" ]; then
        fail "$1 is $got, expected $2"
    fi
}

OUTBOUND='acsa_sync_records_behind{peer="JP",direction="outbound"}'
INBOUND='acsa_sync_records_behind{peer="JP",direction="inbound"}'
LAST_OK='acsa_sync_last_success_timestamp_seconds{peer="JP"}'
QUARANTINE='acsa_quarantine_open{peer="JP"}'

# The last record a node wrote (its own sequence).
own_last() {
    db_count "$1" "SELECT coalesce(max(seq), 0) FROM records WHERE origin = '${NODE_NATION[$1]}'"
}

# new_order NAME: an order raised on node NAME (India's or Japan's), not yet synced.
new_order() {
    if [ "$1" = IN ]; then
        on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP \
            --activity "$JIMEX_IN" --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" \
            --place Yokosuka --need-by 2024-06-14 --method cash --by "Lt Iyer" \
            --date 2024-06-10 \
            --line "category=pol,desc=Diesel,qty=10,unit=kl,price=2000,currency=JPY"
    else
        on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN \
            --activity "$JIMEX_JP" --requester-unit "$JMSDF_JP" --supplier-unit "$NAVY_JP" \
            --place Yokosuka --need-by 2024-06-14 --method cash --by "1Lt Mori" \
            --date 2024-06-11 \
            --line "category=water,desc=Potable water,qty=500,unit=l,price=2,currency=JPY"
    fi
}

test_case "synced: nothing behind outbound, a last success, nothing in quarantine"
scrape
expect_metric "$OUTBOUND" 0
expect_metric "$QUARANTINE" 0
LAST_BEFORE=$(metric "$LAST_OK")
case $LAST_BEFORE in
    '' | absent | 0 | *[!0-9]*) fail "no last success after a complete exchange: $LAST_BEFORE" ;;
esac
# No exchange was started by this server yet: the partner's last record is not known here.
expect_metric "$INBOUND" absent
expect_metric 'acsa_sync_exchanges_total{peer="JP",result="ok"}' 0
on JP unit list --json
NAVY_JP=$(json_value '[u["id"] for u in d if u["party"] == "IN"][0]')
JMSDF_JP=$(json_value '[u["id"] for u in d if u["party"] == "JP"][0]')
on JP activity list --json
JIMEX_JP=$(json_value '[a["id"] for a in d if a["name"] == "JIMEX 2024"][0]')

test_case "India writes three orders Japan has not taken: three records behind outbound"
IN_LAST=$(own_last IN)
for _ in 1 2 3; do
    new_order IN
done
WRITTEN=$(($(own_last IN) - IN_LAST))
if [ "$WRITTEN" != 3 ]; then
    fail "three orders made $WRITTEN records on India's node, not 3"
fi
scrape
expect_metric "$OUTBOUND" "$WRITTEN"
expect_metric "$LAST_OK" "$LAST_BEFORE"

test_case "India's server exchanges with Japan (POST /api/sync): 0 behind both ways, the last success later"
sleep 1.1 # The time is in seconds: the next exchange ends in a later one.
STARTED=$(date +%s)
RUN_COUNT=$((RUN_COUNT + 1))
LAST_CMD="[IN] POST /api/sync?peer=JP"
STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN_PO" "${NODE_URL[IN]}/api/sync?peer=JP")
[ "$STATUS" = 200 ] || fail "POST /api/sync answered $STATUS: $(head -c 300 "$TEST_DIR/body")"
scrape
expect_metric "$OUTBOUND" 0
expect_metric "$INBOUND" 0
expect_metric 'acsa_sync_exchanges_total{peer="JP",result="ok"}' 1
LAST_AFTER=$(metric "$LAST_OK")
if ! [ "$LAST_AFTER" -ge "$STARTED" ] 2>/dev/null || ! [ "$LAST_AFTER" -gt "$LAST_BEFORE" ]; then
    fail "the last success is $LAST_AFTER: not after $LAST_BEFORE and at or after $STARTED"
fi

# India's writer held off while its server exchanges: Japan's status answers (its last record
# is known), then taking Japan's batch in cannot commit and the exchange fails. On SQLite another
# process holds the write lock (the writer gives up after its busy timeout); on PostgreSQL a
# session holds acsa's advisory write lock, and India's database waits for a lock at most 1 s.
LOCKED="$TEST_DIR/locked"
RELEASE="$TEST_DIR/release"
hold_write_lock() {
    rm -f "$LOCKED" "$RELEASE"
    if db_is_pg "${NODE_DB[IN]}"; then
        mkfifo "$TEST_DIR/psql.in"
        psql -X -q -A -t "${NODE_DB[IN]}" <"$TEST_DIR/psql.in" >"$TEST_DIR/psql.out" 2>&1 &
        BACKGROUND_PIDS+=("$!")
        exec 7>"$TEST_DIR/psql.in"
        echo "SELECT 'held' FROM (SELECT pg_advisory_lock(1633907553)) l;" >&7
        for _ in $(seq 1 100); do
            grep -q held "$TEST_DIR/psql.out" 2>/dev/null && touch "$LOCKED" && break
            sleep 0.05
        done
    else
        "$PYTHON" - "${NODE_DB[IN]}" "$LOCKED" "$RELEASE" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute('BEGIN IMMEDIATE')
open(sys.argv[2], 'w').close()
for _ in range(1200):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.05)
db.execute('ROLLBACK')
PY
        BACKGROUND_PIDS+=("$!")
        for _ in $(seq 1 100); do
            [ -e "$LOCKED" ] && break
            sleep 0.05
        done
    fi
    [ -e "$LOCKED" ] || fail "the write lock was never taken"
}
release_write_lock() {
    if db_is_pg "${NODE_DB[IN]}"; then
        echo "SELECT pg_advisory_unlock_all();" >&7
        echo '\q' >&7
        exec 7>&-
    else
        touch "$RELEASE"
    fi
    wait "${BACKGROUND_PIDS[@]}" 2>/dev/null
    BACKGROUND_PIDS=()
}

test_case "Japan writes two orders; an exchange of India's server fails before taking them: two behind inbound"
JP_LAST=$(own_last JP)
new_order JP
new_order JP
WRITTEN=$(($(own_last JP) - JP_LAST))
[ "$WRITTEN" = 2 ] || fail "two orders made $WRITTEN records on Japan's node, not 2"
if db_is_pg "${NODE_DB[IN]}"; then
    db_count IN "ALTER DATABASE $(printf '%s' "${NODE_DB[IN]}" | sed 's|^postgresql:///\([^?]*\).*|\1|') SET lock_timeout = '1s'" >/dev/null
    # The setting holds for new sessions: India's server starts again to take it.
    server_stop IN
    NODE_LISTEN[IN]=127.0.0.1:${NODE_URL[IN]##*:}
    server_start IN || finish
fi
hold_write_lock
LAST_CMD="[IN] POST /api/sync?peer=JP (write lock held)"
STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' -X POST -m 60 \
    -H "Authorization: Bearer $TOKEN_PO" "${NODE_URL[IN]}/api/sync?peer=JP")
case $STATUS in
    2*) fail "POST /api/sync answered $STATUS with India's writer held off" ;;
esac
scrape
release_write_lock
expect_metric "$INBOUND" "$WRITTEN"
expect_metric "$OUTBOUND" 0
expect_metric 'acsa_sync_exchanges_total{peer="JP",result="failed"}' 1
if db_is_pg "${NODE_DB[IN]}"; then
    expect_metric 'acsa_sync_exchanges_total{peer="JP",result="ok"}' 0 # A new server.
else
    expect_metric 'acsa_sync_exchanges_total{peer="JP",result="ok"}' 1
    expect_metric "$LAST_OK" "$LAST_AFTER"
fi

test_case "the next exchange takes them in: 0 behind inbound"
STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN_PO" "${NODE_URL[IN]}/api/sync?peer=JP")
[ "$STATUS" = 200 ] || fail "POST /api/sync answered $STATUS: $(head -c 300 "$TEST_DIR/body")"
OUT=$(cat "$TEST_DIR/body")
expect_json 'd["received"]' 2
scrape
expect_metric "$INBOUND" 0
expect_metric "$OUTBOUND" 0

test_case "a record of Japan's quarantined on India's node: the gauge is 1; dropped, it is 0"
second_agreement
on_ok JP agreement load "$NEW_AGREEMENT"
on_ok JP activity add --agreement IN-JP-2024 --name "JIMEX 2025" --type bilateral-training \
    --from 2025-06-01 --to 2025-06-20 --place Yokosuka
on JP sync --peer IN --json
expect_exit 0
expect_report sent_quarantined=1
scrape
expect_metric "$QUARANTINE" 1
on IN quarantine list --json
HELD=$(json_value '[e["id"] for e in d if e["status"] == "open"][0]')
on_ok IN quarantine resolve "$HELD" --action drop --by "PO Sharma" --reason "not our agreement"
scrape
expect_metric "$QUARANTINE" 0

test_case "the series are as docs/OPERATIONS.md describes them"
for series in acsa_sync_last_success_timestamp_seconds acsa_sync_records_behind \
    acsa_sync_exchanges_total acsa_quarantine_open; do
    grep -q "^| \`$series{" "$ACSA_SOURCE_ROOT/docs/OPERATIONS.md" ||
        fail "docs/OPERATIONS.md does not describe $series"
    grep -q "^# TYPE $series " "$TEST_DIR/metrics.txt" || fail "/metrics does not send $series"
done

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
