# SPDX-License-Identifier: MIT
# What a partner node, or someone posing as one, may send that India's node must refuse: a
# record for a step its signer may not take, a bundle signed by another key, a forged, altered,
# reordered, truncated, oversized, misdirected, gapped or replayed bundle, and requests to the
# /sync/ routes without a valid signature. Each is refused with its reason, applies nothing
# (India's data is unchanged, its audit log and quarantine aside) and is listed in the
# quarantine; a good bundle is still taken in afterwards.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl is not installed"
    exit 0
fi

node_init IN IN
node_init JP JP
node_init JPX JP # Claims to be Japan's node, with a key of its own.

test_case "India's node: its unit, official and the exercise"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
on_ok IN official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka

# ---- Steps Japan's node may not sign ---------------------------------------------------------

test_case "Japan's node, before it knows India's node, enters India's steps by hand"
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
JMSDF_JP=$OUT
on_ok JP unit add --party IN --name "Indian Navy" --service navy
NAVY_JP=$OUT
on_ok JP activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_JP=$OUT
on_ok JP order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_JP" \
    --requester-unit "$NAVY_JP" --supplier-unit "$JMSDF_JP" --place "Yokosuka" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=100,unit=l,price=150,currency=JPY"
MANUAL=$OUT
on_ok JP order submit "$MANUAL" --by "Lt Iyer" --date 2024-06-10
on JP order chain "$MANUAL" --json
expect_json '[(r["step"], r["origin"], r["manual"]) for r in d]' '[["create","JP",true],["submit","JP",true]]'

test_case "the two nodes register each other's keys, for bundles only"
peer_add IN JP ""
peer_add JP IN ""

BUNDLE1="$TEST_DIR/jp-1.bundle"
test_case "Japan's bundle: its own records are taken in, India's steps it signed are refused"
on_ok JP bundle export --peer IN --out "$BUNDLE1"
node_snapshot IN
on IN bundle import "$BUNDLE1" --json
expect_exit 0
expect_json '(d["sender"], d["records"], d["applied"], d["quarantined"])' '["JP",5,3,2]'
on IN order list --json
expect_json 'd' '[]'
on IN balance --json
expect_json 'd' '[]'
on IN quarantine list --json
expect_json '[(q["peer"], q["via"], q["what"], q["order"]) for q in d]' \
    "[[\"JP\",\"bundle\",\"record\",\"$MANUAL\"],[\"JP\",\"bundle\",\"record\",\"$MANUAL\"]]"
expect_json 'd[1]["reason"]' \
    "step: create on $MANUAL belongs to IN (the requesting party), not to its signer JP"
expect_json 'd[0]["reason"].startswith("number: order '"$MANUAL"' is not known here")' true
expect_json '[q["seq"] for q in d]' '[5,4]'
expect_json 'all(q["bytes"] > 0 for q in d)' true
on IN unit list --json
expect_json 'sorted((u["party"], u["name"]) for u in d)' '[["IN","Indian Navy"],["JP","JMSDF"]]'
on IN peer list --json
expect_json 'd[0]["received_through"]' 5

# ---- A good bundle, and what may be made of it -----------------------------------------------

test_case "Japan raises an order on India: a good bundle of two records"
on_ok JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --requester-unit "$JMSDF_JP" --supplier-unit "$NAVY_JP" --place "Visakhapatnam" \
    --need-by 2024-06-14 --method cash --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=50000,unit=l,price=2,currency=JPY"
GOOD_ORDER=$OUT
on_ok JP order submit "$GOOD_ORDER" --by "1Lt Mori" --date 2024-06-11
GOOD="$TEST_DIR/jp-2.bundle"
on JP bundle export --peer IN --since 5 --out "$GOOD"
expect_exit 0
expect_stderr_contains "2 records for IN (6..7)"
OUT=$(bundle_tool info "$GOOD")
expect_json '(d["count"], d["after"], d["through"], d["signature"])' '[2,5,7,64]'
GOOD_SIZE=$(json_value 'd["size"]')

