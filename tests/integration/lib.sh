# SPDX-License-Identifier: MIT
# Shared by the integration scripts: a small TAP producer, a runner for the acsa command that
# captures stdout, stderr and the exit code, and checks on output, JSON and database dumps.
# Source it, then: test_case NAME; run ARGS...; expect_...; and finish at the end.

set -u

if [ -z "${ACSA_BIN:-}" ] || [ ! -x "$ACSA_BIN" ]; then
    echo "Bail out! ACSA_BIN must name the acsa executable (got '${ACSA_BIN:-}')"
    exit 1
fi
# JSON is checked with Python; its interpreter is resolved once, as version-manager shims
# are slow to start and the checks run it often.
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || {
    echo "Bail out! python3 is required"
    exit 1
}
ACSA_SOURCE_ROOT=${ACSA_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AGREEMENTS="$ACSA_SOURCE_ROOT/agreements"

# Every script works in its own directory, removed on exit. The node database is $DB unless a
# script points DB elsewhere; ACSA_DB from the caller's environment is never used.
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/acsa-it.XXXXXX")
# A server a script starts (serve_start) logs to $SERVER_LOG; on exit it is killed, with any
# other background process the script lists in BACKGROUND_PIDS, before the directory goes.
SERVER_LOG="$TEST_DIR/server.log"
SERVER_PID=""
BASE=""
BACKGROUND_PIDS=""
stop_server() {
    for pid in $SERVER_PID $BACKGROUND_PIDS; do
        kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    SERVER_PID=""
    BACKGROUND_PIDS=""
}
trap 'stop_server; rm -rf "$TEST_DIR"' EXIT
DB="$TEST_DIR/node.db"
unset ACSA_DB
# With ACSA_TEST_PG (a postgresql:// URI, as tests/pg/cluster.sh exports it) the node lives in
# that PostgreSQL database instead, emptied first, with its key file in the test's directory.
if [ -n "${ACSA_TEST_PG:-}" ]; then
    DB=$ACSA_TEST_PG
    export ACSA_KEY="$TEST_DIR/node.key"
    psql -q "$ACSA_TEST_PG" -c "SET client_min_messages = warning" \
        -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null || {
        echo "Bail out! cannot empty $ACSA_TEST_PG"
        exit 1
    }
fi

# The script runs a copy of the binary, so a rebuild while it runs cannot change it midway.
cp "$ACSA_BIN" "$TEST_DIR/acsa" || {
    echo "Bail out! cannot copy $ACSA_BIN"
    exit 1
}
ACSA_BIN="$TEST_DIR/acsa"
export TZ=UTC

# ---- TAP -------------------------------------------------------------------------------------

TAP_COUNT=0       # Cases reported so far.
TAP_FAILED=0      # Cases reported as "not ok".
CASE_NAME=""      # The open case, if any.
CASE_DIAG=()      # Diagnostics of the open case; any makes it "not ok".
CASE_SHOWN_RUN="" # The run whose command and output the open case has already shown.
RUN_COUNT=0       # Runs of acsa so far.

# Reports the open case, if any.
case_end() {
    if [ -z "$CASE_NAME" ]; then
        return 0
    fi
    TAP_COUNT=$((TAP_COUNT + 1))
    if [ "${#CASE_DIAG[@]}" -eq 0 ]; then
        echo "ok $TAP_COUNT - $CASE_NAME"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        echo "not ok $TAP_COUNT - $CASE_NAME"
        local line
        for line in "${CASE_DIAG[@]}"; do
            printf '%s\n' "$line" | sed 's/^/# /'
        done
    fi
    CASE_NAME=""
    CASE_DIAG=()
}

# Starts a case (ending the previous one). Every expect_* that fails makes it "not ok".
test_case() {
    case_end
    CASE_NAME=$1
    CASE_DIAG=()
    CASE_SHOWN_RUN=""
}

# Records a failure of the open case, with what was run and what it printed (once per run).
fail() {
    CASE_DIAG+=("$1")
    if [ -n "${LAST_CMD:-}" ] && [ "$CASE_SHOWN_RUN" != "$RUN_COUNT" ]; then
        CASE_SHOWN_RUN=$RUN_COUNT
        CASE_DIAG+=("command: $LAST_CMD" "exit code: $RC")
        if [ -n "$OUT" ]; then
            CASE_DIAG+=("stdout: $(printf '%s' "$OUT" | head -n 20)")
        fi
        if [ -n "$ERR" ]; then
            CASE_DIAG+=("stderr: $(printf '%s' "$ERR" | head -n 20)")
        fi
    fi
}

# Ends the last case, prints the plan and exits non-zero if any case failed.
finish() {
    if [ "$(type -t before_finish)" = function ]; then
        before_finish
    fi
    case_end
    echo "1..$TAP_COUNT"
    if [ "$TAP_FAILED" -ne 0 ]; then
        exit 1
    fi
    exit 0
}

# ---- Running acsa ----------------------------------------------------------------------------

OUT=""      # stdout of the last run, without trailing newlines.
ERR=""      # stderr of the last run.
RC=0        # exit code of the last run.
LAST_CMD=""

# Runs acsa on $DB with the given arguments.
run() {
    if [ -n "$(backdate_args "$@")" ]; then
        run_raw --db "$DB" "$@" --backdate-reason "$BACKDATE_REASON"
    else
        run_raw --db "$DB" "$@"
    fi
}

# The scripts replay the history of past exercises: an order step given an explicit --date is
# entered with a back-entry reason, as an office keying in its records would (docs/CLI.md,
# "Dates"). Set BACKDATE_REASON= (empty) to run a step without one.
BACKDATE_REASON=${BACKDATE_REASON-replayed from the exercise records}
backdate_args() {
    [ "${1-}" = order ] && [ -n "$BACKDATE_REASON" ] || return 0
    case "${2-}" in
        show | list) return 0 ;;
    esac
    local a
    for a in "$@"; do
        case "$a" in
            --backdate-reason) return 0 ;;
        esac
    done
    for a in "$@"; do
        if [ "$a" = --date ]; then
            echo yes
            return 0
        fi
    done
}

