# SPDX-License-Identifier: MIT
# Decisions on the quarantine between two nodes that exchange bundle files only: Japan's node
# signs a bundle India's node refuses whole (Japan is not yet its partner), then records India
# refuses one by one (their agreement is not loaded in India); the programme officer's retry
# takes each in once the cause is fixed, through the checks of sync, and a retry still refused
# keeps the entry open with the new reason. Refusals of resolve name the field; a drop keeps
# the entry, listed under --all; every decision is in the audit log.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

node_init IN IN
node_init JP JP

# A second agreement between the same parties that only Japan's node has loaded.
second_agreement

test_case "JP registers IN; IN does not yet register JP"
peer_add JP IN

test_case "JP loads IN-JP-2024, adds its unit, an activity under it and an order"
on_ok JP agreement load "$NEW_AGREEMENT"
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
on_ok JP activity add --agreement IN-JP-2024 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_JP=$OUT
on JP order create --agreement IN-JP-2024 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --place "Yokosuka" --need-by 2024-06-14 --method cash \
    --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=500,unit=l,price=2,currency=JPY"
expect_exit 0
ORDER=$OUT
on_ok JP bundle export --peer IN --out "$TEST_DIR/jp.bundle"

test_case "IN refuses the bundle whole: JP is not its partner; the batch is quarantined"
on IN bundle import "$TEST_DIR/jp.bundle"
expect_exit 1
on IN quarantine list --json
expect_exit 0
expect_json 'len(d)' 1
expect_json 'd[0]["what"]' batch
expect_json 'd[0]["status"]' open
expect_json 'd[0]["decision"] is None' true
BATCH=$(json_value 'd[0]["id"]')

# ---- Refusals first ----------------------------------------------------------------------------

test_case "resolve refuses an unknown ID, naming it"
on IN quarantine resolve 999 --action retry --by "PO Sharma" --reason "the cause is fixed"
expect_exit 3
expect_stderr_contains "id: there is no quarantine entry 999"

test_case "resolve refuses an action other than retry or drop"
on IN quarantine resolve "$BATCH" --action delete --by "PO Sharma" --reason "gone"
expect_exit 2
expect_stderr_contains "action: must be retry or drop"

test_case "resolve refuses a missing reason and a missing --by"
on IN quarantine resolve "$BATCH" --action drop --by "PO Sharma"
expect_exit 2
expect_stderr_contains "--reason is required"
on IN quarantine resolve "$BATCH" --action drop --reason "gone"
expect_exit 2
expect_stderr_contains "--by is required"

test_case "resolve refuses a reason that is not valid UTF-8 or has a control character"
on IN quarantine resolve "$BATCH" --action drop --by "PO Sharma" --reason $'bad \xff byte'
expect_exit 2
expect_stderr_contains "reason"
on IN quarantine resolve "$BATCH" --action drop --by "PO Sharma" --reason $'two\nlines'
expect_exit 2
expect_stderr_contains "reason"

test_case "resolve refuses a reason too long"
on IN quarantine resolve "$BATCH" --action drop --by "PO Sharma" --reason "$(printf 'x%.0s' {1..300})"
expect_exit 2
expect_stderr_contains "reason"
on IN quarantine list --json
expect_json '[e["status"] for e in d]' '["open"]'
expect_json 'd[0]["tries"]' 0

test_case "a retry before the cause is fixed is refused again and the entry stays open"
on IN quarantine resolve "$BATCH" --action retry --by "PO Sharma" --reason "try again"
expect_exit 1
expect_stderr_contains "refused again, it stays open"
expect_stderr_contains "sender: JP is not a partner node"
on IN quarantine list --json
expect_json 'd[0]["status"]' open
expect_json 'd[0]["tries"]' 1
expect_json 'd[0]["decision"]["outcome"]' refused
expect_json '"not a partner node" in d[0]["reason"]' true

# ---- The causes fixed, one by one --------------------------------------------------------------

