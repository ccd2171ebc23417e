# SPDX-License-Identifier: MIT
# Every refusal of the acsa command: the exit code, the message naming the rule on stderr,
# nothing on stdout, and a database that dumps byte for byte as it did before.

. "$(dirname "$0")/lib.sh"

setup_india_japan

FUEL="category=pol,desc=Diesel fuel marine,qty=10000,unit=l,price=150,currency=JPY"
FOOD="category=food,desc=Field rations,qty=40,unit=kg,price=2500,currency=JPY"

# Raises a complete order (units, place and need-by date given) from India to Japan, dated
# 2024-06-10 and raised by Lt Iyer unless --by or --date says otherwise; the lines are the
# arguments after the method, or diesel and rations (1,600,000 JPY). Sets ORDER.
create_order() {
    local method=$1
    shift
    local args=(order create --agreement IN-JP-2020 --requester IN --supplier JP
        --activity "$JIMEX" --requester-unit "$NAVY" --supplier-unit "$JMSDF"
        --place "Yokosuka" --need-by 2024-06-12 --method "$method")
    if [ "$#" -eq 0 ]; then
        set -- --line "$FUEL" --line "$FOOD"
    fi
    case " $* " in
        *" --by "*) ;;
        *) args+=(--by "Lt Iyer") ;;
    esac
    case " $* " in
        *" --date "*) ;;
        *) args+=(--date 2024-06-10) ;;
    esac
    run "${args[@]}" "$@"
    if [ "$RC" -ne 0 ]; then
        fail "could not create the order for this case"
    fi
    ORDER=$OUT
}

# Walks ORDER to the named state: submitted, approved, accepted, delivering (line 1 partly
# issued) or delivered (both lines issued and received in full).
walk_to() {
    run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
    [ "$1" = submitted ] && return 0
    run_ok order approve "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
    [ "$1" = approved ] && return 0
    run_ok order accept "$ORDER" --by "Capt K. Sato" --date 2024-06-11
    [ "$1" = accepted ] && return 0
    if [ "$1" = delivering ]; then
        run_ok order issue "$ORDER" --line 1 --qty 6000 --by "PO Tanaka" --date 2024-06-12
        return 0
    fi
    run_ok order issue "$ORDER" --line 1 --qty 10000 --by "PO Tanaka" --date 2024-06-12
    run_ok order receive "$ORDER" --line 1 --qty 10000 --by "CPO Das" --date 2024-06-12
    run_ok order issue "$ORDER" --line 2 --qty 40 --by "PO Tanaka" --date 2024-06-12
    run_ok order receive "$ORDER" --line 2 --qty 40 --by "CPO Das" --date 2024-06-12
}

# ---- Agreements ------------------------------------------------------------------------------

printf '{\n  "id": "IN-XX-2024",\n  "parties": ["IN", "JP"\n' >"$TEST_DIR/broken.json"
expect_refused "a malformed agreement file is refused naming the JSON path" 1 \
    'acsa: $: malformed JSON at line' \
    agreement load "$TEST_DIR/broken.json"

"$PYTHON" - "$AGREEMENTS/india-japan-2020.json" "$TEST_DIR/japan-us.json" <<'EOF'
import json, sys
agreement = json.load(open(sys.argv[1]))
agreement["id"] = "JP-US-1996"
agreement["parties"] = ["JP", "US"]
agreement.pop("services", None)
json.dump(agreement, open(sys.argv[2], "w"))
EOF
expect_refused "an agreement the node's nation is not party to is refused" 1 \
    'acsa: $.parties: this node is IN, which is not a party to JP-US-1996' \
    agreement load "$TEST_DIR/japan-us.json"

expect_refused "an agreement with an unknown currency is refused naming the element" 1 \
    'acsa: $.currencies[2]: "XYZ" is not a known ISO 4217 currency' \
    agreement load "$ACSA_SOURCE_ROOT/tests/fixtures/agreements/unknown-currency.json"

expect_refused "a category both permitted and excluded is refused" 1 \
    'is also listed in $.categories; a category cannot be both permitted and excluded' \
    agreement load "$ACSA_SOURCE_ROOT/tests/fixtures/agreements/excluded-also-category.json"

expect_refused "an agreement already loaded is not loaded again" 1 \
    'acsa: $.id: agreement IN-JP-2020 is already loaded' \
    agreement load "$AGREEMENTS/india-japan-2020.json"

