# SPDX-License-Identifier: MIT
# acsa backup and acsa restore: the refusals first (passphrase file missing, empty, short, too
# large, of two lines; an existing backup file or database; a wrong passphrase; a file that is
# not a backup, truncated, altered, too large, of another format version, with bytes after its
# end), each leaving nothing behind; then a backup that verifies, and a restore that gives the
# same node (orders, public key, audit chain). On PostgreSQL (ACSA_TEST_PG) the backup is a
# pg_dump archive and the restore goes into a new database of the cluster.

. "$(dirname "$0")/lib.sh"

setup_india_japan

test_case "an order is raised and submitted"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka --need-by 2024-06-15 \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-11

PASS="$TEST_DIR/pass"
printf 'correct horse battery staple\n' >"$PASS"
BAK="$TEST_DIR/node.bak"

# No file but the node's own, the passphrases and (later) the backup may be left in the test
# directory by a refused command: no temporary copy, no half-written file.
leftovers() {
    find "$TEST_DIR" -maxdepth 1 \( -name '*.tmp' -o -name '*.tmp-*' -o -name '*.tmp.key' \
        -o -name '*.restore.tmp*' \) -print
}
expect_no_leftovers() {
    local left
    left=$(leftovers)
    if [ -n "$left" ]; then
        fail "files left behind: $left"
    fi
}

# ---- Refusals of acsa backup -----------------------------------------------------------------

expect_refused "backup: --passphrase-file is required" 2 "--passphrase-file" \
    backup --out "$BAK"
expect_refused "backup: --out is required" 2 "--out" backup --passphrase-file "$PASS"
expect_refused "backup: a passphrase file that does not exist" 2 \
    "passphrase-file: cannot read $TEST_DIR/nonesuch" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/nonesuch"
: >"$TEST_DIR/empty"
expect_refused "backup: an empty passphrase file" 2 "passphrase-file: $TEST_DIR/empty is empty" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/empty"
printf '\n' >"$TEST_DIR/newline"
expect_refused "backup: a passphrase file holding only a newline" 2 "is empty" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/newline"
printf 'short\n' >"$TEST_DIR/short"
expect_refused "backup: a passphrase shorter than 8 bytes" 2 "shorter than 8 bytes" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/short"
head -c 2000 /dev/zero | tr '\0' 'a' >"$TEST_DIR/large"
expect_refused "backup: a passphrase file larger than 1024 bytes" 2 "more than 1024 bytes" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/large"
printf 'first line here\nsecond line\n' >"$TEST_DIR/two"
expect_refused "backup: a passphrase file of two lines" 2 "more than one line" \
    backup --out "$BAK" --passphrase-file "$TEST_DIR/two"
test_case "no refused backup left a file behind"
[ ! -e "$BAK" ] || fail "$BAK was written"
expect_no_leftovers

echo "not a backup" >"$TEST_DIR/taken"
expect_refused "backup: an existing --out file is not replaced without --force" 1 \
    "out: $TEST_DIR/taken exists (--force replaces it)" \
    backup --out "$TEST_DIR/taken" --passphrase-file "$PASS"
test_case "the existing file is as it was"
[ "$(cat "$TEST_DIR/taken")" = "not a backup" ] || fail "$TEST_DIR/taken changed"

# ---- A backup ----------------------------------------------------------------------------------

test_case "backup writes the sealed file and reports what it verified"
run backup --out "$BAK" --passphrase-file "$PASS"
expect_exit 0
expect_stdout_contains "Backed up node IN"
expect_stdout_contains "audit chain:"
expect_stdout_contains "verified"
expect_stdout_contains "orders:          1"
expect_stdout_contains "node key:        sealed, matches the node's public key"
expect_stdout_contains "read back:"
if ! db_is_pg "$DB"; then
    expect_stdout_contains "integrity_check: ok"
fi
[ "$(head -c 8 "$BAK")" = "ACSABKUP" ] || fail "the file does not begin with ACSABKUP"
[ "$(stat -c %a "$BAK")" = 600 ] || fail "the backup is not private: $(stat -c %a "$BAK")"
expect_no_leftovers
cp "$BAK" "$TEST_DIR/first.bak"

test_case "backup --force replaces an existing file"
run backup --out "$TEST_DIR/taken" --passphrase-file "$PASS" --force
expect_exit 0
[ "$(head -c 8 "$TEST_DIR/taken")" = "ACSABKUP" ] || fail "not replaced"

test_case "the node key is not in the file in the clear"
KEYFILE=${ACSA_KEY:-$DB.key}
if "$PYTHON" - "$KEYFILE" "$BAK" <<'PY'
import sys
key = open(sys.argv[1], "rb").read()
sys.exit(0 if key[:32] in open(sys.argv[2], "rb").read() else 1)
PY
then
    fail "the secret key's bytes appear in the backup"
