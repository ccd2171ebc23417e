# SPDX-License-Identifier: MIT
# Two acsa processes take conflicting steps on one order at the same moment (submit and cancel
# of a draft): exactly one wins each time and the other is refused, the order ends in the
# winner's state, and the audit chain stays one chain. On SQLite, and on PostgreSQL when
# ACSA_TEST_PG is set (there the processes queue on the database's write lock).

. "$(dirname "$0")/lib.sh"

ROUNDS=8
YEAR=$(date -u +%Y)

test_case "init, agreement and an activity of this year"
run init --nation IN --name "IN node"
expect_exit 0
run agreement load "$AGREEMENTS/india-japan-2020.json"
expect_exit 0
run activity add --agreement IN-JP-2020 --name "JIMEX" --type bilateral-training \
    --from "$YEAR-01-01" --to "$YEAR-12-31" --place Yokosuka
expect_exit 0
ACTIVITY=$OUT

test_case "submit and cancel of one draft at once: exactly one wins, $ROUNDS times"
for round in $(seq 1 "$ROUNDS"); do
    run order create --agreement IN-JP-2020 --requester IN --supplier JP \
        --activity "$ACTIVITY" --method cash --by "Lt Iyer" \
        --line "category=pol,desc=Diesel,qty=1,unit=l,price=150,currency=JPY"
    number=$OUT
    "$ACSA_BIN" --db "$DB" order submit "$number" --by "Lt Iyer" \
        >/dev/null 2>"$TEST_DIR/submit.err" &
    submit=$!
    "$ACSA_BIN" --db "$DB" order cancel "$number" --by "Lt Iyer" --reason "raised twice" \
        >/dev/null 2>"$TEST_DIR/cancel.err" &
    cancel=$!
    wait "$submit"
    submit_rc=$?
    wait "$cancel"
    cancel_rc=$?
    if [ $(( (submit_rc == 0) + (cancel_rc == 0) )) -ne 1 ]; then
        fail "round $round ($number): submit exit $submit_rc, cancel exit $cancel_rc:
$(cat "$TEST_DIR/submit.err" "$TEST_DIR/cancel.err")"
    fi
    run order show "$number" --json
    expected=submitted
    if [ "$cancel_rc" -eq 0 ]; then
        expected=cancelled
    fi
    expect_json 'd["state"]' "$expected"
done

test_case "the audit chain is one chain after the races"
run audit verify
expect_exit 0

finish