expect_refused "an agreement file that cannot be read is not found" 3 \
    "acsa: agreement load: cannot read $TEST_DIR/absent.json" \
    agreement load "$TEST_DIR/absent.json"

expect_refused "an unknown agreement is not found" 3 \
    'acsa: agreement "XX-YY-2000" not found' \
    agreement show XX-YY-2000

# ---- Units, officials, activities -----------------------------------------------------------

expect_refused "a coast-guard activity is not covered by the agreement" 1 \
    'acsa: type: activity type "coast-guard" is not covered by agreement IN-JP-2020' \
    activity add --agreement IN-JP-2020 --name "Sahyog Kaijin 2024" --type coast-guard \
    --from 2024-01-10 --to 2024-01-12

expect_refused "an activity that ends before it starts is refused" 1 \
    'acsa: to: the activity ends before it starts' \
    activity add --agreement IN-JP-2020 --name "JIMEX 2025" --type bilateral-training \
    --from 2025-06-20 --to 2025-06-10

expect_refused "an activity under an unknown agreement is not found" 3 \
    'acsa: agreement "XX-YY-2000" not found' \
    activity add --agreement XX-YY-2000 --name "JIMEX 2025" --type bilateral-training \
    --from 2025-06-10 --to 2025-06-20

expect_refused "an approval limit of zero is refused" 1 \
    'acsa: limit: an approval limit must be greater than zero' \
    official add --party IN --name "Lt Cdr Bose" --title "Logistics Officer" --from 2000-01-01 --limit 0 --currency JPY

expect_refused "a unit of a malformed nation is a usage error" 2 \
    'acsa unit add: --party: "in" is not an ISO 3166 alpha-2 code' \
    unit add --party in --name "Indian Army"

# ---- Rules of entry --------------------------------------------------------------------------

# Runs order create with the usual complete fields and the given lines (and options).
create_with() {
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka" \
        --need-by 2024-06-12 --method cash --by "Lt Iyer" --date 2024-06-10 "$@"
}

# expect_create_refused NAME CODE MESSAGE ARGS...: one refused order create as a case.
expect_create_refused() {
    local name=$1 code=$2 message=$3
    shift 3
    test_case "$name"
    db_snapshot "$DB"
    create_with "$@"
    expect_exit "$code"
    expect_stderr_contains "$message"
    expect_stdout ""
    expect_db_unchanged
}

expect_create_refused "a category the agreement does not have is refused" 1 \
    'acsa: line 1: category "jewellery" is not a category of agreement IN-JP-2020' \
    --line "category=jewellery,desc=Rings,qty=1,unit=ea,price=100,currency=JPY"

expect_create_refused "an excluded category is refused, naming the line and the agreement" 1 \
    'acsa: line 2: category "ammunition" is excluded by agreement IN-JP-2020' \
    --line "$FUEL" --line "category=ammunition,desc=5.56mm,qty=1000,unit=rd,price=80,currency=JPY"

expect_create_refused "weapons are excluded too" 1 \
    'acsa: line 1: category "weapons" is excluded by agreement IN-JP-2020' \
    --line "category=weapons,desc=Rifles,qty=1,unit=ea,price=80000,currency=JPY"

test_case "an order dated before the agreement is in force is refused"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2019-01-01 --line "$FUEL"
expect_exit 1
expect_stderr_contains 'acsa: date: agreement IN-JP-2020 is not in force on 2019-01-01'
expect_stdout ""
expect_db_unchanged

expect_create_refused "a zero quantity is refused" 1 \
    'acsa: line 2: quantity must be greater than zero' \
    --line "$FUEL" --line "category=food,desc=Rations,qty=0,unit=kg,price=2500,currency=JPY"

expect_create_refused "a negative quantity is a malformed quantity" 2 \
    'acsa order create: --line 1: qty: "-5" is negative: a quantity cannot be negative' \
    --line "category=food,desc=Rations,qty=-5,unit=kg,price=2500,currency=JPY"

expect_create_refused "a negative price is refused" 1 \
    'acsa: line 1: price cannot be negative' \
    --line "category=food,desc=Rations,qty=5,unit=kg,price=-1,currency=JPY"

expect_create_refused "a line whose quantity x price overflows is refused" 1 \
    'acsa: line 1: quantity x price exceeds the largest value of a line, 1000000000000000 JPY (ACSA_LINE_VALUE_MAX)' \
    --line "category=pol,desc=Diesel,qty=1000000,unit=l,price=9223372036854775807,currency=JPY"

