# SPDX-License-Identifier: MIT
# Activities under the agreement's rules (defect 6): an activity of type other-lawful needs a
# stated reason, which is kept and shown.

. "$(dirname "$0")/lib.sh"

setup_india_japan

test_case "defect 6: an other-lawful activity without --reason is refused, naming --reason"
run activity add --agreement IN-JP-2020 --name "Harbour survey 2024" --type other-lawful \
    --from 2024-07-01 --to 2024-07-05
expect_exit 2
expect_stderr_contains "reason: an activity of type other-lawful needs a stated reason"
run activity list --json
expect_json '[a["name"] for a in d if a["type"] == "other-lawful"]' '[]'

test_case "defect 6: an empty --reason is no reason"
run activity add --agreement IN-JP-2020 --name "Harbour survey 2024" --type other-lawful \
    --from 2024-07-01 --to 2024-07-05 --reason ""
expect_exit 2
expect_stderr_contains "--reason: must not be empty"

test_case "an other-lawful activity with its reason is added, and the reason shown"
run activity add --agreement IN-JP-2020 --name "Harbour survey 2024" --type other-lawful \
    --from 2024-07-01 --to 2024-07-05 --reason "hydrographic survey lawful under both laws"
expect_exit 0
expect_stdout_matches '^[0-9]+$'
run activity list --json
expect_json '[a["reason"] for a in d if a["type"] == "other-lawful"]' \
    '["hydrographic survey lawful under both laws"]'

test_case "other types need no reason"
run activity add --agreement IN-JP-2020 --name "Relief 2024" --type humanitarian-relief \
    --from 2024-08-01 --to 2024-08-05
expect_exit 0

finish
