# SPDX-License-Identifier: MIT
# Shared by the sync_*.sh scripts, after lib.sh: several nodes in one test directory, each
# with its own database, key and (when started) its own `acsa serve`; acsa run on a node by
# name; checks that two nodes agree (orders, balances, reconcile, quarantine); bundle files
# taken apart and put together again; bulk orders through the HTTP API.
#
#   node_init IN IN; node_init JP JP; server_start IN; server_start JP; peers_link IN JP
#   on IN order create ...; sync_ok IN JP; expect_orders_equal IN JP; ...
#
# Every server, proxy and background process a script starts is recorded and killed on exit,
# even when the script fails or is interrupted (meson's timeout sends SIGTERM).

declare -A NODE_DB=()     # name -> database: a file, or under ACSA_TEST_PG a database URI.
declare -A NODE_KEYFILE=() # name -> secret key file (beside a SQLite file: PATH.key).
declare -A NODE_NATION=() # name -> nation (several nodes may claim the same one).
declare -A NODE_KEY=()    # name -> public key, 64 hex digits.
declare -A NODE_NETNS=()  # name -> network namespace acsa runs in (none: the test's own).
declare -A NODE_LISTEN=() # name -> --listen of its server.
declare -A NODE_PID=()    # name -> pid of its running `acsa serve`.
declare -A NODE_URL=()    # name -> base URL its server printed.
BACKGROUND_PIDS=()        # Other processes to kill on exit.
CLEANUP_HOOKS=()          # Commands run on exit, before the test directory goes.

sync_cleanup() {
    local name pid hook
    for name in "${!NODE_PID[@]}"; do
        pid=${NODE_PID[$name]}
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
        fi
    done
    for pid in ${BACKGROUND_PIDS[@]+"${BACKGROUND_PIDS[@]}"}; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
        fi
    done
    for hook in ${CLEANUP_HOOKS[@]+"${CLEANUP_HOOKS[@]}"}; do
        eval "$hook"
    done
    rm -rf "$TEST_DIR"
}
trap sync_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# ---- Running acsa on a node ------------------------------------------------------------------

# node_db_new NAME: the node's database and key file. A SQLite file in the test directory, its
# key beside it; under ACSA_TEST_PG (tests/pg/cluster.sh) a database of its own in the test's
# cluster, made here, with its key file in the test directory, given to acsa with --key (one
# ACSA_KEY cannot serve several nodes).
node_db_new() {
    local name=$1
    if [ -z "${ACSA_TEST_PG:-}" ]; then
        NODE_DB[$name]="$TEST_DIR/$name.db"
        NODE_KEYFILE[$name]="${NODE_DB[$name]}.key"
        return 0
    fi
    local database
    database="node_$(printf '%s' "$name" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9' '_')"
    PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q "postgresql:///postgres?host=$ACSA_TEST_PG_DIR&user=acsa" \
        -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database" >/dev/null || {
        echo "Bail out! cannot create the database $database of node $name"
        exit 1
    }
    NODE_DB[$name]="postgresql:///$database?host=$ACSA_TEST_PG_DIR&user=acsa"
    NODE_KEYFILE[$name]="$TEST_DIR/$name.key"
}

# node_args NAME: the arguments that point acsa at the node's database (and key), one a line,
# for mapfile.
node_args() {
    printf '%s\n' --db "${NODE_DB[$1]}"
    if [ -n "${ACSA_TEST_PG:-}" ] && [ -n "${NODE_KEYFILE[$1]:-}" ]; then
        printf '%s\n' --key "${NODE_KEYFILE[$1]}"
    fi
}

# The command prefix that puts a process into the node's namespace, if it has one.
node_prefix() {
    local ns=${NODE_NETNS[$1]:-}
    if [ -n "$ns" ]; then
        printf '%s\n' ip netns exec "$ns"
    fi
}

