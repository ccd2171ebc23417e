# SPDX-License-Identifier: MIT
# acsa order print and acsa order verify (requirement 16): the order, receipt and invoice
# forms of one canonical record as PDF, read back with poppler-utils (pdftotext finds the
# number, Japanese names and the totals; pdffonts shows every font embedded; pdfinfo counts
# the pages of an order of many lines; pdftoppm renders page 1), the HTML form escaping a
# hostile unit name, the refusals, and a printed hash checked: the last record, an earlier one
# (the paper is out of date), none. Set ACSA_PRINT_KEEP=DIR to keep the PDFs and page images.

. "$(dirname "$0")/lib.sh"

for tool in pdftotext pdffonts pdfinfo pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is not installed (Debian: poppler-utils)"
        exit 0
    fi
done

OUTDIR="$TEST_DIR/forms"
mkdir -p "$OUTDIR"

# pdf_text FILE: the PDF's text, as pdftotext reads it (layout kept).
pdf_text() {
    pdftotext -layout "$1" - 2>/dev/null
}

expect_pdf_contains() { # FILE TEXT
    if ! pdf_text "$1" | grep -qF -- "$2"; then
        fail "$(basename "$1") lacks \"$2\""
    fi
}

expect_all_fonts_embedded() { # FILE
    local fonts
    fonts=$(pdffonts "$1" 2>&1 | tail -n +3)
    if [ -z "$fonts" ]; then
        fail "pdffonts lists no font in $(basename "$1")"
    fi
    if printf '%s\n' "$fonts" | awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit !bad }'; then
        fail "a font of $(basename "$1") is not embedded: $fonts"
    fi
}

keep() { # FILE...
    if [ -n "${ACSA_PRINT_KEEP:-}" ]; then
        mkdir -p "$ACSA_PRINT_KEEP" && cp "$@" "$ACSA_PRINT_KEEP/"
    fi
}

setup_india_japan

JP_UNIT_NAME="海上自衛隊 第1護衛隊群"
IN_UNIT_NAME="भारतीय नौसेना पूर्वी कमान"
JP_OFFICIAL="佐藤 健一"
HOSTILE='<script>alert("x")</script> & <b>Navy</b>'

test_case "units with Japanese and Devanagari names, a Japanese official"
run unit add --party JP --name "$JP_UNIT_NAME" --service jmsdf
expect_exit 0
JP_UNIT=$OUT
run unit add --party IN --name "$IN_UNIT_NAME" --service navy
expect_exit 0
IN_UNIT=$OUT
run unit add --party IN --name "$HOSTILE" --service navy
expect_exit 0
HOSTILE_UNIT=$OUT
run official add --party JP --name "$JP_OFFICIAL" --title "補給本部 補給課長" --from 2000-01-01 \
    --limit 50000000 --currency JPY
expect_exit 0

# An order of 40 lines: line i asks for 10*i litres at 150 JPY, so the total is
# 150 * 10 * (1 + ... + 40) = 1,230,000 JPY.
LINES=()
for i in $(seq 1 40); do
    LINES+=(--line "category=pol,desc=Marine diesel F-76 lot $i,nsn=9140-00-273-2377,qty=$((10 * i)),unit=l,price=150,currency=JPY")
done
test_case "an order of 40 lines, approved, accepted by the Japanese official, issued and received in part"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$IN_UNIT" --supplier-unit "$JP_UNIT" --place "Yokosuka berth 4" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 "${LINES[@]}"
expect_exit 0
ORDER=$OUT
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
run_ok order accept "$ORDER" --by "$JP_OFFICIAL" --date 2024-06-11
run_ok order issue "$ORDER" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 1 --qty 10 --by "CPO Das" --date 2024-06-12
run_ok order issue "$ORDER" --line 2 --qty 20 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$ORDER" --line 2 --qty 15 --by "CPO Das" --date 2024-06-13

test_case "order print --form order writes a PDF and says so on stderr only"
run order print "$ORDER" --form order --out "$OUTDIR/order.pdf"
expect_exit 0
expect_stdout ""
expect_stderr_contains "order form of $ORDER written to"
if [ "$(head -c 5 "$OUTDIR/order.pdf")" != "%PDF-" ]; then
    fail "order.pdf is not a PDF"
fi

