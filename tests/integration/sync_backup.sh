# SPDX-License-Identifier: MIT
# A node restored from a backup resumes syncing with its partner: India is backed up while its
# server runs and orders are being written on it; India is then lost (its server stopped, its
# database set aside), restored from the backup to a new path, started from there, and synced
# with Japan. Nothing is re-sent (no duplicate either way), nothing refused, both nodes hold the
# same orders and reconcile agrees from both sides; steps taken after the restore, on either
# side, go across exactly once. Orders India wrote after the backup's moment and never synced
# were only on the lost database: the test counts them and checks that the restored node holds
# exactly the orders of the backup's moment.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "units, officials and the exercise, synced"

# new_order NAME [QTY]: an Indian order raised and submitted on node NAME; its number in ORDER.
new_order() {
    on_ok "$1" order create --agreement IN-JP-2020 --requester IN --supplier JP \
        --activity "$JIMEX_IN" --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" \
        --place Yokosuka --need-by 2024-06-14 --method cash --by "Lt Iyer" --date 2024-06-10 \
        --line "category=pol,desc=Diesel,qty=${2:-10},unit=kl,price=2000,currency=JPY"
    ORDER=$OUT
    on_ok "$1" order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
}

test_case "three Indian orders, approved, synced; Japan accepts two and syncs back"
for i in 1 2 3; do
    new_order IN "$i"
    on_ok IN order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
    FIRST[$i]=$ORDER
done
sync_ok IN JP
on_ok JP order accept "${FIRST[1]}" --by "Capt K. Sato" --date 2024-06-11
on_ok JP order accept "${FIRST[2]}" --by "Capt K. Sato" --date 2024-06-11
sync_ok IN JP 0 2
expect_reconciled IN JP

test_case "India writes two more orders, not yet synced"
new_order IN 4
new_order IN 5

PASS="$TEST_DIR/pass"
printf 'a passphrase for the India node\n' >"$PASS"
BAK="$TEST_DIR/india.bak"

test_case "India is backed up while its server runs and orders are written on it"
WRITER_LOG="$TEST_DIR/writer.log"
(
    mapfile -t db < <(node_args IN)
    for i in $(seq 1 20); do
        "$ACSA_BIN" "${db[@]}" order create --agreement IN-JP-2020 --requester IN --supplier JP \
            --activity "$JIMEX_IN" --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" \
            --place Yokosuka --need-by 2024-06-14 --method cash --by "Lt Iyer" \
            --date 2024-06-10 --backdate-reason "replayed from the exercise records" \
            --line "category=pol,desc=Fuel during the backup,qty=$i,unit=kl,price=2000,currency=JPY" \
            >>"$WRITER_LOG" 2>&1 || echo "FAILED $i" >>"$WRITER_LOG"
    done
) &
WRITER=$!
BACKGROUND_PIDS+=("$WRITER")
for _ in $(seq 1 100); do
    [ "$(wc -l <"$WRITER_LOG" 2>/dev/null || echo 0)" -ge 3 ] && break
    sleep 0.05
done
on IN backup --out "$BAK" --passphrase-file "$PASS"
expect_exit 0
expect_stdout_contains "node key:        sealed, matches the node's public key"
BACKED_UP=$(printf '%s\n' "$OUT" | sed -n 's/^  orders: *\([0-9]*\)$/\1/p')
DURING=$(wc -l <"$WRITER_LOG")
wait "$WRITER"
grep -q FAILED "$WRITER_LOG" && fail "an order written during the backup failed: $(grep -m1 -B2 FAILED "$WRITER_LOG")"
echo "# the backup holds $BACKED_UP orders; $DURING of the 20 written alongside had been taken when it ended"
[ -n "$BACKED_UP" ] && [ "$BACKED_UP" -ge 5 ] || fail "the backup holds $BACKED_UP orders, fewer than the 5 before it began"