expect_create_refused "an order whose total overflows is refused" 1 \
    'acsa: line 2: the order'"'"'s value exceeds the largest value of an order, 1000000000000000 JPY (ACSA_ORDER_VALUE_MAX)' \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=999999999999950,currency=JPY" \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=100,currency=JPY"

expect_create_refused "defect 10: a line of 5,000,000,000,000 l at 1,000,000 JPY is refused at entry" 1 \
    'acsa: line 1: quantity x price exceeds the largest value of a line, 1000000000000000 JPY (ACSA_LINE_VALUE_MAX)' \
    --line "category=pol,desc=Diesel,qty=5000000000000,unit=l,price=1000000,currency=JPY"

expect_create_refused "a price beyond the largest amount is a malformed amount" 2 \
    'acsa order create: --line 1: price: "99999999999999999999" is too large' \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=99999999999999999999,currency=JPY"

expect_create_refused "a currency the agreement does not allow is refused" 1 \
    'acsa: line 2: currency "EUR" is not allowed by agreement IN-JP-2020' \
    --line "$FUEL" --line "category=food,desc=Rations,qty=40,unit=kg,price=25.00,currency=EUR"

expect_create_refused "mixed currencies in one order are refused" 1 \
    'acsa: line 2: currency USD differs from line 1 (JPY); one order is in one currency' \
    --line "$FUEL" --line "category=food,desc=Rations,qty=40,unit=kg,price=25.00,currency=USD"

expect_create_refused "more decimals than the currency has are a malformed price" 2 \
    'acsa order create: --line 1: price: "150.5" must be a whole number (no decimals allowed)' \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=150.5,currency=JPY"

expect_create_refused "an unknown currency code is a usage error" 2 \
    'acsa order create: --line 1: currency "XYZ" is not a known ISO 4217 currency' \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=150,currency=XYZ"

expect_create_refused "a line without a price is a usage error" 2 \
    'acsa order create: --line 2: missing key "price"' \
    --line "$FUEL" --line "category=food,desc=Rations,qty=40,unit=kg,currency=JPY"

expect_create_refused "a line with an unknown key is a usage error" 2 \
    'acsa order create: --line 1: unknown key "colour"' \
    --line "category=pol,desc=Diesel,qty=1,unit=l,price=150,currency=JPY,colour=red"

expect_create_refused "finding 5: an ESC in a --line desc is refused, naming the --line" 2 \
    'acsa order create: --line 2: control character U+001B at byte 26 is not allowed' \
    --line "$FUEL" --line $'category=food,desc=Field \e[2Jrations,qty=40,unit=kg,price=2500,currency=JPY'

# expect_no_raw_control: neither stdout nor stderr of the last run holds a raw control byte
# other than newline (ESC, BEL, CR and the rest of C0, DEL).
expect_no_raw_control() {
    if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TEST_DIR/stdout" "$TEST_DIR/stderr"; then
        fail "a raw control character was printed: $(od -c "$TEST_DIR/stdout" "$TEST_DIR/stderr" | head -5)"
    fi
}

test_case "finding 5: an ESC in --place is refused, naming --place, and not echoed raw"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --place $'Yoko\e]0;owned\asuka' --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 2
expect_stderr_contains 'acsa order create: --place: control character U+001B at byte 5 is not allowed'
expect_stdout ""
expect_no_raw_control
expect_db_unchanged

test_case "finding 5: a CR or BEL in --by is refused, as is a C1 control"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by $'Lt Iyer\rAdmiral' --date 2024-06-10 --line "$FUEL"
expect_exit 2
expect_stderr_contains 'acsa order create: --by: control character U+000D at byte 8 is not allowed'
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by $'Lt Iyer\a' --date 2024-06-10 --line "$FUEL"
expect_stderr_contains 'acsa order create: --by: control character U+0007 at byte 8 is not allowed'
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by $'Lt \xc2\x9b2J' --date 2024-06-10 --line "$FUEL"
expect_stderr_contains 'acsa order create: --by: control character U+009B at byte 4 is not allowed'
expect_db_unchanged

test_case "finding 5: an argument quoted back in a message shows its control bytes escaped"
run_raw --db "$DB" $'ord\e[2Jer' list
expect_exit 2
expect_stderr_contains 'unknown verb '"'"'ord\x1b[2Jer'"'"
expect_no_raw_control
run order show $'IN-JP\e[31m'
expect_exit 2
expect_stderr_contains 'acsa order show: NUMBER: control character U+001B at byte 6 is not allowed'
expect_no_raw_control

