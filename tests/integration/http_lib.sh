# SPDX-License-Identifier: MIT
# HTTP with curl for the scripts that drive `acsa serve` (after lib.sh, which gives TEST_DIR,
# RUN_COUNT, fail and json_value): BASE is the server's address, JAR and CSRF the signed-in
# session.

STATUS=""    # Status of the last request.
HEADERS=""   # Its response headers.

# http METHOD PATH [curl arguments...]: the body goes to OUT (for expect_json), the status to
# STATUS. Signed in by the cookie jar, when there is one, with the CSRF token on writes.
http() {
    local method=$1 path=$2
    shift 2
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl -X $method $path $*"
    local jar=()
    if [ -n "${JAR:-}" ]; then
        jar=(-b "$JAR" -c "$JAR")
        if [ "$method" != GET ] && [ -n "${CSRF:-}" ]; then
            jar+=(-H "X-CSRF-Token: $CSRF")
        fi
    fi
    STATUS=$(curl -s -o "$TEST_DIR/body" -D "$TEST_DIR/headers" -w '%{http_code}' \
        -X "$method" "${jar[@]}" "$@" "$BASE$path")
    RC=$?
    OUT=$(cat "$TEST_DIR/body")
    HEADERS=$(tr -d '\r' <"$TEST_DIR/headers")
    ERR=""
    contract_record "$method" "$path"
}

# ---- The API contract --------------------------------------------------------------------------
# Every response of http goes to $TEST_DIR/contract (N.meta: "METHOD PATH STATUS CONTENT-TYPE",
# N.body); finish then checks them all against docs/openapi.json (tests/web/contract.mjs) as
# one last case. A failed connection (status 000) has no response to check.
CONTRACT_DIR="$TEST_DIR/contract"
CONTRACT_COUNT=0
contract_record() {
    if [ "$STATUS" = 000 ]; then
        return 0
    fi
    mkdir -p "$CONTRACT_DIR"
    CONTRACT_COUNT=$((CONTRACT_COUNT + 1))
    local n
    n=$(printf '%05d' "$CONTRACT_COUNT")
    printf '%s %s %s %s\n' "$1" "${2%%#*}" "$STATUS" "$(header Content-Type)" \
        >"$CONTRACT_DIR/$n.meta"
    cp "$TEST_DIR/body" "$CONTRACT_DIR/$n.body"
}

# The last case of a script that used http (lib.sh's finish calls it).
before_finish() {
    if [ "$CONTRACT_COUNT" -eq 0 ]; then
        return 0
    fi
    test_case "every response ($CONTRACT_COUNT) matches docs/openapi.json"
    local root
    root=${ACSA_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    LAST_CMD="node tests/web/contract.mjs check $CONTRACT_DIR"
    OUT=$(ACSA_SOURCE_ROOT=$root node "$root/tests/web/contract.mjs" check "$CONTRACT_DIR" 2>&1)
    RC=$?
    ERR=""
    if [ "$RC" -ne 0 ]; then
        fail "responses that docs/openapi.json does not document"
    fi
    printf '%s\n' "$OUT" | tail -n 1 | sed 's/^/# /'
}

# http with a JSON body.
http_json() {
    local method=$1 path=$2 body=$3
    shift 3
    http "$method" "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

expect_status() {
    if [ "$STATUS" != "$1" ]; then
        fail "expected HTTP status $1, got $STATUS"
    fi
}

# The value of a response header (case-insensitive name).
header() {
    printf '%s\n' "$HEADERS" | awk -v name="$1" 'BEGIN { IGNORECASE = 1 }
        tolower($0) ~ "^" tolower(name) ":" { sub(/^[^:]*: */, ""); print; exit }'
}

expect_header() {
    local got
    got=$(header "$1")
    if [ "$got" != "$2" ]; then
        fail "expected header $1: $2, got: $got"
    fi
}

# A problem+json of status naming field (the field member, "null" for none).
expect_problem() {
    expect_status "$1"
    expect_header Content-Type application/problem+json
    expect_json 'd["status"]' "$1"
    expect_json 'd["type"].startswith("/problems/")' true
    if [ $# -ge 2 ]; then
        expect_json 'd["field"]' "$2"
    fi
}

# Signs in as user (password of the demo); the session goes to a cookie jar of its own.
sign_in() {
    JAR="$TEST_DIR/jar.$1"
    CSRF=""
    rm -f "$JAR"
    http_json POST /api/session "{\"username\":\"$1\",\"password\":\"demo-password-1\"}"
    CSRF=$(json_value 'd["csrf_token"]')
}