test_case "the order form: A4, the number, the Japanese names, the total"
pdfinfo "$OUTDIR/order.pdf" | grep -q "595.276 x 841.89 pts (A4)" || fail "not A4: $(pdfinfo "$OUTDIR/order.pdf" | grep 'Page size')"
expect_pdf_contains "$OUTDIR/order.pdf" "$ORDER"
expect_pdf_contains "$OUTDIR/order.pdf" "$JP_UNIT_NAME"
expect_pdf_contains "$OUTDIR/order.pdf" "$JP_OFFICIAL"
expect_pdf_contains "$OUTDIR/order.pdf" "補給本部 補給課長"
expect_pdf_contains "$OUTDIR/order.pdf" "ORDER FOR SUPPLIES OR SERVICES"
expect_pdf_contains "$OUTDIR/order.pdf" "JPY 1230000"
expect_pdf_contains "$OUTDIR/order.pdf" "9140-00-273-2377"
expect_pdf_contains "$OUTDIR/order.pdf" "Marine diesel F-76 lot 40"

test_case "40 lines break over pages, each numbered 'page N of M'"
PAGES=$(pdfinfo "$OUTDIR/order.pdf" | awk '/^Pages:/ { print $2 }')
if [ "${PAGES:-0}" -lt 2 ]; then
    fail "expected at least 2 pages, got ${PAGES:-none}"
fi
expect_pdf_contains "$OUTDIR/order.pdf" "page 1 of $PAGES"
expect_pdf_contains "$OUTDIR/order.pdf" "page $PAGES of $PAGES"
expect_pdf_contains "$OUTDIR/order.pdf" "(continued)"

test_case "every font of the order form is embedded, Japanese and Devanagari ones among them"
expect_all_fonts_embedded "$OUTDIR/order.pdf"
FONTS=$(pdffonts "$OUTDIR/order.pdf")
case "$FONTS" in
*NotoSansCJK*) ;;
*) fail "no Noto Sans CJK font: $FONTS" ;;
esac
case "$FONTS" in
*NotoSansDevanagari*) ;;
*) fail "no Noto Sans Devanagari font: $FONTS" ;;
esac

test_case "pdftoppm renders page 1 of the order form"
pdftoppm -r 60 -f 1 -l 1 -png "$OUTDIR/order.pdf" "$OUTDIR/order" || fail "pdftoppm failed"
if [ ! -s "$OUTDIR/order-1.png" ]; then
    fail "no page image"
fi
keep "$OUTDIR/order.pdf" "$OUTDIR/order-1.png"

test_case "the receipt form: ordered, issued and received per line, the value received"
run order print "$ORDER" --form receipt --out "$OUTDIR/receipt.pdf"
expect_exit 0
expect_pdf_contains "$OUTDIR/receipt.pdf" "RECEIPT FOR SUPPLIES OR SERVICES"
expect_pdf_contains "$OUTDIR/receipt.pdf" "CPO Das"
# 10 + 15 litres received at 150 JPY.
expect_pdf_contains "$OUTDIR/receipt.pdf" "JPY 3750"
expect_all_fonts_embedded "$OUTDIR/receipt.pdf"
pdftoppm -r 60 -f 1 -l 1 -png "$OUTDIR/receipt.pdf" "$OUTDIR/receipt" || fail "pdftoppm failed"
keep "$OUTDIR/receipt.pdf" "$OUTDIR/receipt-1.png"

test_case "the invoice form is refused while the order has no invoice"
run order print "$ORDER" --form invoice --out "$OUTDIR/none.pdf"
expect_exit 1
expect_stderr_contains "has no invoice"
if [ -e "$OUTDIR/none.pdf" ]; then
    fail "a file was left behind"
fi

test_case "two invoices: part of line 1, then the rest received"
run_ok order invoice "$ORDER" --line 1 --qty 4 --by "$JP_OFFICIAL" --date 2024-06-14
run_ok order invoice "$ORDER" --by "$JP_OFFICIAL" --date 2024-06-15
run order show "$ORDER" --json
INVOICE1=$(json_value 'd["invoices"][0]["number"]')
INVOICE2=$(json_value 'd["invoices"][1]["number"]')

test_case "the invoice form of the first invoice: its number, its line, its amount"
run order print "$ORDER" --form invoice --invoice "$INVOICE1" --out "$OUTDIR/invoice1.pdf"
expect_exit 0
expect_pdf_contains "$OUTDIR/invoice1.pdf" "INVOICE FOR SUPPLIES OR SERVICES"
expect_pdf_contains "$OUTDIR/invoice1.pdf" "Invoice No. $INVOICE1"
# 4 litres at 150 JPY.
expect_pdf_contains "$OUTDIR/invoice1.pdf" "JPY 600"
expect_all_fonts_embedded "$OUTDIR/invoice1.pdf"