GOOD_TAKEN=no

# refused NAME FILE CODE MESSAGE QUARANTINE-REASON: importing FILE on India's node exits CODE
# with MESSAGE on stderr, applies nothing, and the newest quarantine entry is the whole batch
# from via "bundle" with a reason containing QUARANTINE-REASON.
refused() {
    local name=$1 file=$2 code=$3 message=$4 reason=$5
    test_case "$name"
    node_snapshot IN
    on IN bundle import "$file" --json
    expect_exit "$code"
    expect_stdout ""
    expect_stderr_contains "$message"
    expect_node_unchanged IN
    on IN order show "$GOOD_ORDER" --json
    if [ "$GOOD_TAKEN" = no ]; then
        expect_exit 3
    else
        expect_json '[e["step"] for e in d["events"]]' '["create","submit"]'
    fi
    expect_quarantined IN '(d["via"], d["what"])' '["bundle","batch"]'
    local got
    got=$(json_value 'd["reason"]')
    if [[ "$got" != *"$reason"* ]]; then
        fail "expected the quarantine reason to contain: $reason; got: $got"
    fi
}

bundle_tool flip "$GOOD" "$TEST_DIR/forged.bundle" -1
refused "a bundle whose signature has a byte flipped is refused as forged" \
    "$TEST_DIR/forged.bundle" 1 "does not verify with the key registered for JP" \
    "signature: the batch from JP does not verify"

bundle_tool flip-record "$GOOD" "$TEST_DIR/altered.bundle" 0
refused "a bundle with a byte of a record changed is refused" \
    "$TEST_DIR/altered.bundle" 1 "does not verify with the key registered for JP" \
    "does not verify"

bundle_tool swap "$GOOD" "$TEST_DIR/reordered.bundle" 0 1
test_case "the reordered bundle keeps a valid layout: same size, records swapped"
OUT=$(bundle_tool info "$TEST_DIR/reordered.bundle")
expect_json '(d["count"], d["size"], d["signature"])' "[2,$GOOD_SIZE,64]"
if cmp -s "$GOOD" "$TEST_DIR/reordered.bundle"; then
    fail "swapping the records changed nothing"
fi
refused "a bundle with two records swapped is refused" \
    "$TEST_DIR/reordered.bundle" 1 "does not verify with the key registered for JP" \
    "does not verify"

bundle_tool cut "$GOOD" "$TEST_DIR/cut-signature.bundle" -10
refused "a bundle cut inside its signature is refused as truncated" \
    "$TEST_DIR/cut-signature.bundle" 1 "truncated: the signature is missing or cut" \
    "truncated"

bundle_tool cut "$GOOD" "$TEST_DIR/cut-record.bundle" 120
refused "a bundle cut inside a record is refused as truncated" \
    "$TEST_DIR/cut-record.bundle" 1 "truncated: record" "truncated: record"

bundle_tool cut "$GOOD" "$TEST_DIR/cut-header.bundle" 30
refused "a bundle cut inside its header is refused" \
    "$TEST_DIR/cut-header.bundle" 1 "not an acsa batch or bundle" "not an acsa batch"

bundle_tool count "$GOOD" "$TEST_DIR/many.bundle" 10001
refused "a bundle whose header claims 10,001 records is refused" \
    "$TEST_DIR/many.bundle" 1 "10001 records; at most 10000 are accepted in one batch" \
    "at most 10000"

bundle_tool pad "$GOOD" "$TEST_DIR/huge.bundle" $((32 * 1024 * 1024 + 1))
refused "a bundle file over 32 MiB is refused" \
    "$TEST_DIR/huge.bundle" 1 "at most 33554432 are accepted" "at most 33554432"
test_case "the quarantine keeps at most 64 KiB of an oversized batch"
on IN quarantine list --json --limit 1
expect_json 'd[0]["bytes"] <= 65536' true
rm -f "$TEST_DIR/huge.bundle"