test_case "finding 5: a password with a control character is refused without quoting it"
db_snapshot "$DB"
printf 'pass\tword-long-1\n' >"$TEST_DIR/password"
run user add --username tabby --name "Lt Tab" --role auditor --party IN \
    --password-file "$TEST_DIR/password"
expect_exit 2
expect_stderr_contains "password: control character U+0009 at byte 5 is not allowed"
if [[ "$ERR" == *word-long* ]]; then
    fail "the password was quoted"
fi
expect_db_unchanged

# expect_unit_refused NAME CODE MESSAGE REQUESTER_UNIT SUPPLIER_UNIT: order create citing
# the given units, refused.
expect_unit_refused() {
    test_case "$1"
    db_snapshot "$DB"
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$4" --supplier-unit "$5" --place "Yokosuka" --need-by 2024-06-12 \
        --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
    expect_exit "$2"
    expect_stderr_contains "$3"
    expect_stdout ""
    expect_db_unchanged
}

expect_unit_refused "a requesting unit of the other party is refused" 1 \
    "acsa: requester_unit: unit $JMSDF (JMSDF) belongs to JP, not IN" "$JMSDF" "$JMSDF"

expect_unit_refused "a supplying unit of the other party is refused" 1 \
    "acsa: supplier_unit: unit $NAVY (Indian Navy) belongs to IN, not JP" "$NAVY" "$NAVY"

expect_unit_refused "an unknown unit is not found" 3 \
    'acsa: supplier_unit: unit 999 not found' "$NAVY" 999

test_case "a party outside the agreement is refused"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier US --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 1
expect_stderr_contains 'acsa: supplier: US is not a party to agreement IN-JP-2020'
expect_stdout ""
expect_db_unchanged

test_case "requester and supplier must be different parties"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier IN --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 1
expect_stderr_contains 'acsa: supplier: requester and supplier must be different parties'
expect_db_unchanged

test_case "an order under an unknown agreement is not found"
db_snapshot "$DB"
run order create --agreement XX-YY-2000 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 3
expect_stderr_contains 'acsa: agreement "XX-YY-2000" not found'
expect_stdout ""
expect_db_unchanged

test_case "an order citing an unknown activity is not found"
db_snapshot "$DB"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity 999 \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 3
expect_stderr_contains 'acsa: activity 999 not found'
expect_db_unchanged

test_case "refused orders use no number: the next order is the first"
create_order cash
expect_stdout "IN-JP-2024-000001"

# ---- Completeness before submission ---------------------------------------------------------

test_case "a draft without units, place or date can be raised"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
expect_exit 0
INCOMPLETE=$OUT

expect_refused "an incomplete draft cannot be submitted" 1 \
    "acsa: requester_unit: order $INCOMPLETE needs the requesting unit before it is submitted" \
    order submit "$INCOMPLETE" --by "Lt Iyer" --date 2024-06-10

test_case "a draft without a delivery place cannot be submitted"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --need-by 2024-06-12 \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
NO_PLACE=$OUT
db_snapshot "$DB"
run order submit "$NO_PLACE" --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "acsa: place: order $NO_PLACE needs a delivery place before it is submitted"
expect_db_unchanged

test_case "a draft without a delivery date cannot be submitted"
run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place "Yokosuka" \
    --method cash --by "Lt Iyer" --date 2024-06-10 --line "$FUEL"
NO_DATE=$OUT
db_snapshot "$DB"
run order submit "$NO_DATE" --by "Lt Iyer" --date 2024-06-10
expect_exit 1
expect_stderr_contains "acsa: need_by: order $NO_DATE needs a delivery date before it is submitted"
expect_db_unchanged

# ---- Illegal transitions ---------------------------------------------------------------------

test_case "a cash order in draft"
create_order cash
DRAFT=$ORDER

expect_refused "a draft cannot be approved" 1 \
    "acsa: state: cannot approve order $DRAFT in state draft (approve needs submitted)" \
    order approve "$DRAFT" --by "Cdr A. Rao" --date 2024-06-10

expect_refused "a draft cannot be issued against" 1 \
    "acsa: state: cannot issue order $DRAFT in state draft (issue needs accepted or delivering)" \
    order issue "$DRAFT" --line 1 --qty 1 --by "PO Tanaka" --date 2024-06-10