test_case "IN registers JP; the retried batch applies, its records under IN-JP-2024 quarantined"
peer_add IN JP
on IN quarantine resolve "$BATCH" --action retry --by "PO Sharma" --reason "JP is our partner now"
expect_exit 0
expect_stdout "quarantine entry $BATCH: applied"
on IN unit list --json
expect_json '[u["name"] for u in d if u["party"] == "JP"]' '["JMSDF"]'
on IN quarantine list --json
expect_json '[e["what"] for e in d]' '["record","record"]'
expect_json '"IN-JP-2024 is not loaded" in d[1]["reason"]' true
expect_json 'd[0]["order"]' "$ORDER"
ACTIVITY=$(json_value 'd[1]["id"]')
CREATE=$(json_value 'd[0]["id"]')

test_case "retrying the order before its activity is refused again, naming the rule"
on IN quarantine resolve "$CREATE" --action retry --by "PO Sharma" --reason "agreement coming"
expect_exit 1
expect_stderr_contains "refused again, it stays open"
on IN order show "$ORDER" --json
expect_exit 3

test_case "IN loads IN-JP-2024; retrying the activity, then the order, takes both in"
on_ok IN agreement load "$NEW_AGREEMENT"
on IN quarantine resolve "$ACTIVITY" --action retry --by "PO Sharma" --reason "agreement loaded"
expect_exit 0
expect_stdout "quarantine entry $ACTIVITY: applied"
on IN quarantine resolve "$CREATE" --action retry --by "PO Sharma" --reason "activity in" --json
expect_exit 0
expect_json 'd["status"]' applied
expect_json 'd["tries"]' 2
expect_json 'd["decision"]["by"]' "PO Sharma"
on IN order show "$ORDER" --json
expect_exit 0
expect_json 'd["state"]' draft
on IN quarantine list --json
expect_json 'd' '[]'

test_case "an entry resolved already is not resolved again"
on IN quarantine resolve "$CREATE" --action drop --by "PO Sharma" --reason "twice"
expect_exit 1
expect_stderr_contains "resolved already (applied by PO Sharma)"

test_case "the same bundle again is a replay, quarantined; a drop keeps it, listed under --all"
on IN bundle import "$TEST_DIR/jp.bundle"
expect_exit 1
on IN quarantine list --json
REPLAY=$(json_value 'd[0]["id"]')
on IN quarantine resolve "$REPLAY" --action drop --by "PO Sharma" --reason "a replay of bundle 1"
expect_exit 0
expect_stdout "quarantine entry $REPLAY: dropped"
on IN quarantine list --json
expect_json 'd' '[]'
on IN quarantine list --all --json
expect_json '[e["status"] for e in d]' '["dropped","applied","applied","applied"]'
expect_json 'd[0]["decision"]["reason"]' "a replay of bundle 1"
on IN quarantine list --all
expect_exit 0
expect_stdout_contains "dropped by PO Sharma: a replay of bundle 1"

test_case "every decision is in the audit log, with who, what and why"
on IN audit list --json
expect_json '[r["outcome"] for r in d if r["action"] == "quarantine.resolve"]' \
    '["ACSA_ENOTFOUND","ACSA_EUSAGE","ACSA_EREFUSED","ok","ACSA_EREFUSED","ok","ok","ACSA_EEXISTS","ok"]'
expect_json '[r["user"] for r in d if r["action"] == "quarantine.resolve"][-1].startswith("cli:")' true
expect_json '[r["detail"] for r in d if r["action"] == "quarantine.resolve"][-2]' \
    "id: quarantine entry $CREATE was resolved already (applied by PO Sharma); a decision is final"
on IN audit list --json
expect_json '[r["detail"] for r in d if r["action"] == "quarantine.resolve"][-1]' \
    "drop by PO Sharma: a replay of bundle 1"
on IN audit verify
expect_exit 0

finish