test_case "the invoice form without --invoice is the latest invoice: the rest received"
run order print "$ORDER" --form invoice --out "$OUTDIR/invoice.pdf"
expect_exit 0
expect_pdf_contains "$OUTDIR/invoice.pdf" "Invoice No. $INVOICE2"
# 6 litres of line 1 and 15 of line 2: 21 * 150 JPY.
expect_pdf_contains "$OUTDIR/invoice.pdf" "JPY 3150"
pdftoppm -r 60 -f 1 -l 1 -png "$OUTDIR/invoice.pdf" "$OUTDIR/invoice" || fail "pdftoppm failed"
keep "$OUTDIR/invoice.pdf" "$OUTDIR/invoice-1.png" "$OUTDIR/invoice1.pdf"

test_case "the HTML form holds the same record"
run order print "$ORDER" --form order --format html --out "$OUTDIR/order.html"
expect_exit 0
grep -qF "$JP_UNIT_NAME" "$OUTDIR/order.html" || fail "the HTML lacks the Japanese unit"
grep -qF "$IN_UNIT_NAME" "$OUTDIR/order.html" || fail "the HTML lacks the Devanagari unit"
grep -qF "JPY 1230000" "$OUTDIR/order.html" || fail "the HTML lacks the total"
grep -qF "<svg class=\"qr\"" "$OUTDIR/order.html" || fail "the HTML lacks the QR code"

test_case "a hostile unit name is escaped in the HTML form, and printed as text in the PDF"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$HOSTILE_UNIT" --supplier-unit "$JP_UNIT" --place "Yokosuka" \
    --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 \
    --line "category=water,desc=Water <img src=x onerror=alert(1)>,qty=10,unit=l,price=2,currency=JPY"
expect_exit 0
HOSTILE_ORDER=$OUT
run order print "$HOSTILE_ORDER" --form order --format html --out "$OUTDIR/hostile.html"
expect_exit 0
if grep -q "<script\|<b>Navy\|<img" "$OUTDIR/hostile.html"; then
    fail "raw markup of stored text in the HTML: $(grep -o '<script[^>]*>\|<b>\|<img[^>]*>' "$OUTDIR/hostile.html" | head -3)"
fi
grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Navy&lt;/b&gt;' \
    "$OUTDIR/hostile.html" || fail "the hostile name is not shown escaped"
grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$OUTDIR/hostile.html" ||
    fail "the hostile description is not shown escaped"
run order print "$HOSTILE_ORDER" --form order --out "$OUTDIR/hostile.pdf"
expect_exit 0
expect_pdf_contains "$OUTDIR/hostile.pdf" '<script>alert("x")</script>'

test_case "refused: an unknown form, naming --form"
run order print "$ORDER" --form memo --out "$OUTDIR/x.pdf"
expect_exit 2
expect_stderr_contains "--form"
run order print "$ORDER" --out "$OUTDIR/x.pdf"
expect_exit 2
expect_stderr_contains "--form"

test_case "refused: an unknown format, naming --format"
run order print "$ORDER" --form order --format docx --out "$OUTDIR/x.pdf"
expect_exit 2
expect_stderr_contains "--format"

test_case "refused: an invoice that is not the order's, naming it"
run order print "$ORDER" --form invoice --invoice JP-INV-IN-1999-000009 --out "$OUTDIR/x.pdf"
expect_exit 3
expect_stderr_contains "JP-INV-IN-1999-000009 is not an invoice of order $ORDER"
run order print "$HOSTILE_ORDER" --form invoice --invoice "$INVOICE1" --out "$OUTDIR/x.pdf"
expect_exit 1
expect_stderr_contains "has no invoice"

test_case "refused: --invoice with a form other than the invoice"
run order print "$ORDER" --form receipt --invoice "$INVOICE1" --out "$OUTDIR/x.pdf"
expect_exit 2
expect_stderr_contains "--invoice"

test_case "refused: an order that does not exist"
run order print IN-JP-2024-999999 --form order --out "$OUTDIR/x.pdf"
expect_exit 3
expect_stderr_contains "IN-JP-2024-999999"

test_case "refused: --out in a directory that does not exist, nothing left behind"
run order print "$ORDER" --form order --out "$TEST_DIR/no-such-dir/order.pdf"
expect_exit 4
expect_stderr_contains "cannot write"
if [ -e "$TEST_DIR/no-such-dir" ]; then
    fail "the directory was created"
fi
if [ -e "$OUTDIR/x.pdf" ]; then
    fail "a refused print left a file"
fi