test_case "India's server keeps serving during and after the backup"
on IN order list --json
expect_exit 0
ALL=$(json_value 'len(d)')
[ "$ALL" = 25 ] || fail "India holds $ALL orders, not 25"
kill -0 "${NODE_PID[IN]}" || fail "India's server stopped"

test_case "India is lost: its server stopped and its database set aside"
# The restored node will serve at the same address, the one Japan knows it by.
NODE_LISTEN[IN]=${NODE_URL[IN]#http://}
server_stop IN
LOST_DB=${NODE_DB[IN]}
LOST_KEY=${NODE_KEYFILE[IN]}

test_case "India is restored from the backup to a new path"
node_db_new IN_RESTORED
NODE_DB[IN]=${NODE_DB[IN_RESTORED]}
NODE_KEYFILE[IN]=${NODE_KEYFILE[IN_RESTORED]}
NODE_NATION[IN_RESTORED]=IN
mapfile -t target < <(node_args IN)
run_raw "${target[@]}" restore "$BAK" --passphrase-file "$PASS"
expect_exit 0
expect_stdout_contains "orders:          $BACKED_UP"
[ "${NODE_DB[IN]}" != "$LOST_DB" ] && [ "${NODE_KEYFILE[IN]}" != "$LOST_KEY" ] ||
    fail "restored over the lost node"

test_case "the restored node's audit chain verifies and its key is India's"
on IN audit verify
expect_exit 0
on IN node show --json
expect_json 'd["key"]' "${NODE_KEY[IN]}"

test_case "the restored node holds exactly the orders of the backup's moment"
on IN order list --json
expect_json 'len(d)' "$BACKED_UP"
save_out restored.json
run_raw --db "$LOST_DB" ${ACSA_TEST_PG:+--key "$LOST_KEY"} order list --json
save_out lost.json
got=$("$PYTHON" - "$TEST_DIR/restored.json" "$TEST_DIR/lost.json" <<'PY'
import json, sys
restored = {o["number"]: o for o in json.load(open(sys.argv[1]))}
lost = {o["number"]: o for o in json.load(open(sys.argv[2]))}
bad = [n for n in restored if n not in lost or restored[n] != lost[n]]
# Numbers are given in order: what the backup holds is the first of what the lost node held.
first = sorted(lost)[:len(restored)]
print("ok" if not bad and sorted(restored) == first else f"differ: {bad[:5]}")
PY
)
[ "$got" = ok ] || fail "the restored orders are not the lost node's first $BACKED_UP: $got"
echo "# $((ALL - BACKED_UP)) orders written after the backup's moment were only on the lost node"

test_case "the restored node starts and serves at India's address"
server_start IN

test_case "the restored node syncs with Japan: its unsent orders go across once, nothing comes back twice"
sync_ok IN JP
expect_report sent_duplicates=0 received_duplicates=0
SENT=$(printf '%s\n' "$(sync_report)" | tr ' ' '\n' | sed -n 's/^sent=//p')
[ "${SENT:-0}" -gt 0 ] || fail "nothing was sent, though the backup held orders Japan lacked"
expect_quarantine_empty IN JP

test_case "after the sync both nodes hold the same orders and reconcile agrees"
expect_orders_equal IN JP
expect_reconciled IN JP
on JP order list --json
expect_json 'len(d)' "$BACKED_UP"

test_case "a second sync moves nothing"
sync_ok IN JP 0 0

test_case "steps after the restore go across once each way"
new_order IN 99
NEW=$ORDER
on_ok IN order approve "$NEW" --by "Cdr A. Rao" --date 2024-06-10
sync_ok IN JP 3 0
on_ok JP order accept "$NEW" --by "Capt K. Sato" --date 2024-06-11
on_ok JP order accept "${FIRST[3]}" --by "Capt K. Sato" --date 2024-06-11
sync_ok IN JP 0 2
expect_quarantine_empty IN JP
expect_orders_equal IN JP
expect_reconciled IN JP

test_case "both audit chains verify"
on IN audit verify
expect_exit 0
on JP audit verify
expect_exit 0

server_stop IN
server_stop JP
finish