expect_refused "a step cannot be dated before the order was raised" 1 \
    "acsa: date: cannot be before the order was raised (2024-06-10)" \
    order submit "$DRAFT" --by "Lt Iyer" --date 2024-06-09

test_case "a cash order accepted"
create_order cash
walk_to accepted
ACCEPTED=$ORDER

expect_refused "nothing can be received before it is issued" 1 \
    "acsa: state: cannot receive order $ACCEPTED in state accepted (receive needs delivering)" \
    order receive "$ACCEPTED" --line 1 --qty 1 --by "CPO Das" --date 2024-06-12

expect_refused "issuing more than ordered is refused" 1 \
    "acsa: qty: issuing 10000.001 l on line 1 would exceed the 10000 ordered (0 already)" \
    order issue "$ACCEPTED" --line 1 --qty 10000.001 --by "PO Tanaka" --date 2024-06-12

expect_refused "issuing on a line the order does not have is refused" 1 \
    "acsa: line: order $ACCEPTED has no line 3 (it has 2)" \
    order issue "$ACCEPTED" --line 3 --qty 1 --by "PO Tanaka" --date 2024-06-12

expect_refused "an accepted order cannot be invoiced" 1 \
    "acsa: state: cannot invoice order $ACCEPTED in state accepted (invoice needs delivering or delivered)" \
    order invoice "$ACCEPTED" --by "Capt K. Sato" --date 2024-06-12

expect_refused "a dispute needs a reason" 2 \
    "acsa: reason: dispute needs a stated reason" \
    order dispute "$ACCEPTED" --by "Capt K. Sato" --date 2024-06-12

test_case "finding 5: a --by that is not UTF-8 is refused, naming --by, and the order still shows"
db_snapshot "$DB"
run order dispute "$ACCEPTED" --by $'Cdr \xff\xfe' --reason x --date 2024-06-12
expect_exit 2
expect_stderr_contains "acsa order dispute: --by: not valid UTF-8 at byte 5"
expect_stdout ""
expect_db_unchanged
run order dispute "$ACCEPTED" --by "Cdr Rao" --reason $'short\xe2\x82' --date 2024-06-12
expect_exit 2
expect_stderr_contains "acsa order dispute: --reason: not valid UTF-8 at byte 6"
expect_db_unchanged
run order show "$ACCEPTED" --json
expect_exit 0
expect_json 'd["state"]' accepted

test_case "a cash order partly issued"
create_order cash
walk_to delivering
DELIVERING=$ORDER

expect_refused "receiving more than issued is refused" 1 \
    "acsa: qty: receiving 7000 l on line 1 would exceed the 6000 issued (0 already)" \
    order receive "$DELIVERING" --line 1 --qty 7000 --by "CPO Das" --date 2024-06-12

expect_refused "issuing past the ordered quantity in a second part is refused" 1 \
    "acsa: qty: issuing 4001 l on line 1 would exceed the 10000 ordered (6000 already)" \
    order issue "$DELIVERING" --line 1 --qty 4001 --by "PO Tanaka" --date 2024-06-12

expect_refused "the issuer may not also receive" 1 \
    "acsa: by: \"PO Tanaka\" recorded an issue of order $DELIVERING and may not also receive it (separation of duties)" \
    order receive "$DELIVERING" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12

expect_refused "an open order cannot be closed" 1 \
    "acsa: state: cannot close order $DELIVERING in state delivering (close needs settled)" \
    order close "$DELIVERING" --by "Cdr A. Rao" --date 2024-06-12

expect_refused "an order being delivered cannot be cancelled" 1 \
    "acsa: state: cannot cancel order $DELIVERING in state delivering (cancel needs draft or submitted or approved or accepted)" \
    order cancel "$DELIVERING" --by "Lt Iyer" --date 2024-06-12

expect_refused "a quantity of zero is refused" 1 \
    "acsa: qty: quantity must be greater than zero" \
    order receive "$DELIVERING" --line 1 --qty 0 --by "CPO Das" --date 2024-06-12

test_case "a cash order delivered and invoiced"
create_order cash
walk_to delivered
run_ok order invoice "$ORDER" --by "Capt K. Sato" --date 2024-06-20
INVOICED=$ORDER

expect_refused "the receiver may not also pay" 1 \
    "acsa: by: \"CPO Das\" recorded a receipt of order $INVOICED and may not also pay it (separation of duties)" \
    order pay "$INVOICED" --amount 1000 --currency JPY --by "CPO Das" --date 2024-06-25

