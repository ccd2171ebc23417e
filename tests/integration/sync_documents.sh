# SPDX-License-Identifier: MIT
# Supporting documents between two nodes: each attaches a file to a line of an order they
# share; one sync carries both references (signed records) and both files, which each node
# checks against the SHA-256 its partner's record names. Then by bundle, without a network: the
# file travels in the bundle's documents section. A bundle whose file was altered applies its
# records and refuses the file (the document stays pending, and the next sync brings the right
# bytes); a stray file no record names is refused.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

two_nodes_with_reference "the nodes share their units, officials and the exercise"

F="$TEST_DIR/files"
mkdir -p "$F"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR an Indian fuel ticket' >"$F/ticket.png"
printf '%%PDF-1.7\n a Japanese delivery note\n%%%%EOF\n' >"$F/note.pdf"
printf '\xff\xd8\xff\xe0 a receipt photographed' >"$F/receipt.jpg"
printf '\xff\xd8\xff\xe0 a second receipt' >"$F/receipt2.jpg"

test_case "an order raised on IN, accepted on JP"
on IN order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX_IN" \
    --requester-unit "$NAVY_IN" --supplier-unit "$JMSDF_IN" --place "Yokosuka" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=4000,unit=l,price=150,currency=JPY"
expect_exit 0
ORDER=$OUT
on_ok IN order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
on_ok IN order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
sync_ok IN JP
on_ok JP order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
sync_ok JP IN

test_case "each node attaches a document to line 1"
on IN order attach "$ORDER" --line 1 --file "$F/ticket.png" --kind fuel-ticket --by "CPO Das"
expect_exit 0
DOC_IN=$OUT
on JP order attach "$ORDER" --line 1 --file "$F/note.pdf" --kind delivery-note --by "PO Tanaka"
expect_exit 0
DOC_JP=$OUT
if [[ "$DOC_IN" != IN-DOC-* || "$DOC_JP" != JP-DOC-* ]]; then
    fail "document ids are not prefixed by their nation: $DOC_IN, $DOC_JP"
fi

test_case "one sync carries both references and both files"
sync_ok IN JP
expect_report documents_sent=1 documents_received=1 documents_refused=0

test_case "both nodes list both documents, with their bytes"
for node in IN JP; do
    on "$node" order documents "$ORDER" --json
    expect_exit 0
    expect_json '[x["id"] for x in d]' "[\"$DOC_IN\",\"$DOC_JP\"]"
    expect_json '[x["available"] for x in d]' '[true,true]'
done

test_case "the files read back on the partner are byte for byte the ones attached"
on JP document get "$DOC_IN" --out "$TEST_DIR/jp-got.png"
expect_exit 0
cmp -s "$F/ticket.png" "$TEST_DIR/jp-got.png" || fail "JP's copy of IN's file differs"
on IN document get "$DOC_JP" --out "$TEST_DIR/in-got.pdf"
expect_exit 0
cmp -s "$F/note.pdf" "$TEST_DIR/in-got.pdf" || fail "IN's copy of JP's file differs"

test_case "a second sync sends nothing again"
sync_ok IN JP 0 0
expect_report documents_sent=0 documents_received=0

# ---- By bundle --------------------------------------------------------------------------------

test_case "IN attaches a receipt and writes a bundle for JP: it carries the file"
on IN order attach "$ORDER" --line 1 --file "$F/receipt.jpg" --kind receipt
expect_exit 0
DOC_BUNDLE=$OUT
on IN bundle export --peer JP --out "$TEST_DIR/in.bundle"
expect_exit 0
expect_stderr_contains "the bundle carries the bytes of 1 documents"

test_case "JP imports the bundle: the reference and the file arrive"
on JP bundle import "$TEST_DIR/in.bundle"
expect_exit 0
expect_stderr_contains "documents: 1 files taken in, 0 refused"
on JP document get "$DOC_BUNDLE" --out "$TEST_DIR/jp-bundle.jpg"
expect_exit 0
cmp -s "$F/receipt.jpg" "$TEST_DIR/jp-bundle.jpg" || fail "the file from the bundle differs"

