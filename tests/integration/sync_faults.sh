# SPDX-License-Identifier: MIT
# Two nodes in network namespaces of their own, joined by a veth pair with netem on both ends
# (loss, delay with jitter, duplication, reordering) where the kernel has netem, and each
# node's partner URL pointing at a fault-injecting TCP proxy inside its namespace: it refuses
# some connections, cuts some requests short, drops some answers after the partner has acted
# on the request, and sends some requests a second time later. A few hundred records on each
# side are synced until a sync reports no error; nothing may be lost or taken twice (orders,
# lines, events and records match, reconcile is empty, only replays are in quarantine). Then a
# sync of a large backlog in batches of 100 is killed with SIGKILL after its first batch, and
# again while it pulls: the next run resumes without loss or duplication.
#
# Needs root and iproute2 (`ip`; `tc` for netem); prints a TAP skip otherwise. Namespaces,
# servers, proxies and syncs are removed on exit, also on failure.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

skip_all() {
    echo "ok 1 - network faults between two nodes in namespaces # SKIP $1"
    echo "1..1"
    exit 0
}

if [ "$(id -u)" != 0 ]; then
    skip_all "needs root to make network namespaces"
fi
if ! command -v ip >/dev/null 2>&1; then
    skip_all "iproute2 (ip) is not installed"
fi

NS_IN="acsa-in-$$"
NS_JP="acsa-jp-$$"
VETH_IN="acsai$$"
VETH_JP="acsaj$$"
ADDR_IN=10.213.0.1
ADDR_JP=10.213.0.2
PORT=7001       # Each server's, inside its own namespace.
PROXY_PORT=7100 # Each namespace's proxy to the other node, on its loopback.

CLEANUP_HOOKS+=("ip netns del $NS_IN 2>/dev/null" "ip netns del $NS_JP 2>/dev/null"
    "ip link del $VETH_IN 2>/dev/null")

if ! ip netns add "$NS_IN" 2>"$TEST_DIR/netns.err"; then
    skip_all "cannot make a network namespace: $(head -n 1 "$TEST_DIR/netns.err")"
fi
if ! {
    ip netns add "$NS_JP" &&
        ip link add "$VETH_IN" type veth peer name "$VETH_JP" &&
        ip link set "$VETH_IN" netns "$NS_IN" &&
        ip link set "$VETH_JP" netns "$NS_JP" &&
        ip -n "$NS_IN" addr add "$ADDR_IN/24" dev "$VETH_IN" &&
        ip -n "$NS_JP" addr add "$ADDR_JP/24" dev "$VETH_JP" &&
        ip -n "$NS_IN" link set lo up &&
        ip -n "$NS_JP" link set lo up &&
        ip -n "$NS_IN" link set "$VETH_IN" up &&
        ip -n "$NS_JP" link set "$VETH_JP" up
} 2>"$TEST_DIR/netns.err"; then
    skip_all "cannot join two namespaces by a veth pair: $(head -n 1 "$TEST_DIR/netns.err")"
fi

test_case "two namespaces joined by a veth pair reach each other"
if ! ip netns exec "$NS_IN" ping -c 1 -W 5 "$ADDR_JP" >/dev/null 2>&1 &&
    ! ip netns exec "$NS_IN" bash -c "exec 3<>/dev/tcp/$ADDR_JP/9" 2>&1 | grep -q refused; then
    fail "$NS_IN cannot reach $ADDR_JP in $NS_JP"
fi

NETEM=(netem loss 10% delay 40ms 20ms duplicate 5% reorder 25%)
NETEM_ON=no
if command -v tc >/dev/null 2>&1 &&
    ip netns exec "$NS_IN" tc qdisc add dev "$VETH_IN" root "${NETEM[@]}" 2>"$TEST_DIR/tc.err" &&
    ip netns exec "$NS_JP" tc qdisc add dev "$VETH_JP" root "${NETEM[@]}" 2>>"$TEST_DIR/tc.err"; then
    NETEM_ON=yes
    echo "# netem on both ends of the veth pair: ${NETEM[*]}"
