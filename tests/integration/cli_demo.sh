# SPDX-License-Identifier: MIT
# acsa demo: builds a complete node database in one command, shows its balance and overdue
# list, covers every order state and method, and refuses to touch an existing file.

. "$(dirname "$0")/lib.sh"

DEMO=$(db_new demo)
ENV_DB=$(db_new from_env)
STATES="accepted approved cancelled closed delivered delivering disputed draft invoiced rejected settled submitted"

test_case "acsa demo creates the demo database"
run_raw demo --db "$DEMO"
expect_exit 0
expect_stderr_contains "demo: node IN created"
if ! db_holds_node "$DEMO"; then
    fail "no database at $DEMO"
fi

test_case "acsa demo prints the balance of the demo node"
expect_stdout_contains "PARTNER"
expect_stdout_contains "NET"
expect_stdout_contains "JP"

test_case "acsa demo prints the overdue list of the demo node"
expect_stdout_contains "Overdue"

DB=$DEMO

test_case "the demo node is India's, with the India-Japan agreement"
run agreement list --json
expect_exit 0
expect_json '[a["id"] for a in d]' '["IN-JP-2020"]'
expect_json 'd[0]["parties"]' '["IN","JP"]'

test_case "the demo has units of both parties, officials and exercises"
run unit list --json
expect_exit 0
expect_json 'sorted(set(u["party"] for u in d))' '["IN","JP"]'
run official list --json
expect_json 'sorted(set(o["party"] for o in d))' '["IN","JP"]'
expect_json 'all(o["limit"] != "0" and o["title"] and o["from"] for o in d)' true
run activity list --json
expect_json 'len(d) >= 3' true

test_case "the demo has at least 50 orders"
run order list --json
expect_exit 0
expect_json 'len(d) >= 50' true
ORDERS=$(json_value '" ".join(o["number"] for o in d)')

test_case "the demo's orders cover every state"
expect_json '" ".join(sorted(set(o["state"] for o in d)))' "$STATES"

test_case "the demo's orders use every settlement method"
expect_json 'sorted(set(o["method"] for o in d))' '["cash","eve","rik"]'

test_case "order numbers are unique"
expect_json 'len(set(o["number"] for o in d)) == len(d)' true

test_case "order list --state filters the demo's orders"
for state in $STATES; do
    run order list --state "$state" --json
    expect_json "len(d) > 0 and all(o['state'] == '$state' for o in d)" true
done

test_case "the demo's balance has amounts owed both ways"
run balance --json
expect_exit 0
expect_json 'len(d) > 0' true
expect_json 'all(b["partner"] == "JP" for b in d)' true
expect_json 'any(b["payable_cash"].strip("0.") != "" for b in d)' true
expect_json 'any(b["receivable_cash"].strip("0.") != "" or b["receivable_kind"].strip("0.") != "" for b in d)' true

test_case "the demo has overdue orders, with ageing totals"
run overdue --as-of 2025-12-31 --json
expect_exit 0
expect_json 'len(d["orders"]) > 0' true
expect_json 'len(d["totals"]) > 0' true
expect_json 'sum(t["orders"] for t in d["totals"]) == len(d["orders"])' true

# One pass over every order: which were converted or exchanged, and whether each event's
# postings sum to zero (amounts as minor units: the point is dropped, decimals are fixed).
converted=0
exchanged=0
unbalanced=""
for order in $ORDERS; do
    run order show "$order" --json
    facts=$(json_value '" ".join(["converted" if d["converted"] else "-", "exchanged" if d["exchanged_with"] else "-", "balanced" if all(sum(int(p["amount"].replace(".", "")) for p in e["postings"]) == 0 for e in d["events"]) else "unbalanced"])')
    case "$facts" in converted*) converted=$((converted + 1)) ;; esac
    case "$facts" in *exchanged*) exchanged=$((exchanged + 1)) ;; esac
    case "$facts" in *" balanced") ;; *) unbalanced="$unbalanced $order($facts)" ;; esac
done

test_case "the demo has an in-kind order converted to cash"
if [ "$converted" -eq 0 ]; then
    fail "no order of the demo was converted"
fi

test_case "the demo has a matched equal-value exchange"
if [ "$exchanged" -lt 2 ]; then
    fail "fewer than two orders of the demo were exchanged ($exchanged)"
fi

test_case "every event of every demo order balances to zero"
if [ -n "$unbalanced" ]; then
    fail "orders with unbalanced events:$unbalanced"
fi

test_case "running the demo again on the same file fails and changes nothing"
db_snapshot "$DEMO"
run_raw demo --db "$DEMO"
expect_exit 1
# A file that exists; a PostgreSQL database that holds a node already.
if db_is_pg "$DEMO"; then
    expect_stderr_contains "is already initialised for nation IN"
else
    expect_stderr_contains "already exists"
fi
expect_db_unchanged

test_case "the demo does not overwrite a file that is not a database"
printf 'not a database\n' >"$TEST_DIR/notes.txt"
run_raw demo --db "$TEST_DIR/notes.txt"
expect_exit 1
expect_stderr_contains "already exists"
if [ "$(cat "$TEST_DIR/notes.txt")" != "not a database" ]; then
    fail "the file was changed"
fi

test_case "the demo takes its database from ACSA_DB without --db"
# On PostgreSQL each node has its own key file (ACSA_KEY; a SQLite node's is beside its file).
if [ -n "${ACSA_TEST_PG:-}" ]; then
    DEMO_KEY=$ACSA_KEY
    ACSA_KEY="$TEST_DIR/from-env.key"
fi
ACSA_DB="$ENV_DB" run_raw demo
expect_exit 0
if ! db_holds_node "$ENV_DB"; then
    fail "no database at \$ACSA_DB"
fi
DB=$ENV_DB
run order list --json
expect_json 'len(d) >= 50' true

test_case "two demo databases hold the same orders"
DB=$ENV_DB
run order list --json
SECOND=$OUT
DB=$DEMO
ACSA_KEY=${DEMO_KEY:-}
run order list --json
FIRST=$OUT
OUT=$SECOND
if [ "$OUT" != "$FIRST" ]; then
    fail "the two demo databases list different orders"
fi

test_case "the balances kept with every posting equal the sums of the postings"
if db_is_pg "$DB"; then
    kept="SELECT partner, currency, account, amount_minor, quantity_milli FROM balances"
else
    kept="SELECT partner, currency, account, amount_hi * 4398046511104 + amount_mid * 2097152 \
+ amount_lo, quantity_hi * 4398046511104 + quantity_mid * 2097152 + quantity_lo FROM balances"
fi
summed="SELECT partner, currency, account, sum(amount_minor), sum(quantity_milli) FROM postings \
GROUP BY partner, currency, account"
differ=$(db_sql "$DB" "SELECT count(*) FROM ($kept EXCEPT $summed) a")$(db_sql "$DB" \
    "SELECT count(*) FROM ($summed EXCEPT $kept) b")
rows=$(db_sql "$DB" "SELECT count(*) FROM balances")
if [ "$differ" != "00" ] || [ "$rows" -lt 10 ]; then
    fail "kept and summed balances differ ($differ rows differ; $rows kept)"
fi
run balance --json
KEPT=$OUT
run balance --as-of 9999-12-31 --json
expect_exit 0
if [ "$OUT" != "$KEPT" ]; then
    fail "acsa balance differs from acsa balance --as-of 9999-12-31"
fi

finish