# Runs acsa with exactly the given arguments (no --db added).
run_raw() {
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="acsa$(printf ' %q' "$@")"
    "$ACSA_BIN" "$@" >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr" </dev/null
    RC=$?
    OUT=$(cat "$TEST_DIR/stdout")
    ERR=$(cat "$TEST_DIR/stderr")
}

# Runs acsa on $DB and records a failure unless it exits 0; for steps that set a scene.
run_ok() {
    run "$@"
    if [ "$RC" -ne 0 ]; then
        fail "expected exit code 0"
    fi
}

# ---- Checks on the last run ------------------------------------------------------------------

expect_exit() {
    if [ "$RC" -ne "$1" ]; then
        fail "expected exit code $1"
    fi
}

expect_stderr_contains() {
    if [[ "$ERR" != *"$1"* ]]; then
        fail "expected stderr to contain: $1"
    fi
}

expect_stderr_empty() {
    if [ -n "$ERR" ]; then
        fail "expected nothing on stderr"
    fi
}

expect_stdout() {
    if [ "$OUT" != "$1" ]; then
        fail "expected stdout to be exactly: $1"
    fi
}

# stdout is exactly one line, ending in a newline (an id or number printed alone).
expect_single_line() {
    if [ "$(wc -l <"$TEST_DIR/stdout")" -ne 1 ] || [ "$(tail -c 1 "$TEST_DIR/stdout" | od -An -c | tr -d ' ')" != '\n' ]; then
        fail "expected exactly one line on stdout"
    fi
}

expect_stdout_contains() {
    if [[ "$OUT" != *"$1"* ]]; then
        fail "expected stdout to contain: $1"
    fi
}

expect_stdout_lacks() {
    if [[ "$OUT" == *"$1"* ]]; then
        fail "expected stdout not to contain: $1"
    fi
}

# The whole of stdout (one or more lines) matches an extended regular expression.
expect_stdout_matches() {
    if ! [[ "$OUT" =~ $1 ]]; then
        fail "expected stdout to match: $1"
    fi
}

# Prints the value of a Python expression over the JSON on stdout of the last run, bound to
# d: strings as they are, anything else as compact JSON (True is true, None is null).
json_value() {
    printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
try:
    d = json.load(sys.stdin)
    v = eval(sys.argv[1], {"d": d, "json": json})
except Exception as error:
    print(f"{type(error).__name__}: {error}")
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
' "$1" 2>&1
}

# The value of a Python expression over the JSON on stdout (see json_value) is the expected
# text.
expect_json() {
    local got
    got=$(json_value "$1")
    if [ "$got" != "$2" ]; then
        fail "expected $1 == $2, got: $got"
    fi
}

# ---- Databases -------------------------------------------------------------------------------

SNAPSHOT_DB=""
SNAPSHOT_AUDIT=0  # The last audit record's id at the snapshot.