test_case "an impostor node, initialised as JP with a key of its own, writes a bundle for India"
for i in 1 2 3 4 5 6 7 8; do
    on_ok JPX unit add --party JP --name "JMSDF ship $i" --service jmsdf
done
peer_add JPX IN ""
on_ok JPX bundle export --peer IN --since 5 --out "$TEST_DIR/impostor.bundle"
OUT=$(bundle_tool info "$TEST_DIR/impostor.bundle")
expect_json '(d["sender"], d["receiver"], d["count"], d["after"], d["through"])' '["JP","IN",3,5,8]'
refused "the impostor's bundle, signed by a key that is not Japan's, is refused" "$TEST_DIR/impostor.bundle" 1 \
    "does not verify with the key registered for JP" "does not verify"
on IN unit list --json
expect_json '[u["name"] for u in d if u["name"].startswith("JMSDF ship")]' '[]'

test_case "India writes a bundle for Japan"
on_ok IN bundle export --peer JP --out "$TEST_DIR/own.bundle"
refused "India's own bundle for Japan, brought back to India, is refused" \
    "$TEST_DIR/own.bundle" 1 "sender: IN is not a partner node of IN" "not a partner node"

on_ok JP bundle export --peer IN --since 6 --out "$TEST_DIR/gap.bundle"
refused "a bundle that starts after a record India lacks is refused as a gap" \
    "$TEST_DIR/gap.bundle" 1 "gap: it starts after record 6 of JP" "gap"

# ---- The good bundle, once -------------------------------------------------------------------

test_case "the good bundle is taken in after all that"
on IN bundle import "$GOOD" --json
expect_exit 0
GOOD_TAKEN=yes
expect_json '(d["records"], d["applied"], d["duplicates"], d["quarantined"])' '[2,2,0,0]'
on IN order show "$GOOD_ORDER" --json
expect_exit 0
expect_json '(d["state"], d["value"], [e["step"] for e in d["events"]])' '["submitted","100000",["create","submit"]]'

refused "the good bundle imported a second time is refused as a replay" "$GOOD" 1 \
    "replayed: JP's records 6..7 were all taken in before; nothing applied" "replayed"

test_case "every refusal is in the quarantine, newest first"
on IN quarantine list --json
expect_exit 0
expect_json 'sorted(set(q["via"] for q in d))' '["bundle"]'
expect_json '[q["what"] for q in d]' \
    '["batch","batch","batch","batch","batch","batch","batch","batch","batch","batch","batch","batch","record","record"]'
expect_json 'sorted(set(str(q["peer"]) for q in d))' '["IN","JP","None"]'
on IN quarantine list --limit 3
expect_exit 0
expect_stdout_contains "replayed"
expect_stdout_contains "REASON"

# ---- The /sync/ routes answer only signed requests -------------------------------------------

test_case "India's node serves"
server_start IN
if [ -z "${NODE_URL[IN]}" ]; then
    finish
fi

STATUS=""
# http_status [curl arguments...] PATH: the status of a request to India's server; the body in
# OUT.
http_status() {
    local path=${*: -1}
    local args=("${@:1:$#-1}")
    RUN_COUNT=$((RUN_COUNT + 1))
    LAST_CMD="curl ${args[*]} ${NODE_URL[IN]}$path"
    STATUS=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' ${args[@]+"${args[@]}"} \
        "${NODE_URL[IN]}$path")
    RC=$?
    OUT=$(cat "$TEST_DIR/body")
    ERR=""
}

expect_forbidden() {
    if [ "$STATUS" != 403 ]; then
        fail "expected HTTP 403, got $STATUS"
    fi
    expect_json '(d["status"], d["field"])' "[403,\"$1\"]"
}

NOW=$(date +%s)
ZEROS=$(printf '0%.0s' $(seq 1 128))
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
# The other headers of a signed request, well-formed, so that the one under test is at fault.
wire_headers() {
    printf '%s\n' -H "X-Acsa-To: IN" -H "X-Acsa-Nonce: $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
        -H "X-Acsa-Body-SHA256: ${1:-$EMPTY_SHA256}"
}
mapfile -t WIRE < <(wire_headers)
test_case "GET /sync/v1/status without a signature is 403"
http_status /sync/v1/status
expect_forbidden X-Acsa-Signature