# on NAME ARGS...: runs acsa on the database of node NAME (inside its namespace, if any), with
# OUT, ERR and RC set as run does.
on() {
    local name=$1
    shift
    # A dated order step replays a past exercise: it carries a back-entry reason (lib.sh).
    if [ -n "$(backdate_args "$@")" ]; then
        set -- "$@" --backdate-reason "$BACKDATE_REASON"
    fi
    local prefix=() db=()
    mapfile -t prefix < <(node_prefix "$name")
    mapfile -t db < <(node_args "$name")
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="[$name]${prefix[*]:+ ${prefix[*]}} acsa$(printf ' %q' "${db[@]}" "$@")"
    ${prefix[@]+"${prefix[@]}"} "$ACSA_BIN" "${db[@]}" "$@" \
        >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr" </dev/null
    RC=$?
    OUT=$(cat "$TEST_DIR/stdout")
    ERR=$(cat "$TEST_DIR/stderr")
}

# on_ok NAME ARGS...: on, and a failure of the open case unless it exits 0.
on_ok() {
    on "$@"
    if [ "$RC" -ne 0 ]; then
        fail "expected exit code 0"
    fi
}

# The other node of a pair of names.
partner_of() {
    if [ "$1" = "$2" ]; then echo "$3"; else echo "$2"; fi
}

# ---- Nodes -----------------------------------------------------------------------------------

# node_init NAME NATION: a node database with its key pair and the India-Japan agreement, as
# one case each. Sets NODE_DB, NODE_NATION and NODE_KEY.
node_init() {
    local name=$1 nation=$2
    node_db_new "$name"
    NODE_NATION[$name]=$nation

    test_case "$name: init makes the node database and its key pair for $nation"
    on "$name" init --nation "$nation" --name "Node $name"
    expect_exit 0
    expect_stderr_contains "for nation $nation"
    local key_file="${NODE_KEYFILE[$name]}"
    if [ ! -f "$key_file" ]; then
        fail "no secret key file $key_file"
    elif [ "$(stat -c %a "$key_file")" != 600 ]; then
        fail "the secret key file is mode $(stat -c %a "$key_file"), not 600"
    fi
    on "$name" node show --json
    expect_exit 0
    expect_json 'd["nation"]' "$nation"
    expect_json 'len(d["key"]) == 64 and all(c in "0123456789abcdef" for c in d["key"])' true
    expect_json 'd["fingerprint"].startswith("SHA256:")' true
    NODE_KEY[$name]=$(json_value 'd["key"]')

    test_case "$name: the India-Japan agreement is loaded"
    on "$name" agreement load "$AGREEMENTS/india-japan-2020.json"
    expect_exit 0
    expect_stdout "IN-JP-2020"
}

# server_start NAME [ARGS...]: starts `acsa serve` on the node (in its namespace, if any) and
# waits for its "event":"listening" line; sets NODE_PID and NODE_URL. Listens on NODE_LISTEN (default
# 127.0.0.1:0, a free port). A failure of the open case if it does not come up.
server_start() {
    local name=$1
    shift
    local listen=${NODE_LISTEN[$name]:-127.0.0.1:0}
    local log="$TEST_DIR/$name.server.log"
    local prefix=() db=()
    mapfile -t prefix < <(node_prefix "$name")
    mapfile -t db < <(node_args "$name")
    : >"$log"
    ${prefix[@]+"${prefix[@]}"} "$ACSA_BIN" "${db[@]}" serve --listen "$listen" \
        --threads 2 "$@" 2>>"$log" </dev/null >/dev/null &
    NODE_PID[$name]=$!
    NODE_URL[$name]=""
    for _ in $(seq 1 300); do
        if grep -q '"event":"listening"' "$log" 2>/dev/null; then
            break
        fi
        if ! kill -0 "${NODE_PID[$name]}" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    NODE_URL[$name]=$(sed -n 's/^{.*"event":"listening","url":"\(https\{0,1\}:\/\/[^"]*\)".*}$/\1/p' "$log" | head -n 1)
    if [ -z "${NODE_URL[$name]}" ]; then
        fail "the server of $name did not come up: $(head -c 1000 "$log")"
        return 1
    fi
    return 0
}