# True if a database names a PostgreSQL one (a postgresql:// URI) rather than a SQLite file.
db_is_pg() {
    case "$1" in
        postgresql:* | postgres:*) return 0 ;;
    esac
    return 1
}

# Runs SQL on a node's database, whichever its backend: sqlite3 on a file, psql on a
# postgresql:// URI; rows one a line, columns joined by "|", nothing else on stdout.
#   db_sql DB SQL
db_sql() {
    if db_is_pg "$1"; then
        psql -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "SET client_min_messages = warning" -c "$2"
    else
        sqlite3 "$1" "$2"
    fi
}

# db_drop_trigger DB TABLE TRIGGER: drops a trigger, as someone editing the database behind
# acsa's back would.
db_drop_trigger() {
    if db_is_pg "$1"; then
        db_sql "$1" "DROP TRIGGER $3 ON $2"
    else
        db_sql "$1" "DROP TRIGGER $3"
    fi
}

# db_new NAME: another database for a script that needs more than $DB, on $DB's backend: the
# file NAME.db in the test directory, or under ACSA_TEST_PG the database NAME in the test's
# cluster (made here, empty). Prints what --db takes.
db_new() {
    if [ -z "${ACSA_TEST_PG:-}" ]; then
        echo "$TEST_DIR/$1.db"
        return 0
    fi
    PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q "postgresql:///postgres?host=$ACSA_TEST_PG_DIR&user=acsa" \
        -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null || return 1
    echo "postgresql:///$1?host=$ACSA_TEST_PG_DIR&user=acsa"
}

# db_holds_node DB: true if DB holds a node: a file that is not empty, or a PostgreSQL database
# with the node's settings.
db_holds_node() {
    if db_is_pg "$1"; then
        [ "$(db_sql "$1" "SELECT count(*) FROM meta" 2>/dev/null)" -gt 0 ] 2>/dev/null
    else
        [ -s "$1" ]
    fi
}

# Dumps a database, less its audit log (and, with more names, those tables too), as text that
# reads the same while the data is the same: sqlite3's .dump for a file; for PostgreSQL every
# table of the schema, each row as text, sorted (a heap's order is not the data's).
#   db_dump DB [TABLE...]
db_dump() {
    local db=$1
    shift
    local t
    if db_is_pg "$db"; then
        local skip="'audit'"
        for t in "$@"; do
            skip+=", '$t'"
        done
        printf '%s\n' "SELECT format('SELECT %L || '': '' || t::text FROM public.%I t ORDER BY t::text', \
tablename, tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ($skip) \
ORDER BY tablename" '\gexec' | psql -X -q -A -t -v ON_ERROR_STOP=1 "$db" 2>&1
    else
        local pattern=()
        for t in audit "$@"; do
            pattern+=(-e "^INSERT INTO $t VALUES(")
        done
        sqlite3 "$db" .dump 2>&1 | grep -v "${pattern[@]}"
    fi
}

# The id of the last audit record of a database (0 if none).
db_audit_last() {
    db_sql "$1" 'SELECT coalesce(max(id), 0) FROM audit' 2>/dev/null || echo 0
}

# Dumps a database to a file in the test directory, to compare after a refused command.
db_snapshot() {
    SNAPSHOT_DB=$1
    db_dump "$SNAPSHOT_DB" >"$TEST_DIR/snapshot.before"
    SNAPSHOT_AUDIT=$(db_audit_last "$SNAPSHOT_DB")
}

# The database dumped by db_snapshot dumps to exactly the same text again, its audit log
# aside (every command, accepted or refused, is audited).
expect_db_data_unchanged() {
    db_dump "$SNAPSHOT_DB" >"$TEST_DIR/snapshot.after"
    if ! cmp -s "$TEST_DIR/snapshot.before" "$TEST_DIR/snapshot.after"; then
        fail "expected the database to be unchanged; dump differs:
$(diff "$TEST_DIR/snapshot.before" "$TEST_DIR/snapshot.after" | head -n 20)"
    fi
}

# After a refused command: the data is unchanged (expect_db_data_unchanged) and the audit log
# gained nothing that reads "ok", only the refusal.
expect_db_unchanged() {
    expect_db_data_unchanged
    local accepted
    accepted=$(db_sql "$SNAPSHOT_DB" "SELECT count(*) FROM audit WHERE id > $SNAPSHOT_AUDIT \
AND outcome = 'ok'" 2>/dev/null || echo 0)
    if [ "$accepted" != 0 ]; then
        fail "expected no accepted command in the audit log after the snapshot"
    fi
}