else
    echo "# netem is not available ($(head -n 1 "$TEST_DIR/tc.err" 2>/dev/null || echo "no tc")): the faults come from the proxies alone"
fi

# ---- The fault-injecting proxy ---------------------------------------------------------------

# faults.py LISTEN_PORT TARGET_HOST TARGET_PORT SEED LOG: relays TCP connections from
# 127.0.0.1:LISTEN_PORT to the target. Each connection meets one fate, drawn at random: relayed
# (with a few ms of delay per chunk), refused (reset at once), its request cut short, its answer
# dropped (the target has acted on the request; the client gets a reset), or relayed and its
# request sent again to the target later, on a connection of its own. Appends each fate to LOG.
cat >"$TEST_DIR/faults.py" <<'EOF'
import random, select, socket, struct, sys, threading, time

listen_port, target_host, target_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = random.Random(int(sys.argv[4]))
log = open(sys.argv[5], "a", buffering=1)
lock = threading.Lock()
FATES = [("refuse", 0.06), ("cut", 0.06), ("drop-answer", 0.08), ("duplicate", 0.05)]

def draw(f):
    with lock:
        return f()

def fate():
    r, acc = draw(rng.random), 0.0
    for name, p in FATES:
        acc += p
        if r < acc:
            return name
    return "relay"