expect_refused "a payment in a currency the agreement does not allow is refused" 1 \
    "acsa: currency: agreement IN-JP-2020 does not allow payment in EUR" \
    order pay "$INVOICED" --amount 10.00 --currency EUR --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "a payment in another allowed currency needs a stated rate" 2 \
    "acsa: rate: a payment in USD of an order in JPY needs the rate, its date and its source" \
    order pay "$INVOICED" --amount 10.00 --currency USD --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "a payment in the order currency takes no rate" 2 \
    "acsa: rate: a payment in the order currency (JPY) takes no rate" \
    order pay "$INVOICED" --amount 10 --currency JPY --rate 1 --rate-date 2024-06-25 \
    --rate-source "RBI" --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "paying more than is outstanding is refused" 1 \
    "acsa: amount: payment of 1600001 JPY exceeds the 1600000 JPY outstanding on order $INVOICED" \
    order pay "$INVOICED" --amount 1600001 --currency JPY --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "a payment of zero is refused" 1 \
    "acsa: amount: a payment must be greater than zero" \
    order pay "$INVOICED" --amount 0 --currency JPY --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "an invoiced order cannot be invoiced again" 1 \
    "acsa: state: cannot invoice order $INVOICED in state invoiced (invoice needs delivering or delivered)" \
    order invoice "$INVOICED" --by "Capt K. Sato" --date 2024-06-21

expect_refused "returns apply to rik orders only" 1 \
    "acsa: method: order $INVOICED settles by cash; returns apply to rik orders" \
    order return "$INVOICED" --line 1 --qty 1 --by "PO Kumar" --date 2024-06-25

expect_refused "exchanges apply to eve orders only" 1 \
    "acsa: method: order $INVOICED settles by cash; exchanges apply to eve orders" \
    order exchange "$INVOICED" --with "$DELIVERING" --by "Cdr A. Rao" --date 2024-06-25

test_case "a rik order delivered"
create_order rik
walk_to delivered
RIK=$ORDER

expect_refused "a rik order cannot be paid" 1 \
    "acsa: method: order $RIK settles by rik; it can be paid only once converted to cash" \
    order pay "$RIK" --amount 1000 --currency JPY --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "a rik order cannot be invoiced" 1 \
    "acsa: method: order $RIK settles by rik; only cash orders are invoiced" \
    order invoice "$RIK" --by "Capt K. Sato" --date 2024-06-25

expect_refused "a return cannot be accepted before it is made" 1 \
    "acsa: qty: accepting 1 l on line 1 would exceed the 0 returned (0 already)" \
    order accept-return "$RIK" --line 1 --qty 1 --by "Capt K. Sato" --date 2024-06-25

test_case "a delivered cash order disputed with a reason"
create_order cash
walk_to delivered
DISPUTED=$ORDER
run order dispute "$DISPUTED" --by "Cdr A. Rao" --date 2024-06-15 --reason "fuel quantity contested"
expect_exit 0
run order show "$DISPUTED" --json
expect_json 'd["state"]' disputed
expect_json 'd["events"][-1]["detail"]' "fuel quantity contested"

# Issue, receive, invoice and pay go on under a dispute ("Concurrent steps"); closing and
# cancelling do not.
expect_refused "a disputed order cannot be closed" 1 \
    "acsa: state: cannot close order $DISPUTED in state disputed" \
    order close "$DISPUTED" --by "Cdr A. Rao" --date 2024-06-20

expect_refused "a disputed order cannot be cancelled" 1 \
    "acsa: state: cannot cancel order $DISPUTED in state disputed" \
    order cancel "$DISPUTED" --by "Lt Iyer" --date 2024-06-20 --reason "again"

# ---- Authority and separation of duties -----------------------------------------------------

test_case "an order above the official's limit (6,000,000 JPY), submitted"
create_order cash --line "category=pol,desc=Diesel fuel marine,qty=40000,unit=l,price=150,currency=JPY"
walk_to submitted
BIG=$ORDER

expect_refused "approval above the official's limit is refused" 1 \
    "acsa: by: order value 6000000 JPY exceeds the approval limit of Cdr A. Rao (Logistics Officer) on 2024-06-10 (5000000 JPY under every agreement)" \
    order approve "$BIG" --by "Cdr A. Rao" --date 2024-06-10

expect_refused "approval by someone who is not an official is refused" 1 \
    "acsa: by: \"Maj Singh\" is not an authorised official of IN, who must approve order $BIG" \
    order approve "$BIG" --by "Maj Singh" --date 2024-06-10