# One refusal as a case: snapshot $DB, run, then check the exit code, the message on stderr
# (a part of it, usually from "acsa: " on), an empty stdout and an unchanged database.
#   expect_refused NAME CODE MESSAGE ARGS...
expect_refused() {
    local name=$1 code=$2 message=$3
    shift 3
    test_case "$name"
    db_snapshot "$DB"
    run "$@"
    expect_exit "$code"
    expect_stderr_contains "$message"
    expect_stdout ""
    expect_db_unchanged
}

# ---- A node to work on -----------------------------------------------------------------------

# An Indian node with the India-Japan agreement, one unit and one official on each side and
# one exercise, each step checked as a case. Sets NAVY, JMSDF (unit ids) and JIMEX (activity).
# Cdr A. Rao approves for India up to 5,000,000 JPY; Capt K. Sato accepts for Japan (and
# approves Japan's own orders up to 50,000,000 JPY).
# shellcheck disable=SC2034 # NAVY, JMSDF and JIMEX are for the scripts that source this file
setup_india_japan() {
    test_case "init creates the node database, confirming on stderr only"
    run init --nation IN --name "Indian Armed Forces, Eastern Naval Command"
    expect_exit 0
    expect_stdout ""
    expect_stderr_contains "for nation IN"

    test_case "agreement load prints only the agreement id"
    run agreement load "$AGREEMENTS/india-japan-2020.json"
    expect_exit 0
    expect_stdout "IN-JP-2020"
    expect_single_line

    test_case "unit add prints only the new id (Indian unit)"
    run unit add --party IN --name "Indian Navy" --service navy
    expect_exit 0
    expect_stdout_matches '^[0-9]+$'
    expect_single_line
    NAVY=$OUT

    test_case "unit add prints only the new id (Japanese unit)"
    run unit add --party JP --name "JMSDF" --service jmsdf
    expect_exit 0
    expect_stdout_matches '^[0-9]+$'
    expect_single_line
    JMSDF=$OUT
    if [ "$JMSDF" = "$NAVY" ]; then
        fail "two units got the same id $NAVY"
    fi

    test_case "official add prints only the new id (requesting side)"
    run official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
    expect_exit 0
    expect_stdout_matches '^[0-9]+$'
    expect_single_line

    test_case "official add prints only the new id (supplying side)"
    run official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 50000000 --currency JPY
    expect_exit 0
    expect_stdout_matches '^[0-9]+$'
    expect_single_line

    test_case "activity add prints only the new id"
    run activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
        --from 2024-06-01 --to 2024-06-20 --place Yokosuka
    expect_exit 0
    expect_stdout_matches '^[0-9]+$'
    expect_single_line
    JIMEX=$OUT
}

# Starts `acsa serve --db DB --listen 127.0.0.1:0 ARGS...` in the background with its log in
# $SERVER_LOG, waits for its "event":"listening" line and sets SERVER_PID, BASE (http://127.0.0.1:N)
# and PORT; fails the case and finishes the script if it never listens.
serve_start() {
    db=$1
    shift
    "$ACSA_BIN" serve --db "$db" --listen 127.0.0.1:0 "$@" 2>"$SERVER_LOG" </dev/null &
    SERVER_PID=$!
    serve_wait
}

# Stops the server as an operator would (SIGTERM) and fails the case unless it exits 0.
serve_stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID"
    RC=$?
    SERVER_PID=""
    if [ "$RC" -ne 0 ]; then
        fail "the server exited $RC: $(tail -n 5 "$SERVER_LOG")"
    fi
}

# Scripts that speak HTTP with curl call this first: without curl the script is skipped.
require_curl() {
    if ! command -v curl >/dev/null 2>&1; then
        echo "1..0 # SKIP curl is not installed"
        exit 0
    fi
}

# Waits for the "listening" line of the server logging to $SERVER_LOG and sets BASE
# (http[s]://127.0.0.1:N) and PORT; fails the case and finishes the script if it never comes.
serve_wait() {
    for _ in $(seq 1 100); do
        if grep -q '"event":"listening"' "$SERVER_LOG" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    BASE=$(sed -n 's/^{.*"event":"listening","url":"\(https\{0,1\}:\/\/127\.0\.0\.1:[0-9]*\)".*}$/\1/p' "$SERVER_LOG")
    PORT=${BASE##*:}
    if [ -z "$BASE" ]; then
        fail "no \"event\":\"listening\" line: $(head -c 500 "$SERVER_LOG")"
        finish
    fi
}
