# SPDX-License-Identifier: MIT
# Finding 5 of issue 8: text stored before the text rule, or written by another program (bytes
# that are not UTF-8, ESC, BEL, CR, C1 controls), written here straight into the SQLite file,
# still renders: `acsa order show` exits 0 and prints no raw control byte, its --json is valid
# JSON (each bad byte shown as U+FFFD), and GET /api/orders/N answers 200 with valid JSON.

# SQLite only: the finding is about bytes that are not UTF-8 in a SQLite file, which a
# PostgreSQL database (UTF8) refuses to store at all, before acsa could read them.
if [ -n "${ACSA_TEST_PG:-}" ]; then
    echo "1..0 # SKIP SQLite only: PostgreSQL cannot hold text that is not UTF-8"
    exit 0
fi
. "$(dirname "$0")/lib.sh"

# expect_no_raw_control: neither stdout nor stderr of the last run holds a raw control byte
# other than newline (ESC, BEL, CR and the rest of C0, DEL).
expect_no_raw_control() {
    if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TEST_DIR/stdout" "$TEST_DIR/stderr"; then
        fail "a raw control byte was printed: $(od -c "$TEST_DIR/stdout" | grep -m3 '\\033\|\\a\|\\r')"
    fi
}

# expect_valid_utf8: stdout of the last run is well-formed UTF-8.
expect_valid_utf8() {
    if ! "$PYTHON" -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' \
        <"$TEST_DIR/stdout" 2>/dev/null; then
        fail "stdout is not valid UTF-8"
    fi
}

test_case "a demo node with bad text written into its database behind acsa's back"
run_raw demo --db "$DB"
expect_exit 0
NUMBER=IN-JP-2024-000002
# place: "Yoko" ESC "]0;owned" BEL "su" and two bytes that are not UTF-8;
# line 1's description: "Field" ESC "[2J" CR "rati" 0xFF "ons"; an event whose actor is the
# "Cdr " 0xFF 0xFE of the finding and whose detail holds BEL and the C1 control CSI (U+009B).
sqlite3 "$DB" "
UPDATE orders SET place = CAST(X'596F6B6F1B5D303B6F776E6564077375B6B1' AS TEXT)
    WHERE number = '$NUMBER';
UPDATE order_lines SET description = CAST(X'4669656C641B5B324A0D72617469FF6F6E73' AS TEXT)
    WHERE order_number = '$NUMBER' AND line_no = 1;
INSERT INTO events (order_number, step, day, actor, state_from, state_to, line_no,
                    quantity_milli, amount_minor, detail)
    SELECT order_number, step, day, CAST(X'43647220FFFE' AS TEXT), state_from, state_to,
           line_no, quantity_milli, amount_minor, CAST(X'62656C6C07C29B324A' AS TEXT)
    FROM events WHERE order_number = '$NUMBER' ORDER BY id LIMIT 1;" || fail "sqlite3 failed"

test_case "finding 5: order show of stored bad text exits 0 and prints no raw control byte"
run order show "$NUMBER"
expect_exit 0
expect_no_raw_control
expect_stdout_contains 'Yoko\x1b]0;owned\x07su\xb6\xb1'
expect_stdout_contains 'Field\x1b[2J\x0drati\xffons'
expect_stdout_contains 'Cdr \xff\xfe'
expect_stdout_contains 'bell\x07\u009b2J'
expect_valid_utf8

test_case "finding 5: order show --json of stored bad text exits 0 with valid JSON"
run order show "$NUMBER" --json
expect_exit 0
expect_valid_utf8
expect_no_raw_control
expect_json 'd["place"] == "Yoko\x1b]0;owned\x07su\ufffd\ufffd"' true
expect_json 'd["lines"][0]["description"] == "Field\x1b[2J\rrati\ufffdons"' true
expect_json 'd["events"][-1]["actor"] == "Cdr \ufffd\ufffd"' true
expect_json 'd["events"][-1]["detail"] == "bell\x07\x9b2J"' true

test_case "finding 5: order list and order list --json of stored bad text exit 0"
run order list --agreement IN-JP-2020
expect_exit 0
expect_no_raw_control
run order list --json
expect_exit 0
expect_valid_utf8

# ---- The same order over HTTP ----------------------------------------------------------------

test_case "acsa serve on the same database"
serve_start "$DB" --threads 2

# GET path as the demo's programme officer: status into STATUS, body into OUT and stdout.
JAR="$TEST_DIR/jar"
get() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl GET $1"
    STATUS=$(curl -s -o "$TEST_DIR/stdout" -w '%{http_code}' -b "$JAR" -c "$JAR" "$BASE$1")
    : >"$TEST_DIR/stderr"
    OUT=$(cat "$TEST_DIR/stdout")
}

curl -s -o /dev/null -c "$JAR" -H 'Content-Type: application/json' \
    --data-binary '{"username":"in-programme","password":"demo-password-1"}' \
    "$BASE/api/session" || fail "sign-in failed"

test_case "finding 5: GET /api/orders/N of stored bad text answers 200 with valid JSON"
get "/api/orders/$NUMBER"
if [ "$STATUS" != 200 ]; then
    fail "expected 200, got $STATUS: $(head -c 300 "$TEST_DIR/stdout")"
fi
expect_valid_utf8
expect_no_raw_control
expect_json 'd["place"] == "Yoko\x1b]0;owned\x07su\ufffd\ufffd"' true
expect_json 'd["lines"][0]["description"] == "Field\x1b[2J\rrati\ufffdons"' true
expect_json 'd["events"][-1]["actor"] == "Cdr \ufffd\ufffd"' true

test_case "finding 5: GET /api/orders lists the order with stored bad text, 200"
get "/api/orders?agreement=IN-JP-2020"
if [ "$STATUS" != 200 ]; then
    fail "expected 200, got $STATUS: $(head -c 300 "$TEST_DIR/stdout")"
fi
expect_valid_utf8

serve_stop
finish
