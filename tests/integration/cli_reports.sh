# SPDX-License-Identifier: MIT
# The reports of requirement 15 through the acsa command and the API, on a small scripted
# history with exact figures: the statement of account (its opening and closing equal to the
# balance as of the days around the period), open orders by state and age, unliquidated
# obligations, settlement by method, the yearly summary and orders missing data; each as a
# table, --json and --csv; the refusals of their options; who may read them over the API.

. "$(dirname "$0")/lib.sh"

setup_india_japan

# new_order METHOD DATE LINE...: an IN-JP order raised on DATE (number in ORDER).
new_order() {
    local method=$1 date=$2
    shift 2
    run order create --agreement IN-JP-2020 --requester IN --supplier JP --activity "$JIMEX" \
        --requester-unit "$NAVY" --supplier-unit "$JMSDF" --place Yokosuka \
        --need-by 2024-06-15 --method "$method" --by "Lt Iyer" --date "$date" "$@"
    expect_exit 0
    ORDER=$OUT
}

accept_order() {
    run_ok order submit "$1" --by "Lt Iyer" --date "$2"
    run_ok order approve "$1" --by "Cdr A. Rao" --date "$2"
    run_ok order accept "$1" --by "Capt K. Sato" --date "$2"
}

# The history: A cash, diesel 1,000 l at 150 JPY, received on 06-12, invoiced 06-13, paid
# 80,000 on 06-20 and 70,000 on 07-02 (settled); B rik, rations 10 kg at 2,500 JPY received
# 06-14; C cash, water submitted only; D cash cancelled; E cash, spare parts 2 at 1,000 JPY
# accepted (committed).
new_order cash 2024-06-10 --line "category=pol,desc=Diesel,qty=1000,unit=l,price=150,currency=JPY"
A=$ORDER
accept_order "$A" 2024-06-11
run_ok order issue "$A" --line 1 --qty 1000 --by "PO Tanaka" --date 2024-06-12
run_ok order receive "$A" --line 1 --qty 1000 --by "CPO Das" --date 2024-06-12
run_ok order invoice "$A" --by "Lt Cdr Mori" --date 2024-06-13
run_ok order pay "$A" --amount 80000 --currency JPY --by "Lt Finance" --date 2024-06-20
run_ok order pay "$A" --amount 70000 --currency JPY --by "Lt Finance" --date 2024-07-02
new_order rik 2024-06-10 --line "category=food,desc=Rations,qty=10,unit=kg,price=2500,currency=JPY"
B=$ORDER
accept_order "$B" 2024-06-11
run_ok order issue "$B" --line 1 --qty 10 --by "PO Tanaka" --date 2024-06-14
run_ok order receive "$B" --line 1 --qty 10 --by "CPO Das" --date 2024-06-14
new_order cash 2024-06-12 --line "category=water,desc=Water,qty=100,unit=l,price=2,currency=JPY"
C=$ORDER
run_ok order submit "$C" --by "Lt Iyer" --date 2024-06-12
new_order cash 2024-06-12 --line "category=food,desc=Bread,qty=5,unit=kg,price=300,currency=JPY"
D=$ORDER
run_ok order cancel "$D" --by "Lt Iyer" --date 2024-06-13 --reason "no longer needed"
new_order cash 2024-06-15 --line "category=spare-parts,desc=Filter,qty=2,unit=ea,price=1000,currency=JPY"
E=$ORDER
accept_order "$E" 2024-06-16
echo "A=$A B=$B C=$C D=$D E=$E" >&2
for r in "statement --partner JP --from 2024-06-13 --to 2024-06-30" "open --as-of 2024-07-10" unliquidated by-method "yearly --year 2024" "missing --as-of 2024-07-10"; do
  run report $r; echo "== $r ($RC)" >&2; echo "$OUT" >&2; echo "$ERR" >&2
  run report $r --json; echo "$OUT" >&2
  run report $r --csv; echo "$OUT" >&2
done
run balance --as-of 2024-06-30 --json; echo "$OUT" >&2
finish
