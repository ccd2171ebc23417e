# SPDX-License-Identifier: MIT
# A node on PostgreSQL and a node on SQLite exchange signed bundles both ways: the PostgreSQL
# node's partner cursor, records, batches, reference origins, snapshots and fingerprints carry
# what the SQLite node expects, and reconciliation finds nothing differing. Needs ACSA_TEST_PG
# (meson runs it through tests/pg/cluster.sh); the India node is the PostgreSQL one.

if [ -z "${ACSA_TEST_PG:-}" ]; then
    echo "1..0 # SKIP ACSA_TEST_PG is not set"
    exit 0
fi
. "$(dirname "$0")/lib.sh"

JP_DB="$TEST_DIR/jp.db"
jp() {
    run_raw --db "$JP_DB" --key "$JP_DB.key" "$@"
}

test_case "init: India's node on PostgreSQL, Japan's on SQLite"
run init --nation IN --name "IN node"
expect_exit 0
jp init --nation JP --name "JP node"
expect_exit 0
run agreement load "$AGREEMENTS/india-japan-2020.json"
expect_exit 0
jp agreement load "$AGREEMENTS/india-japan-2020.json"
expect_exit 0

test_case "each node registers the other's public key"
run node show --json
IN_KEY=$(json_value 'd["key"]')
jp node show --json
JP_KEY=$(json_value 'd["key"]')
run peer add --party JP --key "$JP_KEY"
expect_exit 0
jp peer add --party IN --key "$IN_KEY"
expect_exit 0

TODAY=$(date -u +%Y-%m-%d)
YEAR=${TODAY%%-*}
test_case "India makes an activity and an order, and sends them by bundle"
run activity add --agreement IN-JP-2020 --name "JIMEX" --type bilateral-training \
    --from "$YEAR-01-01" --to "$YEAR-12-31" --place Yokosuka
expect_exit 0
ACTIVITY=$OUT
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$ACTIVITY" \
    --method cash --by "Lt Iyer" \
    --line "category=pol,desc=Diesel,qty=100,unit=l,price=150,currency=JPY"
expect_exit 0
expect_stdout "IN-JP-$YEAR-000001"
run bundle export --peer JP --out "$TEST_DIR/to-jp.acsa"
expect_exit 0
jp bundle import "$TEST_DIR/to-jp.acsa"
expect_exit 0
expect_stdout_contains "2 applied, 0 held already, 0 refused"

test_case "Japan's order under India's activity comes back and is applied on PostgreSQL"
jp activity list --json
expect_json '[a["name"] for a in d]' '["JIMEX"]'
JP_ACTIVITY=$(json_value 'd[0]["id"]')
jp order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JP_ACTIVITY" \
    --method cash --by "Lt Sato" \
    --line "category=water,desc=Water,qty=100,unit=l,price=2,currency=JPY"
expect_exit 0
expect_stdout "JP-IN-$YEAR-000001"
jp bundle export --peer IN --out "$TEST_DIR/to-in.acsa"
expect_exit 0
run bundle import "$TEST_DIR/to-in.acsa"
expect_exit 0
expect_stdout_contains "1 applied, 0 held already, 0 refused"
run order list --json
expect_json '[o["number"] for o in d]' "[\"IN-JP-$YEAR-000001\",\"JP-IN-$YEAR-000001\"]"

test_case "the cursors moved, nothing is quarantined, the audit chain verifies"
run peer list --json
expect_json '[(p["party"], p["received_through"], p["acked_through"]) for p in d]' '[["JP",1,2]]'
run quarantine list --json
expect_json 'len(d)' 0
run audit verify
expect_exit 0

test_case "reconcile --offline against Japan's snapshot finds nothing differing"
run reconcile --peer JP --offline
expect_exit 0
expect_stderr_contains "2 orders here, 2 on JP's node: 0 missing here, 0 missing there, 0 differing"

finish
