# SPDX-License-Identifier: MIT
# The sync wire against someone on the wire (issue 8, findings 6 and 1). India's node talks to
# Japan's through a recording proxy that can also hold a request back (answering it itself, so
# its nonce stays unused), strip or forge the signature of an answer, or alter an answer's body.
# Requests India signed are then re-aimed (another query), sent to France's node, altered,
# replayed 200 times, and sent two at a time: each is refused, and nothing is stored twice. A
# reply without a valid signature of Japan's node fails India's sync and applies nothing. An
# unsigned 32 MiB upload to /sync/ is answered 403 before its body is read: the server's peak
# memory does not grow by the body.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl is not installed"
    exit 0
fi

# ---- Tools: the recording proxy and the wire client ------------------------------------------

# proxy.py PORT TARGET_PORT CAPTURE_DIR MODE_FILE: relays HTTP requests to 127.0.0.1:TARGET_PORT
# and writes each to CAPTURE_DIR/NNNN-METHOD-PATH.json (method, target, headers, body). The
# first line of MODE_FILE says what it does to requests "METHOD PATH" (the path without query):
# "relay", "hold METHOD PATH" (answer 403 itself, not forwarded), "strip" (every answer loses
# X-Acsa-Signature), "forge METHOD PATH" (one digit of that answer's signature changed),
# "tamper METHOD PATH" (one byte of that answer's body changed, its signature kept).
cat >"$TEST_DIR/proxy.py" <<'EOF'
import base64, http.client, http.server, json, os, sys, threading

port, target_port, capdir, modefile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
lock = threading.Lock()
count = [0]
HOP = {"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server"}