test_case "a bundle whose file was altered: the record applies, the file is refused"
on IN order attach "$ORDER" --line 1 --file "$F/receipt2.jpg" --kind receipt
expect_exit 0
DOC_ALTERED=$OUT
on IN bundle export --peer JP --out "$TEST_DIR/altered.bundle"
expect_exit 0
"$PYTHON" - "$TEST_DIR/altered.bundle" "$F/receipt2.jpg" <<'PY'
import sys
path, original = sys.argv[1], open(sys.argv[2], "rb").read()
data = bytearray(open(path, "rb").read())
at = data.rfind(original)
assert at > 0
data[at + len(original) - 1] ^= 0xFF
open(path, "wb").write(bytes(data))
PY
on JP bundle import "$TEST_DIR/altered.bundle"
expect_exit 0
expect_stderr_contains "documents: 0 files taken in, 1 refused"
on JP order documents "$ORDER" --json
expect_json "[x[\"available\"] for x in d if x[\"id\"] == \"$DOC_ALTERED\"]" '[false]'
on JP document get "$DOC_ALTERED" --out "$TEST_DIR/none.jpg"
expect_exit 3
expect_stderr_contains "its bytes have not arrived from IN yet"
on JP audit list --json
expect_json '[a["detail"] for a in d if a["action"] == "sync.document"][-1].startswith("sha256: the bytes from IN hash to")' true

test_case "the next sync brings the right bytes of the pending document"
sync_ok JP IN
expect_report documents_received=1 documents_refused=0
on JP document get "$DOC_ALTERED" --out "$TEST_DIR/jp-right.jpg"
expect_exit 0
cmp -s "$F/receipt2.jpg" "$TEST_DIR/jp-right.jpg" || fail "the bytes synced differ"

test_case "a stray file no record names, appended to a bundle, is refused; the rest applies"
on IN order attach "$ORDER" --line 1 --file "$F/ticket.png" --kind other
expect_exit 0
on IN bundle export --peer JP --out "$TEST_DIR/stray.bundle"
expect_exit 0
"$PYTHON" - "$TEST_DIR/stray.bundle" <<'PY'
import hashlib, struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
assert data[-8:] == b"ACSADOC1"
body = struct.unpack(">Q", data[-16:-8])[0]
start = len(data) - 16 - body
section = data[start:len(data) - 16]
count = struct.unpack(">I", section[8:12])[0]
stray = b"\x89PNG\r\n\x1a\n a file nobody signed for"
section[8:12] = struct.pack(">I", count + 1)
section += hashlib.sha256(stray).digest() + struct.pack(">I", len(stray)) + stray
out = data[:start] + section + struct.pack(">Q", len(section)) + b"ACSADOC1"
open(path, "wb").write(bytes(out))
PY
on JP bundle import "$TEST_DIR/stray.bundle"
expect_exit 0
expect_stderr_contains "refused"
on JP audit list --json
expect_json '[a["detail"] for a in d if a["action"] == "sync.document"][-1]' \
    "sha256: bytes from IN that no document record of IN names (33 bytes): refused"

test_case "a truncated documents section refuses the bundle before anything applies"
on IN order attach "$ORDER" --line 1 --file "$F/note.pdf" --kind other
expect_exit 0
on IN bundle export --peer JP --out "$TEST_DIR/cut.bundle"
expect_exit 0
"$PYTHON" - "$TEST_DIR/cut.bundle" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
body = struct.unpack(">Q", data[-16:-8])[0]
start = len(data) - 16 - body
section = data[start:len(data) - 16][:-3]
out = data[:start] + section + struct.pack(">Q", len(section)) + b"ACSADOC1"
open(path, "wb").write(bytes(out))
PY
node_snapshot JP
on JP bundle import "$TEST_DIR/cut.bundle"
expect_exit 1
expect_stderr_contains "documents"
expect_node_unchanged JP

test_case "both nodes reconcile"
sync_ok IN JP
expect_reconciled IN JP
expect_quarantine_empty IN JP

finish