test_case "GET /sync/v1/status with a wrong signature is 403"
http_status "${WIRE[@]}" -H "X-Acsa-Node: JP" -H "X-Acsa-Time: $NOW" -H "X-Acsa-Signature: $ZEROS" \
    /sync/v1/status
expect_forbidden X-Acsa-Signature

test_case "GET /sync/v1/status with a malformed signature is 403"
http_status "${WIRE[@]}" -H "X-Acsa-Node: JP" -H "X-Acsa-Time: $NOW" -H "X-Acsa-Signature: xyz" \
    /sync/v1/status
expect_forbidden X-Acsa-Signature

test_case "GET /sync/v1/status from a nation with no partner node is 403"
http_status -H "X-Acsa-Node: FR" -H "X-Acsa-Time: $NOW" -H "X-Acsa-Signature: $ZEROS" /sync/v1/status
expect_forbidden X-Acsa-Node

test_case "GET /sync/v1/status at a time far from the server's clock is 403"
http_status "${WIRE[@]}" -H "X-Acsa-Node: JP" -H "X-Acsa-Time: $((NOW - 3600))" \
    -H "X-Acsa-Signature: $ZEROS" \
    /sync/v1/status
expect_forbidden X-Acsa-Time

test_case "POST /sync/v1/batches with a good bundle but no valid request signature is 403, applies nothing"
on_ok JP order cancel "$GOOD_ORDER" --by "1Lt Mori" --date 2024-06-12 --reason "not needed"
on_ok JP bundle export --peer IN --since 7 --out "$TEST_DIR/next.bundle"
node_snapshot IN
mapfile -t WIRE < <(wire_headers "$(sha256sum "$TEST_DIR/next.bundle" | cut -d ' ' -f 1)")
http_status "${WIRE[@]}" -X POST -H "Content-Type: application/octet-stream" -H "X-Acsa-Node: JP" \
    -H "X-Acsa-Time: $NOW" -H "X-Acsa-Signature: $ZEROS" --data-binary "@$TEST_DIR/next.bundle" \
    /sync/v1/batches
expect_forbidden X-Acsa-Signature
expect_node_unchanged IN

test_case "the impostor's sync is refused by India's server (exit 1) and applies nothing"
peer_add JPX IN
node_snapshot IN
on JPX sync --peer IN --json
expect_exit 1
expect_stderr_contains "403"
expect_node_unchanged IN

test_case "the signed request of Japan's real node is answered"
peer_add JP IN
on JP sync --peer IN --json
expect_exit 0
expect_report sent=1 received=3 sent_quarantined=0 received_quarantined=0
on IN order show "$GOOD_ORDER" --json
expect_json 'd["state"]' cancelled

# ---- Records Japan's own node signs that no node may take in (issue 8) -----------------------