class Relay(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path = self.path.split("?")[0]
        with lock:
            count[0] += 1
            name = "%04d-%s-%s.json" % (count[0], self.command, path.strip("/").replace("/", "_"))
        with open(os.path.join(capdir, name), "w") as f:
            json.dump({"method": self.command, "target": self.path,
                       "headers": [[k, v] for k, v in self.headers.items()],
                       "body": base64.b64encode(body).decode()}, f)
        mode = (open(modefile).read().split("\n")[0] + "  ").split(" ")
        what, on = mode[0], " ".join(mode[1:3])
        mine = on == "%s %s" % (self.command, path)
        if what == "hold" and mine:
            return self.answer(403, [("Content-Type", "application/problem+json")],
                               b'{"status":403,"detail":"held by the proxy"}')
        conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(self.command, self.path, body, headers)
        resp = conn.getresponse()
        data = resp.read()
        out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
        if what == "strip":
            out = [(k, v) for k, v in out if k.lower() != "x-acsa-signature"]
        elif what == "forge" and mine:
            out = [(k, ("1" if v[0] != "1" else "2") + v[1:]) if k.lower() == "x-acsa-signature"
                   else (k, v) for k, v in out]
        elif what == "tamper" and mine and data:
            data = bytes([data[0] ^ 1]) + data[1:]
        self.answer(resp.status, out, data)

    def answer(self, status, headers, data):
        self.send_response_only(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = relay

http.server.ThreadingHTTPServer(("127.0.0.1", port), Relay).serve_forever()
EOF

# wire.py COMMAND URL ...: sends captured requests (CAPTURE is a file of proxy.py).
#   send URL CAPTURE [TARGET|-] [flip]: once, to TARGET instead of the captured one, with one body
#     byte changed if "flip"; prints "STATUS FIELD" (FIELD of a problem+json, else "-").
#   repeat URL CAPTURE N: N times, one after the other; prints "STATUS:COUNT" per status.
#   two URL CAPTURE_A CAPTURE_B: A's headers with "Expect: 100-continue"; once A is admitted
#     (the 100 answer), all of B; then A's body. Prints "B_STATUS B_FIELD A_STATUS".
#   flood URL N: N connections each announcing a 32 MiB POST to /sync/v1/batches without
#     signature; each reads its answer before sending the body, then tries to send the body.
#     Prints the statuses.
cat >"$TEST_DIR/wire.py" <<'EOF'
import base64, collections, json, socket, sys, urllib.parse

def load(path):
    with open(path) as f:
        c = json.load(f)
    c["body"] = base64.b64decode(c["body"])
    return c

def raw(c, url, target=None, body=None, extra=()):
    u = urllib.parse.urlsplit(url)
    body = c["body"] if body is None else body
    lines = ["%s %s HTTP/1.1" % (c["method"], target or c["target"]), "Host: %s" % u.netloc]
    for k, v in c["headers"]:
        if k.lower() not in ("host", "content-length", "connection", "expect"):
            lines.append("%s: %s" % (k, v))
    lines += list(extra) + ["Content-Length: %d" % len(body), "Connection: close", "", ""]
    return "\r\n".join(lines).encode(), body

def connect(url):
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=60)
    return s

def read_answer(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data

def status_field(data):
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ")[1].decode() if head else "0"
    try:
        field = json.loads(body).get("field") or "-"
    except Exception:
        field = "-"
    return "%s %s" % (status, field)

def send(url, c, target=None, flip=False):
    body = c["body"]
    if flip:
        body = bytes([body[0] ^ 1]) + body[1:]
    head, body = raw(c, url, target, body)
    s = connect(url)
    s.sendall(head + body)
    out = status_field(read_answer(s))
    s.close()
    return out

cmd, url = sys.argv[1], sys.argv[2]
if cmd == "send":
    c = load(sys.argv[3])
    target = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "-" else None
    print(send(url, c, target, len(sys.argv) > 5 and sys.argv[5] == "flip"))
elif cmd == "repeat":
    c = load(sys.argv[3])
    counts = collections.Counter(send(url, c).split(" ")[0] for _ in range(int(sys.argv[4])))
    print(" ".join("%s:%d" % kv for kv in sorted(counts.items())))
elif cmd == "two":
    a, b = load(sys.argv[3]), load(sys.argv[4])
    head, body = raw(a, url, extra=["Expect: 100-continue"])
    sa = connect(url)
    sa.sendall(head)
    interim = sa.recv(4096)
    if not interim.startswith(b"HTTP/1.1 100"):
        print("A-not-admitted %s" % status_field(interim + read_answer(sa)))
        sys.exit(0)
    b_out = send(url, b)
    sa.sendall(body)
    print("%s %s" % (b_out, status_field(read_answer(sa)).split(" ")[0]))
elif cmd == "flood":
    body_len = 32 << 20
    head = ("POST /sync/v1/batches HTTP/1.1\r\nHost: x\r\nX-Acsa-Node: JP\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % body_len)
    socks = [connect(url) for _ in range(int(sys.argv[3]))]
    chunk = b"\0" * (1 << 20)
    statuses = []
    for s in socks:
        s.sendall(head.encode())
        s.settimeout(5)
        try:
            answer = s.recv(65536)  # Answered before any of the body is sent.
        except socket.timeout:
            answer = b""
        try:
            for _ in range(body_len // len(chunk)):
                s.sendall(chunk)
        except OSError:
            pass  # Closed by the server: the body is not wanted.
        if not answer:
            s.settimeout(60)
            try:
                answer = read_answer(s)
            except OSError:
                answer = b""
        statuses.append(status_field(answer).split(" ")[0])
    for s in socks:
        s.close()
    print(" ".join(statuses))
EOF

# The newest capture of METHOD PATH-NAME (e.g. POST sync_v1_batches).
capture() {
    find "$TEST_DIR/cap" -name "*-$1-$2.json" | sort | tail -n 1
}

wire() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="wire.py $*"
    OUT=$(python3 "$TEST_DIR/wire.py" "$@" 2>"$TEST_DIR/wire.err")
    RC=$?
    ERR=$(cat "$TEST_DIR/wire.err")
}

proxy_mode() {
    printf '%s\n' "$1" >"$TEST_DIR/mode"
}

# Peak resident memory of a process, in KiB.
peak_kib() {
    sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"
}

# ---- Three nodes, Japan's behind the proxy ---------------------------------------------------

node_init IN IN
node_init JP JP

test_case "FR: France's node, with the India-France agreement"
node_db_new FR
NODE_NATION[FR]=FR
on_ok FR init --nation FR --name "Node FR"
on_ok FR agreement load "$AGREEMENTS/india-france-2018.json"
on_ok IN agreement load "$AGREEMENTS/india-france-2018.json"
on_ok FR node show --json
NODE_KEY[FR]=$(json_value 'd["key"]')

test_case "the three servers and the proxy come up"
server_start IN
server_start JP
server_start FR
JP_PORT=${NODE_URL[JP]##*:}
PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TEST_DIR/cap"
proxy_mode relay
python3 "$TEST_DIR/proxy.py" "$PROXY_PORT" "${JP_PORT%/}" "$TEST_DIR/cap" "$TEST_DIR/mode" \
    2>"$TEST_DIR/proxy.log" &
BACKGROUND_PIDS+=($!)
for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT/"; then
        break
    fi
    sleep 0.1
done
peer_add IN JP "http://127.0.0.1:$PROXY_PORT"
peer_add JP IN
peer_add FR IN

test_case "each node has records for the other"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf

# ---- Requests India signed, captured on the wire ---------------------------------------------

test_case "finding 6: a batch POST held on the wire fails India's sync"
proxy_mode "hold POST /sync/v1/batches"
on IN sync --peer JP --json
expect_exit 1
HELD_POST=$(capture POST sync_v1_batches)
[ -n "$HELD_POST" ] || fail "no POST captured"

test_case "finding 6: the POST with its body altered after signing is 403 and applies nothing"
node_snapshot JP
wire send "${NODE_URL[JP]}" "$HELD_POST" - flip
expect_stdout "403 X-Acsa-Body-SHA256"
expect_node_unchanged JP

test_case "a sync through the proxy stores India's batch once"
proxy_mode relay
on IN sync --peer JP --json
expect_exit 0
expect_report received=1
SENT_POST=$(capture POST sync_v1_batches)
BATCHES_JP=$(db_count JP "SELECT count(*) FROM batches")
QUARANTINE_JP=$(db_count JP "SELECT count(*) FROM quarantine")

test_case "finding 6: the signed POST replayed 200 times is refused each time (nonce); one batch stored, quarantine unchanged"
wire repeat "${NODE_URL[JP]}" "$SENT_POST" 200
expect_stdout "403:200"
[ "$(db_count JP "SELECT count(*) FROM batches")" = "$BATCHES_JP" ] ||
    fail "batches stored: $(db_count JP "SELECT count(*) FROM batches"), before: $BATCHES_JP"
[ "$(db_count JP "SELECT count(*) FROM quarantine")" = "$QUARANTINE_JP" ] ||
    fail "quarantine grew by the replays"
wire send "${NODE_URL[JP]}" "$SENT_POST"
expect_stdout "403 X-Acsa-Nonce"

test_case "a GET of batches held on the wire fails India's sync"
on_ok JP unit add --party JP --name "JMSDF Fleet" --service jmsdf
proxy_mode "hold GET /sync/v1/batches"
on IN sync --peer JP --json
expect_exit 1
HELD_GET=$(capture GET sync_v1_batches)
TARGET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["target"])' "$HELD_GET")
echo "# captured: GET $TARGET"

test_case "finding 6: the captured GET re-aimed at another query (after=0&limit=10000) is 403"
wire send "${NODE_URL[JP]}" "$HELD_GET" "/sync/v1/batches?after=0&limit=10000"
expect_stdout "403 X-Acsa-Signature"
wire send "${NODE_URL[JP]}" "$HELD_GET" "/sync/v1/batches?after=5&limit=1"
expect_stdout "403 X-Acsa-Signature"

test_case "finding 6: the GET India signed for Japan is 403 at France's node"
wire send "${NODE_URL[FR]}" "$HELD_GET"
expect_stdout "403 X-Acsa-To"

test_case "the captured GET, unaltered, is answered once; replayed, it is 403 (nonce)"
wire send "${NODE_URL[JP]}" "$HELD_GET"
expect_stdout "200 -"
wire send "${NODE_URL[JP]}" "$HELD_GET"
expect_stdout "403 X-Acsa-Nonce"

# ---- Answers altered on the wire -------------------------------------------------------------

for fault in "strip" "forge GET /sync/v1/batches" "tamper GET /sync/v1/batches" \
    "tamper GET /sync/v1/status"; do
    test_case "finding 6: an answer altered on the wire ($fault) fails India's sync; nothing applied"
    proxy_mode "$fault"
    node_snapshot IN
    on IN sync --peer JP --json
    expect_exit 1
    expect_stderr_contains "registered key over this request's nonce"
    expect_node_unchanged IN
done

test_case "with the wire clean again, India's sync takes in Japan's record"
proxy_mode relay
on IN sync --peer JP --json
expect_exit 0
expect_report received=1

test_case "reconcile through the proxy is signed both ways; a forged fingerprints answer fails it"
on IN reconcile --peer JP --json
expect_exit 0
proxy_mode "forge GET /sync/v1/fingerprints"
on IN reconcile --peer JP --json
expect_exit 1
expect_stderr_contains "does not verify"
proxy_mode relay

# ---- One batch at a time per partner ---------------------------------------------------------

test_case "finding 1: a second batch POST while one of the same partner is in flight is 503"
on_ok IN unit add --party IN --name "Indian Navy Fleet" --service navy
proxy_mode "hold POST /sync/v1/batches"
on IN sync --peer JP --json
expect_exit 1
POST_A=$(capture POST sync_v1_batches)
on IN sync --peer JP --json
expect_exit 1
POST_B=$(capture POST sync_v1_batches)
[ "$POST_A" != "$POST_B" ] || fail "one capture for two syncs"
wire two "${NODE_URL[JP]}" "$POST_A" "$POST_B"
expect_stdout "503 X-Acsa-Node 200"

# ---- Unadmitted uploads are not buffered -----------------------------------------------------

test_case "finding 1: 8 unsigned 32 MiB POSTs to /sync/ are 403 before their body; peak memory stays low"
BEFORE=$(peak_kib "${NODE_PID[JP]}")
wire flood "${NODE_URL[JP]}" 8
expect_stdout "403 403 403 403 403 403 403 403"
AFTER=$(peak_kib "${NODE_PID[JP]}")
echo "# JP server VmHWM: $BEFORE kB before, $AFTER kB after"
if [ $((AFTER - BEFORE)) -gt 16384 ]; then
    fail "peak memory grew by $((AFTER - BEFORE)) kB"
fi

# ---- Nonces live in memory: a restart forgets them --------------------------------------------

test_case "finding 6: a request captured before Japan's node restarted is 403 after it"
proxy_mode "hold GET /sync/v1/status"
on IN sync --peer JP --json
expect_exit 1
HELD_STATUS=$(capture GET sync_v1_status)
sleep 1.1 # So that the restart falls in a later second than the request's X-Acsa-Time.
server_stop JP
server_start JP
wire send "${NODE_URL[JP]}" "$HELD_STATUS"
expect_stdout "403 X-Acsa-Time"

test_case "the servers stop cleanly"
server_stop IN
server_stop JP
server_stop FR

finish
