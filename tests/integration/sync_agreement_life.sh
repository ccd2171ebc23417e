# SPDX-License-Identifier: MIT
# The agreement's lifecycle on two real nodes (two `acsa serve`): an amendment entered on
# Japan's node, a notice of non-renewal given by India, a termination by Japan, each a signed
# record the other node takes in through the same rules; after each sync both nodes judge a
# step by the version in force on its date, an order after the termination is refused on
# both, and reconcile names the agreement fact one node holds before the sync and nothing
# after it. Units carry their service to the partner, which refuses a coast guard's order too.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "reference data on both nodes"

SALVAGE="category=salvage,desc=Salvage tug hire,qty=1,unit=ea,price=100000,currency=JPY"
AMENDED="$TEST_DIR/in-jp-2020-amended.json"
sed 's/"airport-seaport"/"airport-seaport", "salvage"/' \
    "$AGREEMENTS/india-japan-2020.json" >"$AMENDED"

on IN unit list --json
NAVY=$(json_value '[u["id"] for u in d if u["name"] == "Indian Navy"][0]')
ORDER_IN=(order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN"
    --requester-unit "$NAVY" --supplier-unit "$JMSDF_IN" --place Yokosuka --need-by 2024-06-19
    --method cash --by "Lt Iyer")

# expect_agreement_fact NODE FIELD OURS THEIRS [COUNT]: reconcile on NODE reports only
# differences of agreement IN-JP-2020 (COUNT of them, default 1), the first the fact FIELD,
# ours beside theirs, and exits 1.
expect_agreement_fact() {
    local node=$1 field=$2 ours=$3 theirs=$4 count=${5:-1}
    on "$node" reconcile --peer "$(partner_of "$node" IN JP)" --json
    expect_exit 1
    expect_json '[(r["kind"], r["order"]) for r in d] == [("agreement", "IN-JP-2020")] * len(d)' \
        true
    expect_json '(d[0]["field"], d[0]["ours"].split(" by ")[0], d[0]["theirs"].split(" by ")[0])' \
        "[\"$field\",\"$ours\",\"$theirs\"]"
    expect_stderr_contains "$count agreement facts differing"
}

test_case "defect 6: a unit record carries its service: India's node knows Japan's coast guard"
on_ok JP unit add --party JP --name "Japan Coast Guard" --service jcg
sync_ok JP IN 1 0
on IN unit list --json
JCG_IN=$(json_value '[u["id"] for u in d if u["name"] == "Japan Coast Guard"][0]')
db_count IN "SELECT service FROM units WHERE id = $JCG_IN" >"$TEST_DIR/service"
if [ "$(cat "$TEST_DIR/service")" != jcg ]; then
    fail "India's node holds the coast guard with service '$(cat "$TEST_DIR/service")', not jcg"
fi

test_case "defect 6: India's node refuses an order from Japan's coast guard by its synced service"
on IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY" --supplier-unit "$JCG_IN" --place Yokosuka --need-by 2024-06-19 \
    --method cash --by "Lt Iyer" --date 2024-06-11 \
    --line "category=pol,desc=Diesel,qty=10,unit=l,price=50,currency=JPY"
expect_exit 1
expect_stderr_contains "not a participating service of JP"

test_case "defect 5: an amendment entered on Japan's node is a record; reconcile sees it unsynced"
on_ok JP agreement amend "$AMENDED" --effective 2024-06-12
expect_agreement_fact JP versions 2 1 2 # the count, and version 2 itself
expect_agreement_fact IN versions 1 2 2

test_case "defect 5: the amendment reaches India's node, entered by JP; reconcile is empty"
sync_ok JP IN 1 0
for node in IN JP; do
    on "$node" agreement show IN-JP-2020 --json
    expect_exit 0
    expect_json '[(v["effective"], v["entered_by"]) for v in d["lifecycle"]["versions"]]' \
        '[["2020-09-09",""],["2024-06-12","JP"]]'
    save_out "show-$node"