def reset(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()

def handle(client):
    what = fate()
    with lock:
        log.write(what + "\n")
    if what == "refuse":
        reset(client)
        return
    try:
        upstream = socket.create_connection((target_host, target_port), timeout=30)
    except OSError:
        reset(client)
        return
    captured = bytearray()
    cut_at = draw(lambda: rng.randint(1, 2000)) if what == "cut" else None
    failed = False
    try:
        while True:
            ready, _, _ = select.select([client, upstream], [], [], 120)
            if not ready:
                break
            if client in ready:
                data = client.recv(65536)
                if not data:
                    break
                if cut_at is not None and len(captured) + len(data) >= cut_at:
                    upstream.sendall(data[:cut_at - len(captured)])
                    failed = True
                    break
                captured += data
                time.sleep(draw(lambda: rng.uniform(0, 0.005)))
                upstream.sendall(data)
            if upstream in ready:
                data = upstream.recv(65536)
                if not data:
                    break
                if what == "drop-answer":
                    failed = True
                    break
                time.sleep(draw(lambda: rng.uniform(0, 0.005)))
                client.sendall(data)
    except OSError:
        failed = True
    if failed:
        reset(client)
        reset(upstream)
    else:
        client.close()
        upstream.close()
    if what == "duplicate" and captured:
        time.sleep(draw(lambda: rng.uniform(0, 0.3)))
        try:
            again = socket.create_connection((target_host, target_port), timeout=30)
            again.sendall(bytes(captured))
            again.shutdown(socket.SHUT_WR)
            while again.recv(65536):
                pass
            again.close()
        except OSError:
            pass

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(64)
log.write("listening\n")
while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
EOF

SEED=${ACSA_FAULT_SEED:-$RANDOM}
echo "# fault seed $SEED (set ACSA_FAULT_SEED to repeat it)"

# proxy_start NS TARGET LOG: a proxy in namespace NS to TARGET:PORT.
proxy_start() {
    local ns=$1 target=$2 log=$3
    : >"$log"
    ip netns exec "$ns" "$PYTHON" "$TEST_DIR/faults.py" "$PROXY_PORT" "$target" "$PORT" \
        "$SEED" "$log" 2>>"$log.err" </dev/null >/dev/null &
    BACKGROUND_PIDS+=("$!")
    for _ in $(seq 1 100); do
        if grep -q '^listening$' "$log"; then
            return 0
        fi
        sleep 0.1
    done
    fail "the proxy in $ns did not start: $(cat "$log.err")"
}

# ---- Two nodes, each in its namespace --------------------------------------------------------

node_init IN IN
node_init JP JP
NODE_NETNS[IN]=$NS_IN
NODE_NETNS[JP]=$NS_JP
NODE_LISTEN[IN]="$ADDR_IN:$PORT"
NODE_LISTEN[JP]="$ADDR_JP:$PORT"

test_case "each node serves inside its namespace, each with a faulty proxy to the other"
server_start IN
server_start JP
proxy_start "$NS_IN" "$ADDR_JP" "$TEST_DIR/proxy.in.log"
proxy_start "$NS_JP" "$ADDR_IN" "$TEST_DIR/proxy.jp.log"
if [ "${NODE_URL[IN]}" != "http://$ADDR_IN:$PORT" ] || [ "${NODE_URL[JP]}" != "http://$ADDR_JP:$PORT" ]; then
    fail "unexpected server URLs: ${NODE_URL[IN]} ${NODE_URL[JP]}"
    finish
fi

test_case "each node registers the other behind its proxy"
peer_add IN JP "http://127.0.0.1:$PROXY_PORT"
peer_add JP IN "http://127.0.0.1:$PROXY_PORT"

test_case "units, an activity, officials and a requester with an API token on each node"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
on_ok JP official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 50000000 --currency JPY
on_ok JP activity add --agreement IN-JP-2020 --name "JIMEX 2025" --type bilateral-training \
    --from 2025-06-01 --to 2025-06-20 --place Visakhapatnam
JIMEX_JP=$OUT
api_user IN iyer "Lt Iyer" requester "$NAVY_IN"
TOKEN_IN=$API_TOKEN
api_user JP mori "1Lt Mori" requester "$JMSDF_JP"
TOKEN_JP=$API_TOKEN

# sync_until_clean NAME OTHER [ARGS...]: syncs from NAME until a sync exits 0 (at most 8 tries,
# as the faults may defeat all six tries of one request); the last report then must show
# nothing refused. SYNC_TRIES counts the tries.
sync_until_clean() {
    local name=$1 other=$2
    shift 2
    SYNC_TRIES=0
    while [ "$SYNC_TRIES" -lt 8 ]; do
        SYNC_TRIES=$((SYNC_TRIES + 1))
        on "$name" sync --peer "${NODE_NATION[$other]}" --json "$@"
        if [ "$RC" -eq 0 ]; then
            expect_report sent_quarantined=0 received_quarantined=0
            return 0
        fi
        if [ "$RC" -ne 5 ]; then
            fail "a sync failed other than on the network (exit $RC)"
            return 1
        fi
    done
    fail "no sync from $name got through in $SYNC_TRIES tries"
    return 1
}

# reconciled_through_faults A B: expect_reconciled, with each reconcile tried again (up to 8
# times) when the faults keep it from reaching the partner (exit 5).
reconciled_through_faults() {
    local name other tries
    for name in "$1" "$2"; do
        other=$(partner_of "$name" "$1" "$2")
        tries=0
        while :; do
            tries=$((tries + 1))
            on "$name" reconcile --peer "${NODE_NATION[$other]}" --json
            if [ "$RC" -ne 5 ] || [ "$tries" -ge 8 ]; then
                break
            fi
        done
        expect_exit 0
        expect_json 'd' '[]'
    done
}

# The quarantine of both nodes holds only whole batches refused as replays: a request the
# faults sent twice, or sent again after its answer was lost.
expect_only_replays_quarantined() {
    local name
    for name in IN JP; do
        on "$name" quarantine list --json
        expect_exit 0
        expect_json '[(q["what"], q["reason"]) for q in d if q["what"] != "batch" or "replayed" not in q["reason"]]' '[]'
        echo "# $name: $(json_value 'len(d)') replayed batches in quarantine"
    done
}

test_case "the reference data crosses the faulty link"
sync_until_clean IN JP
sync_until_clean JP IN
on JP unit list --json
NAVY_JP=$(json_value '[u["id"] for u in d if u["name"] == "Indian Navy"][0]')
on IN unit list --json
JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
if ! [[ "$NAVY_JP$JMSDF_IN" =~ ^[0-9]+$ ]]; then
    fail "the partner's units did not arrive: $NAVY_JP, $JMSDF_IN"
fi

IN_ORDER="{\"agreement\": \"IN-JP-2020\", \"requester\": \"IN\", \"supplier\": \"JP\",
    \"activity\": $JIMEX_IN, \"method\": \"cash\", \"requester_unit\": $NAVY_IN,
    \"supplier_unit\": ${JMSDF_IN:-0}, \"place\": \"Yokosuka\", \"need_by\": \"2024-06-12\",
    \"date\": \"2024-06-10\", \"lines\": [{\"category\": \"water\", \"desc\": \"Potable water\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"2\", \"currency\": \"JPY\"}]}"
JP_ORDER="{\"agreement\": \"IN-JP-2020\", \"requester\": \"JP\", \"supplier\": \"IN\",
    \"activity\": $JIMEX_JP, \"method\": \"eve\", \"requester_unit\": $JMSDF_JP,
    \"supplier_unit\": ${NAVY_JP:-0}, \"place\": \"Visakhapatnam\", \"need_by\": \"2025-06-12\",
    \"date\": \"2025-06-10\", \"lines\": [{\"category\": \"pol\", \"desc\": \"Jet fuel\",
    \"qty\": \"1\", \"unit\": \"l\", \"price\": \"3\", \"currency\": \"JPY\"}]}"

# ---- A few hundred records each way, through the faults ---------------------------------------

test_case "each node records 250 orders, and steps on some of them"
api_create_orders IN "$TOKEN_IN" 250 "$IN_ORDER"
expect_exit 0
api_create_orders JP "$TOKEN_JP" 250 "$JP_ORDER"
expect_exit 0
for i in 1 2 3 4 5 6 7 8 9 10; do
    on_ok IN order submit "IN-JP-2024-0000$((10 + i))" --by "Lt Iyer" --date 2024-06-10
    on_ok JP order submit "JP-IN-2025-0000$((10 + i))" --by "1Lt Mori" --date 2025-06-10
done

test_case "syncs in batches of 50 through the faults until one reports no error"
sync_until_clean IN JP --batch 50
echo "# $SYNC_TRIES sync(s) from IN"
sync_until_clean JP IN --batch 50
echo "# $SYNC_TRIES sync(s) from JP"

test_case "nothing lost, nothing taken twice: orders, lines, events and records match"
expect_counts_equal IN JP
on JP order list --json
expect_json '(len(d), len(set(o["number"] for o in d)), sum(o["state"] == "submitted" for o in d))' \
    '[500,500,20]'

test_case "reconcile through the faults reports nothing from either node"
reconciled_through_faults IN JP

test_case "only replayed batches are in quarantine"
expect_only_replays_quarantined

test_case "one more sync each way has nothing left to move"
sync_until_clean IN JP
expect_report sent=0 received=0
sync_until_clean JP IN
expect_report sent=0 received=0

# ---- A sync killed in the middle -------------------------------------------------------------

# sync_killed NAME OTHER PATTERN: starts `acsa sync --batch 100` from NAME in the background and
# kills it with SIGKILL as soon as its stderr has a line matching PATTERN; a failure of the
# open case if it ends before that.
sync_killed() {
    local name=$1 other=$2 pattern=$3
    local err="$TEST_DIR/killed.err"
    : >"$err"
    local db=()
    mapfile -t db < <(node_args "$name")
    ip netns exec "${NODE_NETNS[$name]}" "$ACSA_BIN" "${db[@]}" sync \
        --peer "${NODE_NATION[$other]}" --batch 100 >/dev/null 2>"$err" </dev/null &
    local pid=$!
    BACKGROUND_PIDS+=("$pid")
    for _ in $(seq 1 1200); do
        if grep -q "$pattern" "$err"; then
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.05
    done
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        echo "# killed the sync after: $(grep "$pattern" "$err" | tail -n 1)"
    else
        wait "$pid"
        fail "the sync ended (exit $?) before it could be killed: $(tail -n 5 "$err")"
    fi
}

# The number of records of node FROM's nation that node AT holds.
held() {
    db_count "$2" "SELECT count(*) FROM records WHERE origin = '${NODE_NATION[$1]}'"
}

test_case "a large backlog on both nodes"
api_create_orders IN "$TOKEN_IN" 1000 "$IN_ORDER"
expect_exit 0
api_create_orders JP "$TOKEN_JP" 600 "$JP_ORDER"
expect_exit 0
IN_TOTAL=$(held IN IN)
JP_TOTAL=$(held JP JP)

test_case "a sync in batches of 100, killed (SIGKILL) after its first batch went out"
BEFORE=$(held IN JP)
sync_killed IN JP '^acsa: push: '
AFTER=$(held IN JP)
echo "# JP held $BEFORE of India's $IN_TOTAL records before, $AFTER after the kill"
if [ "$AFTER" -le "$BEFORE" ] || [ "$AFTER" -ge "$IN_TOTAL" ]; then
    fail "expected the killed sync to have sent part of the backlog: $BEFORE, then $AFTER of $IN_TOTAL"
fi

test_case "the next sync, killed (SIGKILL) while it pulls"
BEFORE=$(held JP IN)
sync_killed IN JP '^acsa: pull: '
AFTER=$(held JP IN)
echo "# IN held $BEFORE of Japan's $JP_TOTAL records before, $AFTER after the kill"
if [ "$(held IN JP)" != "$IN_TOTAL" ]; then
    fail "expected the push to have finished before the pull: JP holds $(held IN JP) of $IN_TOTAL"
fi
if [ "$AFTER" -ge "$JP_TOTAL" ]; then
    fail "expected the killed sync to have pulled only part of the backlog: $AFTER of $JP_TOTAL"
fi

test_case "the sync run again resumes and completes"
sync_until_clean IN JP
echo "# $SYNC_TRIES sync(s) to complete"
expect_report sent=0 "received_through=$(db_count JP "SELECT max(seq) FROM records WHERE origin = 'JP'")"

test_case "after the kills nothing is lost or taken twice"
expect_counts_equal IN JP
if [ "$(held IN JP)" != "$IN_TOTAL" ] || [ "$(held JP IN)" != "$JP_TOTAL" ]; then
    fail "records held: JP has $(held IN JP) of India's $IN_TOTAL, IN has $(held JP IN) of Japan's $JP_TOTAL"
fi
on IN order list --json
expect_json '(len(d), len(set(o["number"] for o in d)))' '[2100,2100]'
on JP peer list --json
expect_json 'd[0]["received_through"]' "$IN_TOTAL"
reconciled_through_faults IN JP
expect_only_replays_quarantined

test_case "the proxies met faults along the way"
faults=$(grep -c -v -e '^relay$' -e '^listening$' "$TEST_DIR/proxy.in.log" "$TEST_DIR/proxy.jp.log" |
    awk -F: '{ n += $2 } END { print n + 0 }')
echo "# netem: $NETEM_ON; proxy fates: $(sort "$TEST_DIR"/proxy.*.log | grep -v '^listening$' | uniq -c | tr -s ' ' | tr '\n' ',')"
if [ "$faults" -lt 5 ]; then
    fail "expected the proxies to inject faults, saw $faults"
fi

test_case "both servers stop cleanly"
server_stop IN
server_stop JP

finish
