# SPDX-License-Identifier: MIT
# Users, API tokens and the audit log from the acsa command: passwords only from a file or
# standard input, every field checked, tokens shown once and kept only as hashes, every command
# in the audit log, and `audit verify` naming a record edited behind acsa's back.

. "$(dirname "$0")/lib.sh"

export USER=it-runner   # The audit log records the CLI's actor as cli:$USER.

setup_india_japan

printf 'correct horse battery\n' >"$TEST_DIR/password"
printf 'short\n' >"$TEST_DIR/short"

# ---- user add --------------------------------------------------------------------------------

test_case "the first programme officer is added with a password file; the id alone is printed"
run user add --username po --name "Capt V. Kulkarni" --role programme-officer --party IN \
    --password-file "$TEST_DIR/password"
expect_exit 0
expect_stdout_matches '^[0-9]+$'
expect_single_line
PO=$OUT

test_case "a user added with the password on standard input"
RUN_COUNT=$((RUN_COUNT + 1))
LAST_CMD="acsa user add --username iyer ... --password-stdin"
OUT=$(printf 'correct horse battery\n' | "$ACSA_BIN" --db "$DB" user add --username iyer \
    --name "Lt Iyer" --role requester --party IN --unit "$NAVY" --password-stdin \
    2>"$TEST_DIR/stderr")
RC=$?
ERR=$(cat "$TEST_DIR/stderr")
expect_exit 0
expect_stdout_matches '^[0-9]+$'
IYER=$OUT

test_case "an approver who is an official of their party"
run user add --username rao --name "Cdr A. Rao" --role approver --party IN \
    --password-file "$TEST_DIR/password"
expect_exit 0
expect_stdout_matches '^[0-9]+$'

test_case "a password on the command line is not an option"
run user add --username x --name X --role auditor --party IN --password "correct horse battery"
expect_exit 2
expect_stderr_contains "unknown option '--password"

test_case "exactly one source of the password is required"
run user add --username x --name X --role auditor --party IN
expect_exit 2
expect_stderr_contains "give exactly one of --password-file FILE and --password-stdin"
run user add --username x --name X --role auditor --party IN --password-stdin \
    --password-file "$TEST_DIR/password"
expect_exit 2

test_case "a missing password file is not found"
run user add --username x --name X --role auditor --party IN \
    --password-file "$TEST_DIR/missing"
expect_exit 3
expect_stderr_contains "cannot read $TEST_DIR/missing"

test_case "an unknown role is a usage error listing the roles"
run user add --username x --name X --role admin --party IN --password-file "$TEST_DIR/password"
expect_exit 2
ROLES="requester, approver, supplier-clerk, finance-officer, programme-officer, auditor"
expect_stderr_contains "--role: \"admin\" is not a role ($ROLES)"

expect_refused "a short password is refused naming the field" 2 \
    "acsa: password: shorter than 12 characters" \
    user add --username x --name X --role auditor --party IN --password-file "$TEST_DIR/short"

expect_refused "a username with capitals is refused" 2 \
    "acsa: username: \"Alice\" may contain only a-z, 0-9, '.', '_' and '-'" \
    user add --username Alice --name X --role auditor --party IN \
    --password-file "$TEST_DIR/password"

expect_refused "a requester needs a unit" 2 "acsa: unit_id: a requester needs a unit of IN" \
    user add --username x --name X --role requester --party IN \
    --password-file "$TEST_DIR/password"

expect_refused "a unit of the other party is refused" 1 \
    "acsa: unit_id: unit $JMSDF (JMSDF) belongs to JP, not IN" \
    user add --username x --name X --role requester --party IN --unit "$JMSDF" \
    --password-file "$TEST_DIR/password"

expect_refused "an unknown unit is not found" 3 "acsa: unit_id: unit 999 not found" \
    user add --username x --name X --role supplier-clerk --party IN --unit 999 \
    --password-file "$TEST_DIR/password"