expect_refused "approval by an official of the supplying side is refused" 1 \
    "acsa: by: \"Capt K. Sato\" is not an authorised official of IN, who must approve order $BIG" \
    order approve "$BIG" --by "Capt K. Sato" --date 2024-06-10

test_case "an order in USD, submitted"
create_order cash --line "category=food,desc=Field rations,qty=40,unit=kg,price=25.00,currency=USD"
walk_to submitted
USD=$ORDER

expect_refused "approval in a currency the official has no limit in is refused" 1 \
    "acsa: by: Cdr A. Rao holds no grant for IN-JP-2020 in USD on 2024-06-10 (none was ever granted; see acsa official add)" \
    order approve "$USD" --by "Cdr A. Rao" --date 2024-06-10

test_case "a limit in USD lets the official approve the USD order"
run official add --party IN --name "Cdr A. Rao" --title "Logistics Officer" --from 2000-01-01 --limit 5000.00 --currency USD
expect_exit 0
run order approve "$USD" --by "Cdr A. Rao" --date 2024-06-10
expect_exit 0

test_case "an order raised by the official himself, submitted by another"
create_order cash --line "$FUEL" --by "Cdr A. Rao"
run_ok order submit "$ORDER" --by "Lt Iyer" --date 2024-06-10
RAISED=$ORDER

expect_refused "approval by the one who raised the order is refused" 1 \
    "acsa: by: \"Cdr A. Rao\" raised order $RAISED and may not also approve it (separation of duties)" \
    order approve "$RAISED" --by "Cdr A. Rao" --date 2024-06-10

test_case "an order submitted by the official"
create_order cash --line "$FUEL"
run_ok order submit "$ORDER" --by "Cdr A. Rao" --date 2024-06-10
SUBMITTED=$ORDER

expect_refused "approval by the one who submitted the order is refused" 1 \
    "acsa: by: \"Cdr A. Rao\" submitted order $SUBMITTED and may not also approve it (separation of duties)" \
    order approve "$SUBMITTED" --by "Cdr A. Rao" --date 2024-06-10

test_case "an order approved"
create_order cash
walk_to approved
APPROVED=$ORDER

expect_refused "acceptance by an official of the requesting side is refused" 1 \
    "acsa: by: \"Cdr A. Rao\" is not an authorised official of JP, who must accept order $APPROVED" \
    order accept "$APPROVED" --by "Cdr A. Rao" --date 2024-06-11

expect_refused "a rejection needs a reason" 2 \
    "acsa: reason: reject needs a stated reason" \
    order reject "$APPROVED" --by "Capt K. Sato" --date 2024-06-11

expect_refused "a rejection by someone who is not an official is refused" 1 \
    "acsa: by: \"PO Tanaka\" is not an authorised official of JP, who must reject order $APPROVED" \
    order reject "$APPROVED" --by "PO Tanaka" --date 2024-06-11 --reason "no fuel to spare"

test_case "a rejection with a reason is recorded"
run order reject "$APPROVED" --by "Capt K. Sato" --date 2024-06-11 --reason "no fuel to spare"
expect_exit 0
run order show "$APPROVED" --json
expect_json 'd["state"]' rejected
expect_json 'd["events"][-1]["detail"]' "no fuel to spare"

expect_refused "a rejected order cannot be accepted" 1 \
    "acsa: state: cannot accept order $APPROVED in state rejected (accept needs approved)" \
    order accept "$APPROVED" --by "Capt K. Sato" --date 2024-06-12

# ---- Not found -------------------------------------------------------------------------------

expect_refused "showing an unknown order is not found" 3 \
    'acsa: order "IN-JP-2024-999999" not found' \
    order show IN-JP-2024-999999

expect_refused "a step on an unknown order is not found" 3 \
    'acsa: order "IN-JP-2024-999999" not found' \
    order approve IN-JP-2024-999999 --by "Cdr A. Rao" --date 2024-06-10

# ---- Usage -----------------------------------------------------------------------------------

expect_refused "a step without --by is a usage error" 2 \
    "acsa order submit: --by is required" \
    order submit "$DRAFT" --date 2024-06-10

expect_refused "order create without --method is a usage error" 2 \
    "acsa order create: --method is required" \
    order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --line "$FUEL" --by "Lt Iyer"

expect_refused "an unknown settlement method is a usage error" 2 \
    'acsa order create: --method: "barter" is not a settlement method' \
    order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
    --method barter --line "$FUEL" --by "Lt Iyer"