test_case "no temporary file is left beside the forms"
LEFT=$(find "$OUTDIR" -name '*.pdf.*' -o -name '*.html.*')
if [ -n "$LEFT" ]; then
    fail "temporary files left: $LEFT"
fi

test_case "a failed write keeps the file already there"
echo "the previous form" >"$OUTDIR/keep.pdf"
chmod 500 "$OUTDIR"
run order print "$ORDER" --form order --out "$OUTDIR/keep.pdf"
chmod 700 "$OUTDIR"
if [ "$(id -u)" != 0 ]; then
    expect_exit 4
fi
if [ "$RC" -ne 0 ] && [ "$(cat "$OUTDIR/keep.pdf")" != "the previous form" ]; then
    fail "the file was changed by a failed print"
fi

# The hash printed on the forms is the one of the order's last record.
HASH=$(pdf_text "$OUTDIR/invoice.pdf" | sed -n 's/.*SHA-256 of the last record: \([0-9a-f]\{64\}\).*/\1/p' | head -1)
test_case "verify: the hash printed on the form matches the last record"
if [ ${#HASH} -ne 64 ]; then
    fail "no hash found on the invoice form"
fi
run order verify "$ORDER" --hash "$HASH"
expect_exit 0
expect_stdout_contains "matches the last record of $ORDER"
UPPER=$(printf '%s' "$HASH" | tr 'a-f' 'A-F')
run order verify "$ORDER" --hash "$UPPER"
expect_exit 0

test_case "verify: after a later step the paper is out of date, naming both hashes"
run_ok order pay "$ORDER" --amount 600 --currency JPY --by "Lt Cdr Menon" --date 2024-06-20
run order verify "$ORDER" --hash "$HASH"
expect_exit 1
expect_stdout_contains "does not match the last record of $ORDER"
expect_stdout_contains "$HASH"
expect_stdout_contains "out of date"
run order print "$ORDER" --form invoice --format html --out "$OUTDIR/after.html"
expect_exit 0
NEW_HASH=$(sed -n 's/.*data-test="form-hash">\([0-9a-f]\{64\}\)<.*/\1/p' "$OUTDIR/after.html")
if [ ${#NEW_HASH} -ne 64 ] || [ "$NEW_HASH" = "$HASH" ]; then
    fail "the new form does not carry the new hash: '$NEW_HASH'"
fi
run order verify "$ORDER" --hash "$HASH"
expect_stdout_contains "$NEW_HASH"
run order verify "$ORDER" --hash "$NEW_HASH"
expect_exit 0

test_case "verify: a hash of no record of the order"
run order verify "$ORDER" --hash "$(printf '0%.0s' $(seq 1 64))"
expect_exit 1
expect_stdout_contains "no record of $ORDER"
run order verify "$HOSTILE_ORDER" --hash "$NEW_HASH"
expect_exit 1

test_case "verify: a malformed hash is a usage error naming --hash"
run order verify "$ORDER" --hash "xyz"
expect_exit 2
expect_stderr_contains "--hash"
run order verify "$ORDER" --hash "${HASH}00"
expect_exit 2
expect_stderr_contains "--hash"
run order verify "$ORDER" --hash "g${HASH:1}"
expect_exit 2
run order verify "$ORDER"
expect_exit 2
run order verify IN-JP-2024-999999 --hash "$HASH"
expect_exit 3

# Text stored before the text rule, or written behind acsa's back (SQLite only: PostgreSQL
# cannot hold bytes that are not UTF-8): ESC, BEL and a byte that is not UTF-8 in a unit name.
if ! db_is_pg "$DB"; then
    test_case "stored bad bytes print as U+FFFD: valid UTF-8, no raw control byte"
    sqlite3 "$DB" "UPDATE units SET name = CAST(X'4E6176791B5B324A07FF21' AS TEXT)
        WHERE id = $HOSTILE_UNIT" || fail "sqlite3 failed"
    run order print "$HOSTILE_ORDER" --form order --format html --out "$OUTDIR/bad.html"
    expect_exit 0
    if ! "$PYTHON" -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' <"$OUTDIR/bad.html"; then
        fail "the HTML form is not valid UTF-8"
    fi
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$OUTDIR/bad.html"; then
        fail "a raw control byte in the HTML form"
    fi
    grep -qF "Navy"$'\xef\xbf\xbd'"[2J" "$OUTDIR/bad.html" || fail "the bad bytes are not shown as U+FFFD"
    run order print "$HOSTILE_ORDER" --form order --out "$OUTDIR/bad.pdf"
    expect_exit 0
    expect_pdf_contains "$OUTDIR/bad.pdf" "Navy"
fi

finish