expect_refused "an approver must be an official of their party" 1 \
    'acsa: display_name: an approver needs an official of IN named "Lt Iyer"' \
    user add --username x --name "Lt Iyer" --role approver --party IN \
    --password-file "$TEST_DIR/password"

expect_refused "a username is unique" 1 'acsa: username: user "iyer" already exists' \
    user add --username iyer --name "Lt Iyer" --role requester --party IN --unit "$NAVY" \
    --password-file "$TEST_DIR/password"

test_case "passwords are stored only as Argon2id hashes"
stored=$(db_sql "$DB" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")
if [ "$stored" != 3 ]; then
    fail "expected 3 Argon2id hashes, got $stored"
fi
if db_dump "$DB" | grep -q "correct horse"; then
    fail "the clear password is in the database"
fi

# ---- user list, disable ----------------------------------------------------------------------

test_case "user list --json lists the users by username"
run user list --json
expect_exit 0
expect_json '[u["username"] for u in d]' '["iyer","po","rao"]'
expect_json '[u for u in d if u["username"] == "iyer"][0]["unit_id"]' "$NAVY"
expect_json '[u for u in d if u["username"] == "rao"][0]["unit_id"]' null
expect_json '[u for u in d if u["username"] == "po"][0]["role"]' programme-officer
expect_json 'sorted(d[0].keys())' \
    '["disabled","display_name","id","party","role","unit_id","username"]'

test_case "user list prints a table"
run user list
expect_exit 0
expect_stdout_contains "USERNAME"
expect_stdout_contains "Capt V. Kulkarni"
expect_stdout_contains "programme-officer"

# ---- tokens ----------------------------------------------------------------------------------

test_case "token create prints the token alone, once"
run token create --username iyer --name "nightly export"
expect_exit 0
expect_stdout_matches '^[0-9a-f]{64}$'
expect_single_line
expect_stderr_contains "shown only this once"
TOKEN=$OUT

test_case "the node keeps only the token's hash"
if db_dump "$DB" | grep -q "$TOKEN"; then
    fail "the clear token is in the database"
fi

test_case "token list shows the token without its secret"
run token list --json
expect_exit 0
expect_json '[(t["username"], t["name"], t["revoked"]) for t in d]' \
    '[["iyer","nightly export",false]]'
expect_json 'sorted(d[0].keys())' '["created","id","name","revoked","username"]'
expect_stdout_lacks "$TOKEN"
TOKEN_ID=$(json_value 'd[0]["id"]')
run token list --username po --json
expect_json 'd' '[]'
run token list --username nobody
expect_exit 3
expect_stderr_contains 'username: user "nobody" not found'

test_case "a second token, then one is revoked"
run_ok token create --username po --name "reports"
run token revoke "$TOKEN_ID"
expect_exit 0
expect_stdout ""
expect_stderr_contains "token $TOKEN_ID revoked"
run token list --json
expect_json '[t["revoked"] for t in d]' '[true,false]'

expect_refused "revoking an unknown token is not found" 3 "acsa: id: token 999 not found" \
    token revoke 999

test_case "a token id must be a number"
run token revoke abc
expect_exit 2
expect_stderr_contains 'ID: "abc" is not a positive whole number'

# ---- disable ---------------------------------------------------------------------------------

expect_refused "finding 8: the last enabled programme officer cannot be disabled" 1 \
    'acsa: username: "po" is the last enabled programme officer' user disable po

test_case "with a second programme officer, the first can be disabled"
run user add --username po2 --name "Cdr R. Menon" --role programme-officer --party IN \
    --password-file "$TEST_DIR/password"
expect_exit 0

test_case "user disable disables the user and revokes their tokens"
run user disable po
expect_exit 0
expect_stderr_contains "user po disabled"
run user list --json
expect_json '[u["disabled"] for u in d]' '[false,true,false,false]'
run token list --username po --json
expect_json '[t["revoked"] for t in d]' '[true]'

expect_refused "a disabled user gets no token" 1 'acsa: username: user "po" is disabled' \
    token create --username po --name again

expect_refused "disabling an unknown user is not found" 3 \
    'acsa: username: user "nobody" not found' user disable nobody

# ---- audit -----------------------------------------------------------------------------------

test_case "every command is in the audit log, accepted or refused, with the CLI's actor"
run audit list --json
expect_exit 0
expect_json 'all(r["user"] == "cli:it-runner" for r in d)' true
expect_json '[r["id"] for r in d] == list(range(1, len(d) + 1))' true
expect_json '[r["action"] for r in d][:6]' \
    '["node.keygen","agreement.load","unit.add","unit.add","official.add","official.add"]'
expect_json '[(r["object"], r["outcome"]) for r in d if r["action"] == "user.add"][0]' \
    '["user:po","ok"]'
expect_json '[r["detail"] for r in d if r["outcome"] == "ACSA_EEXISTS"]' \
    '["username: user \"iyer\" already exists"]'
expect_json '[r["action"] for r in d][-4:]' \
    '["user.add","user.disable","token.create","user.disable"]'
expect_json 'all(len(r["hash"]) == 64 and r["prev_hash"] != r["hash"] for r in d)' true
expect_json 'd[0]["prev_hash"]' "$(printf '0%.0s' $(seq 64))"
RECORDS=$(json_value 'len(d)')

test_case "audit list pages with --after and --limit"
run audit list --after 3 --limit 2 --json
expect_exit 0
expect_json '[r["id"] for r in d]' '[4,5]'

test_case "audit list prints a table"
run audit list --limit 3
expect_exit 0
expect_stdout_contains "ACTION"
expect_stdout_contains "agreement.load"

test_case "audit verify finds the log intact"
run audit verify
expect_exit 0
expect_stdout "audit log intact: $RECORDS records"
run audit verify --json
expect_exit 0
expect_json 'd' "{\"ok\":true,\"records\":$RECORDS,\"first_broken\":null,\"reason\":null}"

test_case "the audit log cannot be changed through SQL while its triggers stand"
if db_sql "$DB" "UPDATE audit SET detail = 'x' WHERE id = 3" >/dev/null 2>&1; then
    fail "an audit record was updated"
fi

test_case "audit verify names a record edited behind acsa's back"
db_drop_trigger "$DB" audit audit_no_update
db_sql "$DB" "UPDATE audit SET detail = 'forged' WHERE id = 8"
run audit verify
expect_exit 1
expect_stdout ""
expect_stderr_contains "acsa: audit record 8 is broken: hash does not match the record's contents"
run audit verify --json
expect_exit 1
expect_json '[d["ok"], d["records"], d["first_broken"]]' '[false,7,8]'

test_case "audit verify names the record after a removed one"
db_sql "$DB" "UPDATE audit SET detail = '' WHERE id = 8"
db_drop_trigger "$DB" audit audit_no_delete
db_sql "$DB" "DELETE FROM audit WHERE id = 10"
run audit verify
expect_exit 1
expect_stderr_contains "acsa: audit record 11 is broken: expected record 10 after record 9"

# ---- help ------------------------------------------------------------------------------------

test_case "acsa --help lists the account verbs"
run_raw --help
for verb in user token audit; do
    expect_stdout_matches $'\n  '"$verb "
done

for group in user token audit; do
    test_case "acsa $group --help lists its verbs"
    run "$group" --help
    expect_exit 0
    case "$group" in
        user) words="add list disable" ;;
        token) words="create revoke list" ;;
        audit) words="list verify" ;;
    esac
    for word in $words; do
        expect_stdout_matches $'\n  '"$word "
    done
done

test_case "user add --help shows both ways to give the password"
run user add --help
expect_exit 0
expect_stdout_contains "--password-file FILE"
expect_stdout_contains "--password-stdin"

finish