done
if ! cmp -s "$TEST_DIR/show-IN" "$TEST_DIR/show-JP"; then
    fail "the two nodes show the agreement otherwise"
fi
expect_reconciled IN JP

test_case "defect 5: both nodes judge a step by the version in force on its date"
on IN "${ORDER_IN[@]}" --date 2024-06-11 --line "$SALVAGE"
expect_exit 1
expect_stderr_contains "salvage"
on_ok IN "${ORDER_IN[@]}" --date 2024-06-12 --line "$SALVAGE"
SALVAGE_ORDER=$OUT
on_ok IN order submit "$SALVAGE_ORDER" --by "Lt Iyer" --date 2024-06-12
sync_ok IN JP 2 0
on JP order show "$SALVAGE_ORDER" --json
expect_exit 0
expect_json '(d["state"], d["lines"][0]["category"])' '["submitted","salvage"]'

test_case "defect 5: a notice given by India reaches Japan's node; reconcile flags it before"
on_ok IN agreement notice IN-JP-2020 --date 2024-06-13
expect_agreement_fact IN notice 2024-06-13 none
sync_ok IN JP 1 0
for node in IN JP; do
    on "$node" agreement show IN-JP-2020 --json
    expect_exit 0
    expect_json '(d["lifecycle"]["status"], d["lifecycle"]["notice"])' \
        '["notice given",{"date":"2024-06-13","by":"IN"}]'
done
expect_reconciled IN JP

test_case "defect 5: a second notice is refused on Japan's node, naming the first"
on JP agreement notice IN-JP-2020 --date 2024-06-14
expect_exit 1
expect_stderr_contains "already given on 2024-06-13"

test_case "defect 5: a termination dated before the agreement began is refused"
on JP agreement terminate IN-JP-2020 --date 2019-01-01 --reason "never"
expect_exit 1
expect_stderr_contains "on or after the day agreement IN-JP-2020 took effect"

test_case "defect 5: Japan terminates; the termination reaches India's node"
on_ok JP agreement terminate IN-JP-2020 --date 2024-06-15 --reason "superseded by IN-JP-2024"
expect_agreement_fact JP terminated 2024-06-15 none
sync_ok JP IN 1 0
for node in IN JP; do
    on "$node" agreement show IN-JP-2020 --json
    expect_exit 0
    expect_json '(d["lifecycle"]["status"], d["lifecycle"]["last_day"])' \
        '["terminated","2024-06-14"]'
    expect_json 'd["lifecycle"]["termination"]' \
        '{"date":"2024-06-15","by":"JP","reason":"superseded by IN-JP-2024"}'
done
expect_reconciled IN JP

test_case "defect 4: an order dated after the termination is refused on India's node"
on IN "${ORDER_IN[@]}" --date 2024-06-16 --line "$SALVAGE"
expect_exit 1
expect_stderr_contains "IN-JP-2020"

test_case "defect 4: an order dated after the termination is refused on Japan's node"
on JP activity list --json
JIMEX_JP=$(json_value '[a["id"] for a in d if a["name"] == "JIMEX 2024"][0]')
on JP unit list --json
JMSDF_JP=$(json_value '[u["id"] for u in d if u["name"] == "JMSDF"][0]')
on JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --place Visakhapatnam --need-by 2024-06-19 --method cash \
    --by "Lt Cdr Mori" --date 2024-06-16 --line "$SALVAGE"
expect_exit 1
expect_stderr_contains "IN-JP-2020"

test_case "India may not give notice after the termination it now holds"
on IN agreement notice IN-JP-2020 --date 2024-06-20
expect_exit 1
expect_stderr_contains "already terminated (from 2024-06-15)"

test_case "at the end both nodes agree, nothing in quarantine"
expect_orders_equal IN JP
expect_quarantine_empty IN JP
expect_reconciled IN JP

finish
