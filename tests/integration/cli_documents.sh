# SPDX-License-Identifier: MIT
# Supporting documents through the acsa command (requirement 11): attach a file to an order
# line, list the documents, write one back out; every refusal (empty, too large, not a PDF,
# JPEG or PNG by its content, a line the order lacks, an unknown kind, an unknown order, a
# cancelled order, an existing output file); and close_requires_documents.

. "$(dirname "$0")/lib.sh"

# The India-Japan agreement with close_requires_documents set.
mkdir -p "$TEST_DIR/agreements"
"$PYTHON" - "$ACSA_SOURCE_ROOT/agreements/india-japan-2020.json" \
    "$TEST_DIR/agreements/india-japan-2020.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["close_requires_documents"] = True
json.dump(a, open(sys.argv[2], "w"), indent=2)
PY
AGREEMENTS="$TEST_DIR/agreements"
setup_india_japan

F="$TEST_DIR/files"
mkdir -p "$F"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR fuel ticket' >"$F/ticket.png"
printf '\xff\xd8\xff\xe0 delivery note' >"$F/note.jpg"
printf '%%PDF-1.7\n receipt\n%%%%EOF\n' >"$F/receipt.pdf"
printf 'just text, named like a PDF\n' >"$F/fake.pdf"
printf '<html>%%PDF-</html>' >"$F/late-magic.pdf"
: >"$F/empty.png"
truncate -s 22334000 "$F/big.pdf"
printf '%%PDF-' | dd of="$F/big.pdf" conv=notrunc status=none

test_case "agreement show keeps close_requires_documents in its canonical form"
run agreement show IN-JP-2020 --json
expect_exit 0
expect_json 'd["close_requires_documents"]' true

test_case "a cash order with two lines, delivered in full"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=4000,unit=l,price=150,currency=JPY" \
    --line "category=water,desc=Potable water,qty=40000,unit=l,price=2,currency=JPY"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
run_ok order issue "$ORDER" --line 1 --qty 4000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 1 --qty 4000 --by "CPO Das" --date 2024-06-12
run_ok order issue "$ORDER" --line 2 --qty 40000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 2 --qty 40000 --by "CPO Das" --date 2024-06-12

test_case "order attach prints the document id alone"
run order attach "$ORDER" --line 1 --file "$F/ticket.png" --kind fuel-ticket --by "CPO Das"
expect_exit 0
expect_stdout_matches '^IN-DOC-[0-9]{4}-000001$'
expect_single_line
DOC1=$OUT

test_case "a JPEG delivery note on the same line gets the next id"
run order attach "$ORDER" --line 1 --file "$F/note.jpg" --kind delivery-note
expect_exit 0
expect_stdout_matches '^IN-DOC-[0-9]{4}-000002$'
DOC2=$OUT

test_case "order documents lists id, line, kind, SHA-256, size, type, who and when"
run order documents "$ORDER" --json
expect_exit 0
expect_json 'len(d)' 2
expect_json 'd[0]["id"]' "$DOC1"
expect_json 'd[0]["line"]' 1
expect_json 'd[0]["kind"]' fuel-ticket
expect_json 'd[0]["sha256"]' "$(sha256sum "$F/ticket.png" | cut -d' ' -f1)"
expect_json 'd[0]["size"]' "$(stat -c %s "$F/ticket.png")"
expect_json 'd[0]["content_type"]' image/png
expect_json 'd[0]["by"]' "CPO Das"
expect_json 'd[1]["content_type"]' image/jpeg
expect_json 'd[0]["available"]' true
run order documents "$ORDER"
expect_exit 0
expect_stdout_contains "fuel-ticket"
expect_stdout_contains "delivery-note"
run order documents "$ORDER" --csv
expect_exit 0
expect_stdout_contains "ID,LINE,KIND,SHA256,SIZE,TYPE,BY,WHEN"

test_case "document get writes the bytes back, byte for byte"
run document get "$DOC1" --out "$TEST_DIR/out.png"
expect_exit 0
expect_stdout ""
if ! cmp -s "$F/ticket.png" "$TEST_DIR/out.png"; then
    fail "the bytes written differ from the file attached"
fi
if ls "$TEST_DIR"/out.png.* >/dev/null 2>&1; then
    fail "a temporary file was left beside the output"
fi

test_case "document get refuses to overwrite an existing file"
run document get "$DOC2" --out "$TEST_DIR/out.png"
expect_exit 2
expect_stderr_contains "--out: $TEST_DIR/out.png exists; give --force to replace it"
if ! cmp -s "$F/ticket.png" "$TEST_DIR/out.png"; then
    fail "the existing file was changed"
fi

test_case "document get --force replaces it"
run document get "$DOC2" --out "$TEST_DIR/out.png" --force
expect_exit 0
if ! cmp -s "$F/note.jpg" "$TEST_DIR/out.png"; then
    fail "the file was not replaced"