# server_stop NAME: SIGTERM, and a failure of the open case unless the server exits 0 within
# 30 s (a sanitizer report on exit makes it non-zero).
server_stop() {
    local name=$1
    local pid=${NODE_PID[$name]:-}
    if [ -z "$pid" ]; then
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        fail "the server of $name did not stop within 30 s of SIGTERM"
    fi
    wait "$pid"
    local code=$?
    NODE_PID[$name]=""
    if [ "$code" -ne 0 ]; then
        fail "the server of $name exited $code on SIGTERM: $(tail -c 2000 "$TEST_DIR/$name.server.log")"
    fi
}

# peer_add NAME OTHER [URL]: node NAME registers node OTHER (its nation, key, and URL: its
# server's by default).
peer_add() {
    local name=$1 other=$2
    local url=${3-${NODE_URL[$other]:-}}
    if [ -n "$url" ]; then
        on "$name" peer add --party "${NODE_NATION[$other]}" --url "$url" --key "${NODE_KEY[$other]}"
    else
        on "$name" peer add --party "${NODE_NATION[$other]}" --key "${NODE_KEY[$other]}"
    fi
    expect_exit 0
    expect_stdout ""
    expect_stderr_contains "partner node ${NODE_NATION[$other]} added"
}

# peers_link A B: each registers the other, as one case.
peers_link() {
    test_case "$1 and $2 register each other as partner nodes"
    peer_add "$1" "$2"
    peer_add "$2" "$1"
    on "$1" peer list --json
    expect_exit 0
    expect_json '[p["party"] for p in d]' "[\"${NODE_NATION[$2]}\"]"
    expect_json 'd[0]["key"]' "${NODE_KEY[$2]}"
    expect_json 'd[0]["received_through"]' 0
}

# ---- Checks between two nodes ----------------------------------------------------------------

# The numbers of a sync's JSON report (OUT), as "key=value " pairs in the report's order.
sync_report() {
    printf '%s\n' "$OUT" | sed -n 's/^ *"\([a-z_]*\)": \([0-9]*\),\{0,1\}$/\1=\2/p' | tr '\n' ' '
}

# expect_report KEY=VALUE...: the last sync's report has these numbers.
expect_report() {
    local report pair
    report=" $(sync_report)"
    for pair in "$@"; do
        if [[ "$report" != *" $pair "* ]]; then
            fail "expected $pair in the sync report:$report"
        fi
    done
}

