# SPDX-License-Identifier: MIT
# SIGHUP reloads the server's TLS certificate and key without dropping connections: started
# with certificate A, its files replaced by certificate B, kill -HUP; a new connection
# (openssl s_client) is shown B, while a connection opened before goes on being served, and the
# server keeps running. A reload that cannot read its files, or whose key is not the
# certificate's, keeps the certificate in use and logs why. Refusals at start-up first.

. "$(dirname "$0")/lib.sh"

if ! command -v openssl >/dev/null; then
    echo "1..0 # SKIP openssl is not installed"
    exit 0
fi

run_ok init --nation IN --name "Indian node"
CERT="$TEST_DIR/tls.crt"
KEY="$TEST_DIR/tls.key"

# make_cert NAME: a self-signed certificate for localhost with the subject CN=NAME.
make_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=$1" -keyout "$TEST_DIR/$1.key" -out "$TEST_DIR/$1.crt" 2>/dev/null
}
make_cert acsa-cert-a
make_cert acsa-cert-b

# The subject the server shows a new connection (openssl s_client).
subject_seen() {
    openssl s_client -connect "127.0.0.1:$PORT" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -subject 2>/dev/null | sed 's/^subject= *//; s/ //g'
}

# ---- Refusals at start-up ------------------------------------------------------------------

# refused_start NAME MESSAGE CERT KEY: serve refuses to start, naming why.
refused_start() {
    test_case "$1"
    run serve --listen 127.0.0.1:0 --tls-cert "$3" --tls-key "$4"
    expect_exit 2
    expect_stderr_contains "$2"
}
echo "not a certificate" >"$TEST_DIR/garbage.pem"
refused_start "serve: a certificate file that is not PEM" "--tls-cert: not a PEM certificate" \
    "$TEST_DIR/garbage.pem" "$TEST_DIR/acsa-cert-a.key"
refused_start "serve: a key file that is not PEM" "--tls-key: not a PEM private key" \
    "$TEST_DIR/acsa-cert-a.crt" "$TEST_DIR/garbage.pem"
refused_start "serve: a key that is not the certificate's" "the key is not the certificate's" \
    "$TEST_DIR/acsa-cert-a.crt" "$TEST_DIR/acsa-cert-b.key"

# ---- Reload ----------------------------------------------------------------------------------

test_case "the server starts with certificate A"
cp "$TEST_DIR/acsa-cert-a.crt" "$CERT"
cp "$TEST_DIR/acsa-cert-a.key" "$KEY"
"$ACSA_BIN" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$CERT" --tls-key "$KEY" \
    2>"$SERVER_LOG" </dev/null &
SERVER_PID=$!
serve_wait
case $BASE in
https://*) ;;
*) fail "not listening on https: $BASE"; finish ;;
esac
[ "$(subject_seen)" = "CN=acsa-cert-a" ] || fail "a new connection sees '$(subject_seen)'"

test_case "a connection opened on certificate A is kept open across the reload"
"$PYTHON" - "$PORT" "$TEST_DIR" <<'PY' >"$TEST_DIR/kept.out" 2>&1 &
import http.client, os, ssl, sys, time
port, d = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
def get():
    conn.request("GET", "/healthz")
    r = conn.getresponse()
    r.read()
    return r.status
print("before", get(), flush=True)
sock = conn.sock
open(os.path.join(d, "kept.ready"), "w").close()
for _ in range(300):
    if os.path.exists(os.path.join(d, "kept.go")):
        break
    time.sleep(0.05)
status = get()
print("after", status, "same socket" if conn.sock is sock else "new socket", flush=True)
PY
KEPT=$!
for _ in $(seq 1 100); do
    [ -e "$TEST_DIR/kept.ready" ] && break
    sleep 0.05
done
[ -e "$TEST_DIR/kept.ready" ] || fail "the first connection never got its answer: $(cat "$TEST_DIR/kept.out")"

test_case "certificate B in place of A and SIGHUP: a new connection sees B"
cp "$TEST_DIR/acsa-cert-b.crt" "$CERT"
cp "$TEST_DIR/acsa-cert-b.key" "$KEY"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do
    grep -q '"event":"tls.reload"' "$SERVER_LOG" && break
    sleep 0.05
done
grep -q '"event":"tls.reload","ok":true' "$SERVER_LOG" ||
    fail "no reload logged: $(tail -c 500 "$SERVER_LOG")"
[ "$(subject_seen)" = "CN=acsa-cert-b" ] || fail "a new connection sees '$(subject_seen)'"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server stopped"

test_case "the connection opened before the reload is still served, on the same socket"
touch "$TEST_DIR/kept.go"
wait "$KEPT"
[ "$(cat "$TEST_DIR/kept.out")" = "before 200
after 200 same socket" ] || fail "the kept connection: $(cat "$TEST_DIR/kept.out")"

test_case "a reload whose certificate does not parse keeps B and logs the error"
echo "not a certificate" >"$CERT"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do
    grep -q '"event":"tls.reload","ok":false' "$SERVER_LOG" && break
    sleep 0.05
done
grep -q '"event":"tls.reload","ok":false,"error":"--tls-cert: not a PEM certificate' \
    "$SERVER_LOG" || fail "no failed reload logged: $(tail -c 500 "$SERVER_LOG")"
[ "$(subject_seen)" = "CN=acsa-cert-b" ] || fail "a new connection sees '$(subject_seen)'"

test_case "a reload whose key is not the certificate's keeps B"
cp "$TEST_DIR/acsa-cert-a.crt" "$CERT"
cp "$TEST_DIR/acsa-cert-b.key" "$KEY"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do
    [ "$(grep -c '"ok":false' "$SERVER_LOG")" -ge 2 ] && break
    sleep 0.05
done
grep -q "the key is not the certificate's" "$SERVER_LOG" ||
    fail "no mismatch logged: $(tail -c 500 "$SERVER_LOG")"
[ "$(subject_seen)" = "CN=acsa-cert-b" ] || fail "a new connection sees '$(subject_seen)'"

test_case "a reload with a missing key file keeps B"
rm -f "$KEY"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do
    [ "$(grep -c '"ok":false' "$SERVER_LOG")" -ge 3 ] && break
    sleep 0.05
done
grep -q "cannot read $KEY" "$SERVER_LOG" || fail "no missing file logged: $(tail -c 500 "$SERVER_LOG")"
[ "$(subject_seen)" = "CN=acsa-cert-b" ] || fail "a new connection sees '$(subject_seen)'"

test_case "the server still runs, and stops cleanly on SIGTERM"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server stopped"
serve_stop

finish