fi

# ---- Refusals of acsa restore ------------------------------------------------------------------

TARGET=$(db_new restored) || fail "cannot make a database to restore into"
RKEY="$TEST_DIR/restored.key"
restore() {
    local file=$1
    shift
    if db_is_pg "$TARGET"; then
        run_raw --key "$RKEY" restore "$file" --db "$TARGET" "$@"
    else
        run_raw restore "$file" --db "$TARGET" "$@"
    fi
}
# refused NAME CODE MESSAGE FILE ARGS...: restore refused, nothing restored, nothing left.
refused() {
    local name=$1 code=$2 message=$3
    shift 3
    test_case "$name"
    restore "$@"
    expect_exit "$code"
    expect_stderr_contains "$message"
    expect_stdout ""
    if db_is_pg "$TARGET"; then
        [ "$(db_sql "$TARGET" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] ||
            fail "tables were restored"
    else
        [ ! -e "$TARGET" ] || fail "$TARGET was written"
    fi
    [ ! -e "$RKEY" ] || fail "the key file was written"
    expect_no_leftovers
}

refused "restore: --passphrase-file is required" 2 "--passphrase-file" "$BAK"
test_case "restore: --db is required"
run_raw restore "$BAK" --passphrase-file "$PASS"
expect_exit 2
expect_stderr_contains "--db is required"
refused "restore: a passphrase file that does not exist" 2 "passphrase-file: cannot read" \
    "$BAK" --passphrase-file "$TEST_DIR/nonesuch"
refused "restore: an empty passphrase file" 2 "is empty" "$BAK" --passphrase-file "$TEST_DIR/empty"
refused "restore: a passphrase file larger than 1024 bytes" 2 "more than 1024 bytes" \
    "$BAK" --passphrase-file "$TEST_DIR/large"
printf 'the wrong passphrase\n' >"$TEST_DIR/wrong"
refused "restore: a wrong passphrase is refused plainly" 1 \
    "passphrase-file: wrong passphrase for $BAK" "$BAK" --passphrase-file "$TEST_DIR/wrong"
refused "restore: a backup file that does not exist" 2 "file: cannot read $TEST_DIR/nonesuch" \
    "$TEST_DIR/nonesuch" --passphrase-file "$PASS"
refused "restore: a file that is not a backup" 1 "is not an acsa backup" \
    "$PASS" --passphrase-file "$PASS"

SIZE=$(stat -c %s "$BAK")
head -c 40 "$BAK" >"$TEST_DIR/header.bak"
refused "restore: a file cut inside its header" 1 "is truncated: 40 bytes" \
    "$TEST_DIR/header.bak" --passphrase-file "$PASS"
head -c $((SIZE - 100)) "$BAK" >"$TEST_DIR/short.bak"
refused "restore: a file cut short inside a section" 1 "is truncated inside section" \
    "$TEST_DIR/short.bak" --passphrase-file "$PASS"
# The last section (the end) is 4 + 1 + 40 + 17 = 62 bytes: without it the stream has no end.
head -c $((SIZE - 62)) "$BAK" >"$TEST_DIR/noend.bak"
refused "restore: a file whose end section is missing" 1 "its end section is missing" \
    "$TEST_DIR/noend.bak" --passphrase-file "$PASS"

# flip FILE OFFSET OUT: a copy of FILE with the byte at OFFSET inverted.
flip() {
    "$PYTHON" - "$1" "$2" "$3" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[int(sys.argv[2])] ^= 0xFF
open(sys.argv[3], "wb").write(data)
PY
}
flip "$BAK" $((SIZE / 2)) "$TEST_DIR/altered.bak"
refused "restore: a byte altered in the database is refused naming where" 1 \
    "is damaged or altered at byte" "$TEST_DIR/altered.bak" --passphrase-file "$PASS"
flip "$BAK" 30 "$TEST_DIR/salt.bak"
refused "restore: an altered salt reads as a wrong passphrase (or an altered header)" 1 \
    "(or its header was altered)" "$TEST_DIR/salt.bak" --passphrase-file "$PASS"
flip "$BAK" 9 "$TEST_DIR/version.bak"
refused "restore: another format version" 1 "format version 254; this acsa reads version 1" \
    "$TEST_DIR/version.bak" --passphrase-file "$PASS"
flip "$BAK" 20 "$TEST_DIR/memlimit.bak"
refused "restore: a key derivation asking for too much memory is refused unread" 1 \
    "asks for a key derivation this acsa does not do" \
    "$TEST_DIR/memlimit.bak" --passphrase-file "$PASS"
"$PYTHON" - "$BAK" "$TEST_DIR/huge.bak" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[68:72] = b"\xff\xff\xff\xff"
open(sys.argv[2], "wb").write(data)
PY
refused "restore: a section longer than any written (too large)" 1 "(too large)" \
    "$TEST_DIR/huge.bak" --passphrase-file "$PASS"
cp "$BAK" "$TEST_DIR/tail.bak"
echo "appended" >>"$TEST_DIR/tail.bak"
refused "restore: bytes after the end section" 1 "has bytes after its end section" \
    "$TEST_DIR/tail.bak" --passphrase-file "$PASS"

if ! db_is_pg "$DB"; then
    : >"$TARGET.held"
    cp "$DB" "$TEST_DIR/other.db"
    test_case "restore: an existing database is not replaced without --force"
    run_raw restore "$BAK" --db "$TEST_DIR/other.db" --passphrase-file "$PASS"
    expect_exit 1
    expect_stderr_contains "db: $TEST_DIR/other.db exists (--force replaces it"
    cmp -s "$DB" "$TEST_DIR/other.db" || fail "other.db changed"
    rm -f "$TARGET.held"
fi

# ---- A restore ---------------------------------------------------------------------------------

test_case "restore puts the node back and reports what it verified"
restore "$BAK" --passphrase-file "$PASS"
expect_exit 0
expect_stdout_contains "Restored node IN"
expect_stdout_contains "node key:        sealed, matches the node's public key"
expect_stdout_contains "orders:          1"
expect_no_leftovers

# on_target ARGS...: acsa on the restored node.
on_target() {
    if db_is_pg "$TARGET"; then
        run_raw --db "$TARGET" --key "$RKEY" "$@"
    else
        run_raw --db "$TARGET" "$@"
    fi
}

test_case "the restored node's audit chain verifies"
on_target audit verify
expect_exit 0

test_case "the restored node has the same public key"
run node show
expect_exit 0
ORIGINAL=$(printf '%s\n' "$OUT" | grep '^Public key')
on_target node show
expect_exit 0
[ "$(printf '%s\n' "$OUT" | grep '^Public key')" = "$ORIGINAL" ] || fail "the public key differs"

test_case "the restored node has the same orders"
run order list --json
ORIGINAL=$OUT
on_target order list --json
[ "$OUT" = "$ORIGINAL" ] || fail "order list differs"

test_case "the restored node signs with its key: its next step is taken"
on_target order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-11 \
    --backdate-reason "replayed from the exercise records"
expect_exit 0

if db_is_pg "$TARGET"; then
    test_case "restore into a database that holds a node is refused, its key file untouched"
    printf 'the key of the node in the database\n' >"$RKEY"
    restore "$BAK" --passphrase-file "$PASS" --force
    expect_exit 1
    expect_stderr_contains "holds an acsa node already"
    [ "$(cat "$RKEY")" = "the key of the node in the database" ] ||
        fail "the refused restore replaced the key file"
    expect_no_leftovers
else
    test_case "restore --force replaces the database and its key"
    restore "$TEST_DIR/first.bak" --passphrase-file "$PASS" --force
    expect_exit 0
    on_target order show "$ORDER" --json
    expect_json 'd["state"]' submitted
fi

# ---- A backup before a migration ---------------------------------------------------------------

if ! db_is_pg "$DB"; then
    # A database one migration behind: the last migration's tables dropped and its row removed.
    OLD="$TEST_DIR/old.db"
    cp "$DB" "$OLD"
    cp "$DB.key" "$OLD.key"
    LAST=$(sqlite3 "$OLD" 'SELECT max(version) FROM schema_migrations')
    sqlite3 "$OLD" "DROP TABLE documents; DROP TABLE document_blobs; \
        DELETE FROM schema_migrations WHERE version = $LAST"
    FROM=$((LAST - 1))
    test_case "opening a database a migration behind saves it first, and says where"
    run_raw --db "$OLD" order list --json
    expect_exit 0
    expect_stderr_contains "database schema version $FROM, this acsa migrates it to $LAST; the database as it was is saved in"
    expect_stderr_contains "old.db.pre-migration-$FROM.bak"
    [ "$(sqlite3 "$OLD" 'SELECT max(version) FROM schema_migrations')" = "$LAST" ] ||
        fail "not migrated"
    SAVED="$OLD.pre-migration-$FROM.bak"
    [ "$(sqlite3 "$SAVED" 'SELECT max(version) FROM schema_migrations')" = "$FROM" ] ||
        fail "the saved copy is not at version $FROM"
    [ "$(sqlite3 "$SAVED" 'PRAGMA integrity_check')" = ok ] || fail "the saved copy is damaged"
    [ "$(stat -c %a "$SAVED")" = 600 ] || fail "the saved copy is not private"

    test_case "an up-to-date database is opened without a copy"
    run_raw --db "$OLD" order list --json
    expect_exit 0
    expect_stderr_empty
    [ "$(find "$TEST_DIR" -name 'old.db.pre-migration-*' | wc -l)" = 1 ] || fail "another copy"
fi

finish
