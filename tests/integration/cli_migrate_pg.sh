# SPDX-License-Identifier: MIT
# acsa migrate: the demo node moved from its SQLite file to an empty PostgreSQL database reads
# the same there (orders, balance, overdue, reference data) and its audit chain verifies; a
# database that is not empty, bad URIs and missing flags are refused, naming them, with nothing
# written. Then two nodes that synced over HTTP: India's is moved to PostgreSQL, syncs again
# with Japan's and nothing is sent twice either way, and new orders flow both ways. Needs
# ACSA_TEST_PG (meson runs it through tests/pg/cluster.sh).

if [ -z "${ACSA_TEST_PG:-}" ]; then
    echo "1..0 # SKIP ACSA_TEST_PG is not set"
    exit 0
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

# lib.sh points DB at PostgreSQL; here the nodes start on SQLite and PG is the target.
PG=$ACSA_TEST_PG
unset ACSA_KEY
# The two-node case starts its nodes on SQLite (sync_lib.sh makes them on PostgreSQL when
# ACSA_TEST_PG is set): the PostgreSQL database is only the target.
unset ACSA_TEST_PG
DEMO="$TEST_DIR/demo.db"

# Another database of the test cluster: its URI, created empty.
pg_database() {
    psql -q "$PG" -c "CREATE DATABASE $1" >/dev/null || echo "Bail out! cannot create $1"
    printf '%s\n' "${PG/\/acsa\?//$1?}"
}

# psql_value URI SQL: one value.
psql_value() {
    psql -qtAX "$1" -c "$2" 2>&1
}

# The tables of the node, and their row counts on each side.
counts_sqlite() {
    local table
    for table in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY name"); do
        echo "$table $(sqlite3 "$1" "SELECT count(*) FROM \"$table\"")"
    done
}
counts_pg() {
    local table
    for table in $(psql_value "$1" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename"); do
        echo "$table $(psql_value "$1" "SELECT count(*) FROM \"$table\"")"
    done
}

# ---- The demo node ---------------------------------------------------------------------------

test_case "the demo node is made on SQLite, with a unit whose name COPY's text format escapes"
run_raw --db "$DEMO" demo
expect_exit 0
run_raw --db "$DEMO" unit add --party IN --name 'Depot C:\new\N "north"' --service navy
expect_exit 0

test_case "migrate refuses a missing --from or --to, naming the flag"
run_raw migrate --to "$PG"
expect_exit 2
expect_stderr_contains "--from is required"
run_raw migrate --from "$DEMO"
expect_exit 2
expect_stderr_contains "--to is required"

test_case "migrate refuses a --to that is not a PostgreSQL URI and a --from that is not a file"
run_raw migrate --from "$DEMO" --to "$TEST_DIR/other.db"
expect_exit 2
expect_stderr_contains "to: must be a PostgreSQL URI"
run_raw migrate --from "mysql://localhost/acsa" --to "$PG"
expect_exit 2
expect_stderr_contains "from: must name the node's SQLite file"
run_raw migrate --from "$PG" --to "$PG"
expect_exit 2
expect_stderr_contains "from: must name the node's SQLite file"
run_raw migrate --from "$TEST_DIR/missing.db" --to "$PG"
expect_exit 3
expect_stderr_contains "from: "
if [ -e "$TEST_DIR/missing.db" ]; then
    fail "a missing --from file was created"