# hostile_record KIND: appends to Japan's database a record of Japan's own that India must
# refuse (an activity starting near INT32_MIN, or a unit named in invalid UTF-8 with an escape
# sequence), so that Japan's node signs it in its next batch or bundle like any other record.
hostile_record() {
    local seq row
    seq=$(($(db_count JP "SELECT coalesce(max(seq), 0) FROM records WHERE origin = 'JP'") + 1))
    row=$("$PYTHON" - "$seq" "$1" <<'EOF'
import hashlib, struct, sys
seq, kind = int(sys.argv[1]), sys.argv[2]
def text(b):
    return struct.pack(">H", len(b)) + b
head = lambda k: struct.pack(">BB", 2, k) + text(b"JP") + struct.pack(">qB", seq, 0)
if kind == "activity":
    # 2024-06-20 is day 19894.
    body = (head(2) + struct.pack(">q", 900000 + seq) + text(b"IN-JP-2020")
            + text(b"Hostile exercise") + text(b"bilateral-training")
            + struct.pack(">ii", -2**31 + 1, 19894) + text(b"") + text(b""))
else:
    body = (head(3) + struct.pack(">q", 900000 + seq) + text(b"JP") + text(b"JS \xff\xfe \x1b[2J")
            + text(b"jmsdf"))
print(hashlib.sha256(body).hexdigest(), body.hex())
EOF
)
    # A blob literal of either backend: X'..' for SQLite, '\x..'::bytea for PostgreSQL.
    local hash=${row% *} body=${row#* } sql
    if db_is_pg "${NODE_DB[JP]}"; then
        sql="INSERT INTO records (origin, seq, partner, hash, body) VALUES ('JP', $seq, 'IN', \
'\\x$hash'::bytea, '\\x$body'::bytea)"
    else
        sql="INSERT INTO records (origin, seq, partner, hash, body) VALUES ('JP', $seq, 'IN', \
X'$hash', X'$body')"
    fi
    db_sql "${NODE_DB[JP]}" "$sql" >/dev/null || return 1
    echo "$seq"
}

test_case "finding 2: an activity record from near INT32_MIN, POSTed to /sync/v1/batches, is quarantined; the server lives"
SEQ=$(hostile_record activity)
on JP sync --peer IN --json
expect_exit 0
expect_report batches_sent=1 sent=0 sent_quarantined=1
http_status /healthz
if [ "$STATUS" != 200 ]; then
    fail "India's server no longer answers /healthz (HTTP $STATUS) after the hostile batch"
fi
expect_quarantined IN '(d["what"], d["seq"], d["reason"].startswith("record.from: day -2147483647 is outside"))' \
    "[\"record\",$SEQ,true]"
on IN activity list --json
expect_exit 0
expect_json '[a["name"] for a in d if a["name"] == "Hostile exercise"]' '[]'

test_case "finding 2: the same kind of record in a bundle: acsa bundle import ends without SIGABRT"
on IN peer list --json
HELD=$(json_value 'd[0]["received_through"]')
hostile_record activity >/dev/null
on_ok JP bundle export --peer IN --since "$HELD" --out "$TEST_DIR/hostile-activity.bundle"
on IN bundle import "$TEST_DIR/hostile-activity.bundle" --json
if [ "$RC" -ge 128 ]; then
    fail "acsa bundle import was killed (exit $RC, 134 is SIGABRT)"
fi
expect_exit 0
expect_json '(d["applied"], d["quarantined"])' '[0,1]'

test_case "finding 5: a unit named in invalid UTF-8 with an escape is quarantined and lists safely"
on IN peer list --json
HELD=$(json_value 'd[0]["received_through"]')
hostile_record unit >/dev/null
on_ok JP bundle export --peer IN --since "$HELD" --out "$TEST_DIR/hostile-unit.bundle"
on IN bundle import "$TEST_DIR/hostile-unit.bundle" --json
if [ "$RC" -ge 128 ]; then
    fail "acsa bundle import was killed (exit $RC)"
fi
expect_exit 0
expect_json '(d["applied"], d["quarantined"])' '[0,1]'
expect_quarantined IN 'd["reason"]' \
    'record.name: not valid UTF-8 at byte 4: "JS \xff\xfe \x1b[2J"'
on IN quarantine list
expect_exit 0
if printf '%s' "$OUT" | grep -q $'\x1b'; then
    fail "acsa quarantine list wrote an escape character to the terminal"
fi
on IN unit list --json
expect_json '[u["name"] for u in d if u["name"].startswith("JS ")]' '[]'

test_case "after the hostile records, Japan's next step still reaches India"
on_ok JP unit add --party JP --name "JS Kaga" --service jmsdf
on JP sync --peer IN --json
expect_exit 0
expect_report sent_quarantined=0
on IN unit list --json
expect_json '[u["name"] for u in d if u["name"] == "JS Kaga"]' '["JS Kaga"]'

test_case "India's server stops cleanly"
server_stop IN

finish
