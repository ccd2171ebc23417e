# SPDX-License-Identifier: MIT
# Order numbers never collide across nodes (defect 9). India's node, before Japan ran one,
# entered a Japanese request by hand; Japan's node, once running, raises its own first request
# of the year. The order entered by hand comes from India's series for Japan (JP-IN-2024-M...),
# so after sync one number names one order on both nodes.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

node_init IN IN
node_init JP JP

test_case "India's node, with no partner node yet, enters a Japanese request by hand"
on_ok IN unit add --party IN --name "Indian Navy" --service navy
NAVY_IN=$OUT
on_ok IN unit add --party JP --name "JMSDF Escort Flotilla 1" --service jmsdf
JMSDF_IN=$OUT
on_ok IN official add --party JP --name "Capt K. Sato" --title "Logistics Officer" --from 2000-01-01 --limit 50000000 --currency JPY
on_ok IN activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_IN=$OUT
on IN order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_IN" \
    --requester-unit "$JMSDF_IN" --supplier-unit "$NAVY_IN" --place "Visakhapatnam" \
    --need-by 2024-06-14 --method cash --by "1Lt Mori" --date 2024-06-11 \
    --line "category=water,desc=Potable water,qty=50000,unit=l,price=2,currency=JPY"
expect_exit 0
expect_stdout "JP-IN-2024-M000001"
BY_HAND=$OUT

test_case "defect 9: Japan's node, once running, raises its own JP-IN-2024-000001"
on_ok JP unit add --party JP --name "JMSDF" --service jmsdf
on_ok JP unit add --party IN --name "Indian Navy" --service navy
on_ok JP activity add --agreement IN-JP-2020 --name "JIMEX 2024" --type bilateral-training \
    --from 2024-06-01 --to 2024-06-20 --place Yokosuka
JIMEX_JP=$OUT
on JP order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_JP" \
    --method cash --by "1Lt Mori" --date 2024-06-12 \
    --line "category=pol,desc=Diesel,qty=1000,unit=l,price=100,currency=JPY"
expect_exit 0
expect_stdout "JP-IN-2024-000001"
OWN=$OUT

test_case "the two nodes serve and register each other"
server_start IN
server_start JP
if [ -z "${NODE_URL[IN]}" ] || [ -z "${NODE_URL[JP]}" ]; then
    finish
fi
peers_link IN JP

test_case "defect 9: after sync India holds both orders, each under its own number"
on IN sync --peer JP --json
expect_exit 0
on IN order show "$OWN" --json
expect_exit 0
expect_json '(d["number"], d["lines"][0]["category"])' "[\"$OWN\",\"pol\"]"
on IN order show "$BY_HAND" --json
expect_exit 0
expect_json '(d["number"], d["lines"][0]["category"])' "[\"$BY_HAND\",\"water\"]"

test_case "defect 9: India's node quarantines nothing of Japan's; Japan's own order is not shadowed"
on IN quarantine list --json
expect_exit 0
expect_json '[q for q in d if q.get("number") == "'"$OWN"'"]' '[]'
on JP order show "$OWN" --json
expect_json 'd["lines"][0]["category"]' pol

test_case "a new order on India's node for Japan now comes from Japan's own node: none by hand"
on IN order create --agreement IN-JP-2020 --requester JP --supplier IN --activity "$JIMEX_IN" \
    --method cash --by "1Lt Mori" --date 2024-06-12 \
    --line "category=pol,desc=Diesel,qty=1000,unit=l,price=100,currency=JPY"
expect_exit 1
expect_stderr_contains "whose node signs it"

finish