fi
run_raw migrate --from "$DEMO" --to "${PG/\/acsa\?//no_such_database?}"
expect_exit 4
expect_stderr_contains "to: storage: cannot connect"
if [ "$(psql_value "$PG" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]; then
    fail "a refused migrate wrote to the database"
fi

test_case "migrate copies the demo node, shows each table's progress and what it checked"
run_raw migrate --from "$DEMO" --to "$PG"
expect_exit 0
expect_stdout_contains "Migrated node IN from $DEMO"
expect_stdout_contains "Copied 30 tables"
expect_stdout_contains "row counts and row hashes match on the target"
expect_stdout_matches $'\nSigned records: [1-9][0-9]*, hashes matched\\.\n'
expect_stdout_matches $'\nAudit entries: [1-9][0-9]*, chain verified on the target\\.\n'
expect_stdout_contains "Node key: $DEMO.key (unchanged"
expect_stderr_contains "migrate: orders"
expect_stderr_contains "rows copied"

test_case "every table has as many rows on PostgreSQL as in the SQLite file"
counts_sqlite "$DEMO" >"$TEST_DIR/counts.sqlite"
counts_pg "$PG" >"$TEST_DIR/counts.pg"
if ! diff -u "$TEST_DIR/counts.sqlite" "$TEST_DIR/counts.pg" >"$TEST_DIR/counts.diff"; then
    fail "row counts differ: $(cat "$TEST_DIR/counts.diff")"
fi
# 30 tables copied, and the balances the target's trigger made again from the postings.
if [ "$(wc -l <"$TEST_DIR/counts.pg")" -ne 31 ]; then
    fail "expected 31 tables on PostgreSQL, found $(wc -l <"$TEST_DIR/counts.pg")"
fi
for table in records audit; do
    a=$(sqlite3 "$DEMO" "SELECT group_concat(lower(hex(hash)), ',') FROM (SELECT hash FROM $table ORDER BY id)")
    b=$(psql_value "$PG" "SELECT string_agg(CASE WHEN pg_typeof(hash) = 'bytea'::regtype THEN encode(hash::bytea, 'hex') ELSE encode(convert_to(hash::text, 'UTF8'), 'hex') END, ',' ORDER BY id) FROM $table")
    if [ -z "$a" ] || [ "$a" != "$b" ]; then
        fail "the hashes of $table differ between SQLite and PostgreSQL"
    fi
done

test_case "the audit chain verifies on PostgreSQL, as many records as in the SQLite file"
run_raw --db "$DEMO" audit verify
expect_exit 0
SOURCE_AUDIT=$OUT
run_raw --db "$PG" --key "$DEMO.key" audit verify
expect_exit 0
expect_stdout "$SOURCE_AUDIT"

test_case "reads on PostgreSQL print what they print on the SQLite file"
for verb in "order list" "order list --json" "balance" "balance --json" "overdue" \
    "unit list" "official list" "activity list" "agreement list" "peer list" "node show" \
    "user list" "order show IN-JP-2024-000003"; do
    # shellcheck disable=SC2086 # the words of the verb
    run_raw --db "$DEMO" $verb
    expect_exit 0
    source_out=$OUT
    # shellcheck disable=SC2086
    run_raw --db "$PG" --key "$DEMO.key" $verb
    expect_exit 0
    if [ "$OUT" != "$source_out" ]; then
        fail "acsa $verb differs: $(diff <(printf '%s\n' "$source_out") <(printf '%s\n' "$OUT") | head -n 10)"
    fi
done

test_case "the migrated node takes new orders on PostgreSQL, numbered after the copied ones"
run_raw --db "$PG" --key "$DEMO.key" order list --json
LAST_NUMBER=$(json_value 'sorted(o["number"] for o in d if o["number"].startswith("IN-JP-2024"))[-1]')
run_raw --db "$PG" --key "$DEMO.key" order create --agreement IN-JP-2020 --requester IN \
    --supplier JP --activity 1 --method cash --by "Cdr A. Rao" --date 2024-03-01 \
    --backdate-reason "entered late" \
    --line "category=pol,desc=Diesel,qty=10,unit=l,price=150,currency=JPY"
expect_exit 0
expect_stdout_matches '^IN-JP-2024-[0-9]{6}$'
if [[ "$OUT" < "$LAST_NUMBER" ]] || [ "$OUT" = "$LAST_NUMBER" ]; then
    fail "the new order $OUT is not numbered after $LAST_NUMBER"
fi
run_raw --db "$PG" --key "$DEMO.key" audit verify
expect_exit 0

test_case "migrate refuses a database that is not empty, naming it, and writes nothing"
BEFORE=$(psql_value "$PG" "SELECT count(*) FROM audit")
run_raw migrate --from "$DEMO" --to "$PG"
expect_exit 1
expect_stderr_contains 'to: database "acsa" is not empty'
expect_stdout ""
if [ "$(psql_value "$PG" "SELECT count(*) FROM audit")" != "$BEFORE" ]; then
    fail "the refused migrate changed the audit log"
fi
OTHER=$(pg_database acsa_other)
psql -q "$OTHER" -c "CREATE TABLE inventory (id BIGINT PRIMARY KEY)" >/dev/null
run_raw migrate --from "$DEMO" --to "$OTHER"
expect_exit 1
expect_stderr_contains 'to: database "acsa_other" is not empty: it has table public.inventory'
if [ "$(psql_value "$OTHER" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 1 ]; then
    fail "the refused migrate created tables"
fi

test_case "a database holding a table acsa does not know is refused as a source, naming it"
cp "$DEMO" "$TEST_DIR/extra.db"
sqlite3 "$TEST_DIR/extra.db" "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"
EXTRA_TARGET=$(pg_database acsa_extra)
run_raw migrate --from "$TEST_DIR/extra.db" --to "$EXTRA_TARGET"
expect_exit 1
expect_stderr_contains "from: the source has table notes, which acsa migrate does not know"
if [ "$(psql_value "$EXTRA_TARGET" "SELECT count(*) FROM orders")" != 0 ]; then
    fail "the refused migrate copied rows"
fi

test_case "a column the target lacks is refused, naming it; the emptied target takes a retry"
cp "$DEMO" "$TEST_DIR/column.db"
sqlite3 "$TEST_DIR/column.db" "ALTER TABLE units ADD COLUMN badge TEXT"
run_raw migrate --from "$TEST_DIR/column.db" --to "$EXTRA_TARGET"
expect_exit 1
expect_stderr_contains "to: column units.badge of the source is not in the target"
if [ "$(psql_value "$EXTRA_TARGET" "SELECT count(*) FROM units")" != 0 ]; then
    fail "the refused migrate copied rows"
fi
run_raw migrate --from "$DEMO" --to "$EXTRA_TARGET"
expect_exit 0
expect_stdout_contains "chain verified on the target"

# ---- Two nodes that synced: India's moves to PostgreSQL -----------------------------------------

two_nodes_with_reference "India and Japan sync their reference data over HTTP"

test_case "an order each way, synced, then nothing is left to send"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --method cash --by "Cdr A. Rao" --date 2024-06-05 \
    --line "category=pol,desc=Diesel,qty=100,unit=l,price=150,currency=JPY"
IN_ORDER_1=$OUT
on JP activity list --json
JIMEX_JP=$(json_value 'd[0]["id"]')
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --method cash --by "Capt K. Sato" --date 2024-06-06 \
    --line "category=water,desc=Water,qty=100,unit=l,price=2,currency=JPY"
JP_ORDER_1=$OUT
sync_ok IN JP 1 1
sync_ok IN JP 0 0
QUIET_REPORT=$(sync_report)
on_ok IN peer list --json
PEERS_BEFORE=$OUT

test_case "India's node stops and is migrated to PostgreSQL"
IN_OLD_URL=${NODE_URL[IN]}
server_stop IN
IN_PG=$(pg_database acsa_two)
IN_KEY_FILE="${NODE_DB[IN]}.key"
run_raw migrate --from "${NODE_DB[IN]}" --to "$IN_PG"
expect_exit 0
expect_stdout_contains "chain verified on the target"
NODE_DB[IN]=$IN_PG

# From here India's node runs on PostgreSQL with its key file named.
eval "$(declare -f on | sed '1s/^on /on_sqlite /')"
on() {
    local name=$1
    shift
    if [ "$name" = IN ]; then
        on_sqlite "$name" "$@" --key "$IN_KEY_FILE"
    else
        on_sqlite "$name" "$@"
    fi
}

test_case "on PostgreSQL India's node keeps its partner cursors and syncs without sending twice"
on_ok IN peer list --json
if [ "$OUT" != "$PEERS_BEFORE" ]; then
    fail "the partner cursors changed: before $PEERS_BEFORE, after $OUT"
fi
sync_ok IN JP 0 0
if [ "$(sync_report)" != "$QUIET_REPORT" ]; then
    fail "the sync after the move differs from the quiet one before it: $QUIET_REPORT, now $(sync_report)"
fi
on_ok JP quarantine list --json
expect_json 'len(d)' 0
on_ok IN quarantine list --json
expect_json 'len(d)' 0

test_case "new orders flow both ways after the move"
on_ok IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --method cash --by "Cdr A. Rao" --date 2024-06-07 \
    --line "category=pol,desc=Lubricant,qty=5,unit=l,price=900,currency=JPY"
IN_ORDER_2=$OUT
if [ "$IN_ORDER_2" = "$IN_ORDER_1" ]; then
    fail "the order number $IN_ORDER_1 was given twice"
fi
sync_ok IN JP 1 0
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --method cash --by "Capt K. Sato" --date 2024-06-08 \
    --line "category=water,desc=Water,qty=200,unit=l,price=2,currency=JPY"
JP_ORDER_2=$OUT
sync_ok IN JP 0 1
sync_ok IN JP 0 0
expect_orders_equal IN JP
on_ok JP order list --json
expect_json 'sorted(o["number"] for o in d)' \
    "$("$PYTHON" -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:]), separators=(",", ":")))' \
        "$IN_ORDER_1" "$IN_ORDER_2" "$JP_ORDER_1" "$JP_ORDER_2")"
on_ok IN audit verify
on_ok JP quarantine list --json
expect_json 'len(d)' 0

test_case "India's node serves from PostgreSQL at its old address; Japan's syncs take nothing twice"
NODE_LISTEN[IN]="127.0.0.1:${IN_OLD_URL##*:}"
server_start IN --key "$IN_KEY_FILE"
sync_ok JP IN 0 0
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --method cash --by "Capt K. Sato" --date 2024-06-09 \
    --line "category=water,desc=Water,qty=300,unit=l,price=2,currency=JPY"
JP_ORDER_3=$OUT
sync_ok JP IN 1 0
sync_ok JP IN 0 0
on_ok IN order show "$JP_ORDER_3" --json
expect_json 'd["number"]' "$JP_ORDER_3"
on_ok IN audit verify

finish
