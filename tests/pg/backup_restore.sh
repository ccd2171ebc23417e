#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2034 # the NODE_* tables are read by sync_lib.sh
# Backup and restore of a node on PostgreSQL, as docs/OPERATIONS.md gives them: pg_dump of the
# node's database restored with pg_restore into a fresh database, where the node holds the same
# orders, its audit chain verifies and it numbers its next order on; and point-in-time recovery
# from a base backup and the archived WAL to a moment after a known order and before the next,
# where the first is held and the second is not.

. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/sync_lib.sh"
. "$(dirname "$0")/servers.sh"

ARCHIVE="$PG_DIR/archive"

test_case "a server archiving its WAL, with the node's database"
pg_init main || finish
as_pg mkdir "$ARCHIVE"
pg_conf main "wal_level = replica" "archive_mode = on" \
    "archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'"
pg_start main 5434 || finish
# The node's role owns its database and is no superuser (docs/OPERATIONS.md, "Roles").
pg_sql main "CREATE ROLE acsa_node LOGIN" >/dev/null || fail "CREATE ROLE failed"
as_pg createdb -h "$PG_DIR" -p 5434 -U acsa -O acsa_node acsa || fail "createdb acsa failed"

pg_node_init IN IN "$(pg_uri main acsa acsa_node)"

test_case "a unit, an exercise and two orders"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX=$OUT
order() {
    on IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --method cash --by "Lt Iyer" --date 2024-06-10 \
        --line "category=pol,desc=Diesel,qty=$1,unit=l,price=150,currency=JPY"
}
order 100
expect_stdout "IN-JP-2024-000001"
order 200
expect_stdout "IN-JP-2024-000002"

orders_of() {
    on "$1" order list --json
    json_value '[(o["number"], o["state"], o["value"]) for o in d]'
}

# ---- pg_dump and pg_restore ---------------------------------------------------------------------

test_case "pg_dump -Fc of the node's database"
pg_dump -Fc -f "$TEST_DIR/acsa.dump" "$(pg_uri main acsa acsa_node)" 2>"$TEST_DIR/dump.err" ||
    fail "pg_dump failed: $(cat "$TEST_DIR/dump.err")"
BEFORE=$(orders_of IN)

test_case "pg_restore into a fresh database: the node holds the same orders"
as_pg createdb -h "$PG_DIR" -p 5434 -U acsa -O acsa_node acsa_restored || fail "createdb failed"
pg_restore --no-owner -d "$(pg_uri main acsa_restored acsa_node)" "$TEST_DIR/acsa.dump" \
    2>"$TEST_DIR/restore.err" || fail "pg_restore failed: $(cat "$TEST_DIR/restore.err")"
NODE_DB[R]=$(pg_uri main acsa_restored acsa_node)
NODE_NATION[R]=IN
NODE_KEYFILE[R]=${NODE_KEYFILE[IN]}
AFTER=$(orders_of R)
if [ "$AFTER" != "$BEFORE" ]; then
    fail "orders before: $BEFORE, after the restore: $AFTER"
fi
on R node show --json
expect_json 'd["key"]' "${NODE_KEY[IN]}"

test_case "the restored database is at the same schema version of acsa's migrations"
VERSION=$(pg_sql main "SELECT max(version) FROM schema_migrations" acsa)
if [ -z "$VERSION" ] || [ "$(pg_sql main "SELECT max(version) FROM schema_migrations" \
    acsa_restored)" != "$VERSION" ]; then
    fail "schema versions differ, or none: $VERSION"
fi

test_case "the restored node's audit chain verifies"
on R audit verify
expect_exit 0

test_case "the restored node takes the next order, numbered on"
on R order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-11 \
    --line "category=water,desc=Water,qty=5,unit=l,price=2,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-2024-000003"
on R audit verify
expect_exit 0

# ---- Point-in-time recovery ---------------------------------------------------------------------

test_case "a base backup, then order 3; the time is noted; then order 4"
as_pg pg_basebackup -h "$PG_DIR" -p 5434 -U acsa -D "$PG_DIR/base" -c fast \
    >"$PG_DIR/basebackup.log" 2>&1 ||
    fail "pg_basebackup failed: $(tail -c 1000 "$PG_DIR/basebackup.log")"
order 300
expect_stdout "IN-JP-2024-000003"
sleep 0.2
TARGET=$(pg_sql main "SELECT clock_timestamp()")
sleep 0.2
order 400
expect_stdout "IN-JP-2024-000004"
SEGMENT=$(pg_sql main "SELECT pg_walfile_name(pg_switch_wal())")
pg_wait main "SELECT last_archived_wal >= '$SEGMENT' FROM pg_stat_archiver" t || finish

test_case "the base backup recovered from the archive to that time"
pg_stop main
as_pg cp -a "$PG_DIR/base" "$PG_DIR/pitr"
pg_conf pitr "archive_mode = off" "restore_command = 'cp $ARCHIVE/%f %p'" \
    "recovery_target_time = '$TARGET'" "recovery_target_action = 'promote'"
as_pg touch "$PG_DIR/pitr/recovery.signal"
pg_start pitr 5435 || finish
pg_wait pitr "SELECT pg_is_in_recovery()" f || finish
if ! grep -q "recovery stopping before commit" "$PG_DIR/pitr.log"; then
    fail "the server log names no stop before a commit: $(grep -i recovery "$PG_DIR/pitr.log")"
fi

test_case "the recovered node holds order 3 but not order 4"
NODE_DB[P]=$(pg_uri pitr acsa acsa_node)
NODE_NATION[P]=IN
NODE_KEYFILE[P]=${NODE_KEYFILE[IN]}
on P order list --json
expect_json '[o["number"] for o in d]' \
    '["IN-JP-2024-000001","IN-JP-2024-000002","IN-JP-2024-000003"]'

test_case "the recovered node's audit chain verifies and it numbers on from order 3"
on P audit verify
expect_exit 0
on P order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-12 \
    --line "category=water,desc=Water,qty=7,unit=l,price=2,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-2024-000004"

finish