fi

test_case "document get of an unknown id"
run document get IN-DOC-2024-999999 --out "$TEST_DIR/none.png"
expect_exit 3
expect_stderr_contains "document IN-DOC-2024-999999 not found"
if [ -e "$TEST_DIR/none.png" ]; then
    fail "a file was written"
fi

expect_refused "an empty file is refused" 1 "acsa: --file: the file is empty" \
    order attach "$ORDER" --line 1 --file "$F/empty.png" --kind receipt
expect_refused "a file over the limit is refused, naming the limit" 1 \
    "acsa: --file: 21.3 MiB is over the 20 MiB limit for a document" \
    order attach "$ORDER" --line 1 --file "$F/big.pdf" --kind receipt
expect_refused "a text file named .pdf is refused by its content" 1 \
    "acsa: --file: not a PDF, JPEG or PNG file (told by its content, not its name)" \
    order attach "$ORDER" --line 1 --file "$F/fake.pdf" --kind receipt
expect_refused "the magic bytes count only at the start" 1 \
    "acsa: --file: not a PDF, JPEG or PNG file" \
    order attach "$ORDER" --line 1 --file "$F/late-magic.pdf" --kind receipt
expect_refused "a line the order does not have is refused" 1 \
    "acsa: line: order $ORDER has no line 3 (it has 2)" \
    order attach "$ORDER" --line 3 --file "$F/ticket.png" --kind receipt
expect_refused "an unknown kind is refused, naming the kinds" 2 \
    "--kind: \"photo\" is not fuel-ticket, delivery-note, receipt, invoice or other" \
    order attach "$ORDER" --line 1 --file "$F/ticket.png" --kind photo
expect_refused "an unknown order is refused" 3 "order \"IN-JP-2024-000099\" not found" \
    order attach IN-JP-2024-000099 --line 1 --file "$F/ticket.png" --kind receipt
expect_refused "a missing file is refused" 3 "cannot read $F/none.png" \
    order attach "$ORDER" --line 1 --file "$F/none.png" --kind receipt
expect_refused "a name that is not text by the rule is refused" 2 "--by" \
    order attach "$ORDER" --line 1 --file "$F/ticket.png" --kind receipt --by $'Lt\x01X'

test_case "a refused attach is audited and leaves no bytes or reference"
run audit list --json
expect_exit 0
expect_json '[a["outcome"] for a in d if a["action"] == "document.attach"].count("ok")' 2
expect_json 'any("no line 3" in (a["detail"] or "") for a in d if a["action"] == "document.attach")' true
run order documents "$ORDER" --json
expect_json 'len(d)' 2

test_case "invoiced and paid in full"
run_ok order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-20
run_ok order pay "$ORDER" --amount 680000 --currency JPY --by "Lt Cdr Menon" --date 2024-07-25
run order show "$ORDER" --json
expect_json 'd["state"]' settled

expect_refused "close_requires_documents: closing with a receipt line undocumented is refused, naming it" 1 \
    "close: line 2 has no supporting document (close_requires_documents)" \
    order close "$ORDER" --by "Cdr A. Rao" --date 2024-08-03

test_case "with a document on every receipt line the order closes"
run order attach "$ORDER" --line 2 --file "$F/receipt.pdf" --kind receipt
expect_exit 0
run order close "$ORDER" --by "Cdr A. Rao" --date 2024-08-03
expect_exit 0
run order show "$ORDER" --json
expect_json 'd["state"]' closed

test_case "a closed order still takes a document"
run order attach "$ORDER" --line 2 --file "$F/receipt.pdf" --kind invoice
expect_exit 0
expect_stdout_matches '^IN-DOC-[0-9]{4}-000004$'

test_case "the same bytes twice are kept once"
run order documents "$ORDER" --json
expect_json 'len(d)' 4
count=$(db_sql "$DB" "SELECT count(*) FROM document_blobs")
if [ "$count" != 3 ]; then
    fail "expected 3 stored files, found $count"
fi

test_case "a cancelled order takes no documents"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=10,unit=l,price=150,currency=JPY"
expect_exit 0
CANCELLED=$OUT
run_ok order cancel "$CANCELLED" --by "Lt Iyer" --reason "not needed" --date 2024-06-10
expect_refused "attach to a cancelled order" 1 "state: order $CANCELLED is cancelled" \
    order attach "$CANCELLED" --line 1 --file "$F/ticket.png" --kind receipt

test_case "a document of a draft is allowed (a quotation)"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=pol,desc=Diesel fuel marine,qty=10,unit=l,price=150,currency=JPY"
DRAFT=$OUT
run order attach "$DRAFT" --line 1 --file "$F/receipt.pdf" --kind other
expect_exit 0

test_case "the document record is in the node's records for JP"
run order chain "$ORDER" --json
expect_exit 0

finish