# sync_ok NAME OTHER [SENT RECEIVED]: one `acsa sync` from NAME with OTHER that must exit 0
# with nothing refused either way (and, if given, SENT records sent and RECEIVED received, none
# of them held already); its JSON report stays in OUT.
sync_ok() {
    local name=$1 other=$2
    on "$name" sync --peer "${NODE_NATION[$other]}" --json
    expect_exit 0
    expect_report sent_quarantined=0 received_quarantined=0
    if [ $# -ge 4 ]; then
        expect_report "sent=$3" "received=$4" sent_duplicates=0 received_duplicates=0
    fi
}

# expect_reconciled A B: `reconcile` from both sides reports nothing and exits 0.
expect_reconciled() {
    local name
    for name in "$1" "$2"; do
        on "$name" reconcile --peer "${NODE_NATION[$(partner_of "$name" "$1" "$2")]}" --json
        expect_exit 0
        expect_json 'd' '[]'
        expect_stderr_contains "0 missing here, 0 missing there, 0 differing, 0 balance figures not mirrored"
    done
}

# expect_quarantine_empty NAME...
expect_quarantine_empty() {
    local name
    for name in "$@"; do
        on "$name" quarantine list --json
        expect_exit 0
        expect_json 'd' '[]'
    done
}

# Saves stdout of the last run to a file of the test directory.
save_out() {
    printf '%s' "$OUT" >"$TEST_DIR/$1"
}

# expect_orders_equal A B: both nodes hold the same orders (by number), and every order reads
# the same on both (`order show --json`): header, lines and events, less what is local to a
# node (ids of units, activity and events; postings, which each node books from its own side and
# whose mirroring the balance checks).
expect_orders_equal() {
    local a=$1 b=$2
    on "$a" order list --json
    expect_exit 0
    save_out orders.a.json
    on "$b" order list --json
    expect_exit 0
    save_out orders.b.json
    local numbers
    numbers=$("$PYTHON" -c '
import json, sys
a = sorted(o["number"] for o in json.load(open(sys.argv[1])))
b = sorted(o["number"] for o in json.load(open(sys.argv[2])))
if a != b:
    print("DIFFER", "only on first:", sorted(set(a) - set(b)), "only on second:", sorted(set(b) - set(a)))
else:
    print(" ".join(a))
' "$TEST_DIR/orders.a.json" "$TEST_DIR/orders.b.json")
    if [[ "$numbers" == DIFFER* ]]; then
        fail "the two nodes hold different orders: $numbers"
        return
    fi
    if [ -z "$numbers" ]; then
        fail "expected orders on both nodes, found none"
        return
    fi
    local number diff
    for number in $numbers; do
        on "$a" order show "$number" --json
        save_out show.a.json
        on "$b" order show "$number" --json
        save_out show.b.json
        diff=$(EVENTS_AS_SET=${EVENTS_AS_SET:-} "$PYTHON" -c '
import json, os, sys
def norm(o):
    o = dict(o)
    for k in ("requester_unit", "supplier_unit"):
        if o.get(k):
            o[k] = {"name": o[k]["name"]}
    o["activity"] = {k: v for k, v in o["activity"].items() if k != "id"}
    o["events"] = [{k: v for k, v in e.items() if k not in ("id", "postings")} for e in o["events"]]
    if os.environ.get("EVENTS_AS_SET"):
        # Concurrent steps arrive in a different order on each node: the same events, each
        # node logging the states it passed through in its own order of arrival.
        o["events"] = sorted(({k: v for k, v in e.items() if k not in ("state_from", "state_to")}
                              for e in o["events"]), key=lambda e: json.dumps(e, sort_keys=True))
    return o
a = norm(json.load(open(sys.argv[1])))
b = norm(json.load(open(sys.argv[2])))
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        print(f"{k}: {json.dumps(a.get(k))[:300]} != {json.dumps(b.get(k))[:300]}")
' "$TEST_DIR/show.a.json" "$TEST_DIR/show.b.json" 2>&1)
        if [ -n "$diff" ]; then
            fail "order $number reads differently on $a and $b: $diff"
        fi
    done
}

# expect_balances_mirror A B [EXPECTED]: A's balance with B's nation mirrors B's balance with
# A's nation, currency by currency: A's receivables are B's payables (in cash and in kind) and
# the other way round, and the nets are opposite. EXPECTED, if given, is A's rows as a Python
# list of (currency, receivable_cash, receivable_kind, payable_cash, payable_kind).
expect_balances_mirror() {
    local a=$1 b=$2 expected=${3:-}
    on "$a" balance --partner "${NODE_NATION[$b]}" --json
    expect_exit 0
    save_out balance.a.json
    on "$b" balance --partner "${NODE_NATION[$a]}" --json
    expect_exit 0
    save_out balance.b.json
    local diff
    diff=$("$PYTHON" -c '
import json, sys
from decimal import Decimal
a = {r["currency"]: r for r in json.load(open(sys.argv[1]))}
b = {r["currency"]: r for r in json.load(open(sys.argv[2]))}
zero = {"receivable_cash": "0", "receivable_kind": "0", "payable_cash": "0", "payable_kind": "0", "net": "0"}
out = []
for cur in sorted(set(a) | set(b)):
    ra, rb = a.get(cur, zero), b.get(cur, zero)
    pairs = [("receivable_cash", "payable_cash"), ("receivable_kind", "payable_kind"),
             ("payable_cash", "receivable_cash"), ("payable_kind", "receivable_kind")]
    for fa, fb in pairs:
        if ra[fa] != rb[fb]:
            out.append(f"{cur}: {fa} {ra[fa]} on the first node, but {fb} {rb[fb]} on the second")
    na, nb = ra["net"], rb["net"]
    if Decimal(na) != -Decimal(nb):
        out.append(f"{cur}: net {na} and {nb} are not opposite")
if sys.argv[3]:
    got = [(c, a[c]["receivable_cash"], a[c]["receivable_kind"], a[c]["payable_cash"], a[c]["payable_kind"]) for c in sorted(a)]
    want = [tuple(str(v) for v in row) for row in eval(sys.argv[3])]
    if got != want:
        out.append(f"expected {want}, got {got}")
print("\n".join(out))
' "$TEST_DIR/balance.a.json" "$TEST_DIR/balance.b.json" "$expected" 2>&1)
    if [ -n "$diff" ]; then
        fail "the balances of $a and $b do not mirror: $diff"
    fi
}

# A value from a node's database (sqlite3 or psql, lib.sh's db_sql), e.g.
# db_count IN 'SELECT count(*) FROM events'.
db_count() {
    db_sql "${NODE_DB[$1]}" "$2" 2>&1
}

# expect_counts_equal A B: the same numbers of orders, order lines and events on both nodes,
# and B holds every record A wrote (and the other way round).
expect_counts_equal() {
    local a=$1 b=$2 q got_a got_b
    for q in 'SELECT count(*) FROM orders' 'SELECT count(*) FROM order_lines' \
        'SELECT count(*) FROM events'; do
        got_a=$(db_count "$a" "$q")
        got_b=$(db_count "$b" "$q")
        if [ "$got_a" != "$got_b" ]; then
            fail "$q: $got_a on $a, $got_b on $b"
        fi
    done
    local x y
    for x in "$a" "$b"; do
        y=$(partner_of "$x" "$a" "$b")
        got_a=$(db_count "$x" "SELECT count(*) || ' ' || coalesce(max(seq), 0) FROM records WHERE origin = '${NODE_NATION[$x]}'")
        got_b=$(db_count "$y" "SELECT count(*) || ' ' || coalesce(max(seq), 0) FROM records WHERE origin = '${NODE_NATION[$x]}'")
        if [ "$got_a" != "$got_b" ]; then
            fail "records of ${NODE_NATION[$x]} (count, last): $got_a on $x, $got_b on $y"
        fi
    done
}

# ---- Databases -------------------------------------------------------------------------------

# A dump of a node's data less its audit log and its quarantine, which record refusals.
node_dump() {
    db_dump "${NODE_DB[$1]}" quarantine
}

node_snapshot() {
    node_dump "$1" >"$TEST_DIR/node.$1.before"
}

# Nothing of the node's data changed since node_snapshot, its audit log and quarantine aside.
expect_node_unchanged() {
    node_dump "$1" >"$TEST_DIR/node.$1.after"
    if ! cmp -s "$TEST_DIR/node.$1.before" "$TEST_DIR/node.$1.after"; then
        fail "expected nothing applied on $1; its data changed:
$(diff "$TEST_DIR/node.$1.before" "$TEST_DIR/node.$1.after" | head -n 20)"
    fi
}

# ---- The HTTP API, for orders in bulk ---------------------------------------------------------

# api_user NAME USERNAME DISPLAY ROLE UNIT: a user of the node and an API token for it (in
# API_TOKEN).
api_user() {
    local name=$1 username=$2 display=$3 role=$4 unit=$5
    printf 'a-password-for-%s\n' "$username" >"$TEST_DIR/password.$username"
    on "$name" user add --username "$username" --name "$display" --role "$role" \
        --party "${NODE_NATION[$name]}" --unit "$unit" --password-file "$TEST_DIR/password.$username"
    expect_exit 0
    on "$name" token create --username "$username" --name "sync tests"
    expect_exit 0
    API_TOKEN=$OUT
}

# api_create_orders NAME TOKEN COUNT JSON: creates COUNT orders on node NAME through its
# server's API (one connection, kept alive), from the order JSON, whose first line's qty is
# replaced by 1, 2, ... COUNT. Prints the numbers, one a line; OUT, RC as for a run.
api_create_orders() {
    local name=$1 token=$2 count=$3 template=$4
    local prefix=()
    mapfile -t prefix < <(node_prefix "$name")
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="[$name] POST ${NODE_URL[$name]}/api/orders x $count"
    ${prefix[@]+"${prefix[@]}"} "$PYTHON" -c '
import http.client, json, sys, urllib.parse
url, token, count, template = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
# Orders of past exercises, replayed: a dated order carries a back-entry reason (lib.sh).
if "date" in template:
    template.setdefault("backdate_reason", "replayed from exercise records")
for i in range(count):
    template["lines"][0]["qty"] = str(i + 1)
    conn.request("POST", "/api/orders", json.dumps(template),
                 {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 201:
        print(f"order {i + 1}: HTTP {r.status}: {body[:300]!r}", file=sys.stderr)
        sys.exit(1)
    print(json.loads(body)["number"])
' "${NODE_URL[$name]}" "$token" "$count" "$template" >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr"
    RC=$?
    OUT=$(cat "$TEST_DIR/stdout")
    ERR=$(cat "$TEST_DIR/stderr")
}

# ---- Bundle files ----------------------------------------------------------------------------

# bundle_tool OP FILE [ARGS...]: takes a bundle apart with Python (layout of src/app/batch.c:
# the batch, then the sender's snapshot of src/app/snapshot.c, which the batch ops keep):
#   info FILE                 the header and record lengths, as JSON
#   swap FILE OUT I J         records I and J (from 0) swapped, layout and signature kept
#   flip FILE OUT OFFSET      the byte at OFFSET (negative: from the end of the batch) inverted
#   flip-record FILE OUT I    a byte in the middle of record I inverted
#   cut FILE OUT N            the first N bytes (negative: the batch but its last -N)
#   count FILE OUT N          the header's record count set to N
#   pad FILE OUT SIZE         a valid header, then zero bytes up to SIZE bytes in all
#   flip-snapshot FILE OUT OFFSET   the byte at OFFSET of the snapshot (negative: from its end)
#   cut-snapshot FILE OUT N   the batch and the first N bytes of its snapshot
#   pad-snapshot FILE OUT N   the batch and its snapshot with N zero bytes after it
#   splice FILE OUT OTHER     the batch of FILE with the snapshot of bundle OTHER
#   strip FILE OUT            the batch alone, as a bundle of the first version
bundle_tool() {
    "$PYTHON" - "$@" <<'EOF'
import json, struct, sys
op, path = sys.argv[1], sys.argv[2]
data = bytearray(open(path, "rb").read())
HEADER = 8 + 4 + 4 + 8 * 4 + 4

def records(buf):
    count = struct.unpack(">I", buf[48:52])[0]
    pos, out = HEADER, []
    for _ in range(count):
        n = struct.unpack(">I", buf[pos:pos + 4])[0]
        out.append((pos + 4, n))
        pos += 4 + n
    return out, pos

recs, end = records(data)
batch_end = min(end + 64, len(data))
if op == "info":
    after, through, ack, created = struct.unpack(">qqqq", data[16:48])
    snap = data[batch_end:]
    print(json.dumps({"magic": data[:8].decode(), "sender": data[10:12].decode(),
                      "receiver": data[14:16].decode(), "after": after, "through": through,
                      "ack": ack, "count": len(recs), "lengths": [n for _, n in recs],
                      "signature": batch_end - end, "size": len(data),
                      "snapshot": len(snap), "snapshot_magic": snap[:8].decode("latin-1")}))
    sys.exit(0)
out = sys.argv[3]
batch, snap = data[:batch_end], data[batch_end:]
if op == "swap":
    i, j = int(sys.argv[4]), int(sys.argv[5])
    recs, end = records(data)
    bodies = [bytes(data[p - 4:p + n]) for p, n in recs]
    bodies[i], bodies[j] = bodies[j], bodies[i]
    data = data[:HEADER] + b"".join(bodies) + data[end:]
elif op == "flip":
    at = int(sys.argv[4])
    data[at if at >= 0 else batch_end + at] ^= 0xFF
elif op == "flip-snapshot":
    snap[int(sys.argv[4])] ^= 0xFF
    data = batch + snap
elif op == "cut-snapshot":
    data = batch + snap[:int(sys.argv[4])]
elif op == "pad-snapshot":
    data = batch + snap + bytes(int(sys.argv[4]))
elif op == "splice":
    other = bytearray(open(sys.argv[4], "rb").read())
    orecs, oend = records(other)
    data = batch + other[oend + 64:]
elif op == "strip":
    data = batch
elif op == "flip-record":
    recs, _ = records(data)
    p, n = recs[int(sys.argv[4])]
    data[p + n // 2] ^= 0xFF
elif op == "cut":
    n = int(sys.argv[4])
    data = data[:n] if n >= 0 else batch[:n]
elif op == "count":
    data[48:52] = struct.pack(">I", int(sys.argv[4]))
elif op == "pad":
    size = int(sys.argv[4])
    data = data[:HEADER] + bytes(size - HEADER)
else:
    sys.exit("unknown op " + op)
open(out, "wb").write(bytes(data))
EOF
}

# expect_quarantined NAME PYTHON-EXPR EXPECTED: the newest quarantine entry of node NAME (d is
# that entry) gives EXPECTED.
expect_quarantined() {
    on "$1" quarantine list --json --limit 1
    expect_exit 0
    OUT=$(printf '%s' "$OUT" | "$PYTHON" -c 'import json, sys; l = json.load(sys.stdin); print(json.dumps(l[0] if l else None))')
    expect_json "$2" "$3"
}

# two_nodes_with_reference TITLE [ARG...]: India's and Japan's nodes serving and linked (Japan's
# server started with ARGs), each with its unit and official, India with the exercise JIMEX 2024,
# all synced (case TITLE). Sets NAVY_IN, JIMEX_IN and JMSDF_IN (Japan's unit as India's node
# numbers it); finishes if a node never serves.
two_nodes_with_reference() {
    local title=$1
    shift
    node_init IN IN
    node_init JP JP
    test_case "both nodes serve on free loopback ports"
    server_start IN
    server_start JP "$@"
    if [ -z "${NODE_URL[IN]}" ] || [ -z "${NODE_URL[JP]}" ]; then
        finish
    fi
    peers_link IN JP
    test_case "$title"
    on_ok IN unit add --party IN --name "Indian Navy" --service navy
    NAVY_IN=$OUT
    on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" \
        --from 2000-01-01 --limit 5000000 --currency JPY
    on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
        --from 2024-06-01 --to 2024-06-20 --place Yokosuka
    JIMEX_IN=$OUT
    on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
    on_ok JP official add --party JP --name "Capt K. Sato" --title "Logistics Officer" \
        --from 2000-01-01 --limit 50000000 --currency JPY
    sync_ok IN JP 3 2 # a unit and a grant each way, and the activity
    on IN unit list --json
    JMSDF_IN=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
}

# Writes $NEW_AGREEMENT: a second agreement between India and Japan (IN-JP-2024), for a node to
# load that its partner has not, so that the partner's records under it are quarantined.
second_agreement() {
    NEW_AGREEMENT="$TEST_DIR/india-japan-2024.json"
    "$PYTHON" - "$AGREEMENTS/india-japan-2020.json" "$NEW_AGREEMENT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["id"] = "IN-JP-2024"
d["title"] = d["title"] + " (second)"
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
}