expect_refused "an unknown option is a usage error" 2 \
    "acsa order submit: unknown option '--colour'" \
    order submit "$DRAFT" --by "Lt Iyer" --colour red

expect_refused "a malformed date is a usage error" 2 \
    'acsa order submit: --date: "2024-13-45" is not a valid date' \
    order submit "$DRAFT" --by "Lt Iyer" --date 2024-13-45

expect_refused "a date that does not exist is a usage error" 2 \
    'acsa order submit: --date: "2023-02-29" is not a valid date' \
    order submit "$DRAFT" --by "Lt Iyer" --date 2023-02-29

expect_refused "an amount with decimals in JPY is a malformed amount" 2 \
    'acsa order pay: --amount: "1.5" must be a whole number (no decimals allowed)' \
    order pay "$INVOICED" --amount 1.5 --currency JPY --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "an amount that is not a number is a malformed amount" 2 \
    'acsa order pay: --amount: "12,000" is not a decimal number' \
    order pay "$INVOICED" --amount 12,000 --currency JPY --by "Lt Cdr Menon" --date 2024-06-25

expect_refused "a quantity that is not a number is a usage error" 2 \
    'acsa order issue: --qty: "ten" is not a decimal number' \
    order issue "$ACCEPTED" --line 1 --qty ten --by "PO Tanaka" --date 2024-06-12

expect_refused "a line number that is not a number is a usage error" 2 \
    'acsa order issue: --line: "first" is not a positive whole number' \
    order issue "$ACCEPTED" --line first --qty 1 --by "PO Tanaka" --date 2024-06-12

expect_refused "an option given twice is a usage error" 2 \
    "acsa order submit: --by: given more than once" \
    order submit "$DRAFT" --by "Lt Iyer" --by "Lt Kumar"

expect_refused "an extra argument is a usage error" 2 \
    "acsa order submit: unexpected argument" \
    order submit "$DRAFT" "$ACCEPTED" --by "Lt Iyer"

expect_refused "an unknown verb is a usage error" 2 \
    "acsa: unknown verb 'frobnicate'" \
    frobnicate

expect_refused "an unknown order step is a usage error" 2 \
    "acsa order: unknown verb 'approve-all'" \
    order approve-all

expect_refused "--as-of without --overdue is a usage error" 2 \
    "acsa order list: --as-of needs --overdue" \
    order list --as-of 2024-06-10

# ---- The database itself ---------------------------------------------------------------------

expect_refused "a database is initialised only once" 1 \
    "acsa: db: $DB is already initialised for nation IN" \
    init --nation JP

test_case "a missing database is not found, and is not created"
run_raw --db "$TEST_DIR/absent.db" order list
expect_exit 3
expect_stderr_contains "acsa: database \"$TEST_DIR/absent.db\" does not exist"
expect_stdout ""
if [ -e "$TEST_DIR/absent.db" ]; then
    fail "the missing database was created"
fi

test_case "an empty file that was never initialised is refused as a usage error, untouched"
: >"$TEST_DIR/empty.db"
run_raw --db "$TEST_DIR/empty.db" order list
expect_exit 2
expect_stderr_contains "acsa: db: $TEST_DIR/empty.db is not initialised (run \"acsa init --nation CC\")"
expect_stdout ""
if [ -s "$TEST_DIR/empty.db" ]; then
    fail "the uninitialised file was written to: now $(wc -c <"$TEST_DIR/empty.db") bytes"
fi

test_case "another program's SQLite database is refused as a usage error, unchanged"
sqlite3 "$TEST_DIR/other.db" "CREATE TABLE stock (item TEXT, qty INTEGER); INSERT INTO stock VALUES ('diesel', 12000);"
db_snapshot "$TEST_DIR/other.db"
run_raw --db "$TEST_DIR/other.db" order list
expect_exit 2
expect_stderr_contains "acsa: db: $TEST_DIR/other.db is not initialised"
expect_stdout ""
expect_db_unchanged

test_case "a database that cannot be created is a storage error"
run_raw --db "$TEST_DIR/no/such/dir/node.db" init --nation IN
expect_exit 4
expect_stderr_contains "acsa: storage: cannot create \"$TEST_DIR/no/such/dir/node.db\": No such file or directory"

test_case "after every refusal the node still works"
run order list --json
expect_exit 0
expect_json 'len(d) > 0' true

finish
