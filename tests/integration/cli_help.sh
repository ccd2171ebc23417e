# SPDX-License-Identifier: MIT
# The help of the acsa command: the global help lists the verbs and exit codes, every group
# lists its verbs, and every verb's --help exits 0 without touching a database.

. "$(dirname "$0")/lib.sh"

# No database exists here: help must not need one, nor create one.
DB="$TEST_DIR/never-created.db"

STEPS="submit approve accept reject cancel dispute issue receive return accept-return invoice pay exchange close"

test_case "acsa --help prints the usage on stdout and exits 0"
run_raw --help
expect_exit 0
expect_stderr_empty
expect_stdout_contains "Usage: acsa [--db PATH] VERB"

test_case "acsa --help lists the exit codes"
expect_stdout_contains "Exit codes:"
expect_stdout_matches $'\n  0  ok'
expect_stdout_matches $'\n  1  refused'
expect_stdout_matches $'\n  2  usage'
expect_stdout_matches $'\n  3  not found'
expect_stdout_matches $'\n  4  storage'

test_case "acsa --help lists every verb"
for verb in init agreement unit official activity order balance overdue convert-overdue demo; do
    expect_stdout_matches $'\n  '"$verb "
done

test_case "acsa --help names every order step"
for step in $STEPS; do
    expect_stdout_contains "$step"
done

test_case "acsa -h is the same as --help"
HELP=$OUT
run_raw -h
expect_exit 0
expect_stdout "$HELP"

test_case "acsa --version prints the version"
run_raw --version
expect_exit 0
expect_stdout_matches '^acsa [0-9]+\.[0-9]+\.[0-9]+$'

test_case "acsa without a verb prints the usage on stderr and exits 2"
run_raw
expect_exit 2
expect_stdout ""
expect_stderr_contains "Usage: acsa"

# Every group lists its verbs.
for group in agreement unit official activity order; do
    test_case "acsa $group --help lists its verbs"
    run "$group" --help
    expect_exit 0
    expect_stderr_empty
    expect_stdout_contains "Usage: acsa $group VERB"
    case "$group" in
        agreement) verbs="load list show amend notice terminate" ;;
        order) verbs="create list show $STEPS" ;;
        official) verbs="add revoke list" ;;
        *) verbs="add list" ;;
    esac
    for verb in $verbs; do
        expect_stdout_matches $'\n  '"$verb "
    done
done

# Every verb's own help: exit 0, usage on stdout, nothing on stderr, and its options. Each
# line below is the verb (one or two words), a colon, and the options its help must name.
while IFS=: read -r verb options; do
    test_case "acsa $verb --help exits 0 and shows its options"
    # shellcheck disable=SC2086 # the verb is one or two words
    run $verb --help
    expect_exit 0
    expect_stderr_empty
    expect_stdout_contains "Usage: acsa $verb"
    expect_stdout_contains "--help"
    expect_stdout_contains "--db PATH"
    for option in $options; do
        expect_stdout_contains "--$option"
    done
done <<'EOF'
init: nation name
agreement load:
agreement amend: effective
agreement notice: date
agreement terminate: date reason
agreement list: json
agreement show: json
unit add: party name service
unit list: json
official add: party name title limit currency from to agreement
official revoke: party name date reason
official list: as-of all json
activity add: agreement name type from to place reason
activity list: agreement json
order create: agreement requester supplier activity method line requester-unit supplier-unit place need-by by date
order list: state agreement activity partner overdue as-of json
order show: json
order submit: by date reason
order approve: by date reason
order accept: by date reason
order reject: by date reason
order cancel: by date reason
order dispute: by date reason
order issue: line qty by date
order receive: line qty by date
order return: line qty by date
order accept-return: line qty by date
order invoice: by date
order pay: amount currency by date
order exchange: with by date
order close: by date
balance: partner as-of json
overdue: as-of json
convert-overdue: as-of by
demo:
EOF

test_case "a step's help marks --by as required"
run order approve --help
expect_stdout_matches '--by NAME[^'$'\n'']*\(required\)'

test_case "--help after other options still shows the help"
run order pay IN-JP-2024-000001 --amount 10 --help
expect_exit 0
expect_stdout_contains "Usage: acsa order pay"

test_case "a node on a database server is refused without its key file, before connecting"
SAVED_KEY=${ACSA_KEY-}
unset ACSA_KEY
run_raw order list --db postgresql://nowhere.invalid/acsa
expect_exit 2
expect_stderr_contains "key: a node on a database server needs its key file named (--key PATH, or ACSA_KEY)"
[ -z "$SAVED_KEY" ] || export ACSA_KEY=$SAVED_KEY

test_case "a mistyped verb or option names the nearest one (did you mean)"
run_raw ordr list
expect_exit 2
expect_stderr_contains "acsa: unknown verb 'ordr'; did you mean 'order'?"
run order lsit
expect_exit 2
expect_stderr_contains "acsa order: unknown verb 'lsit'; did you mean 'list'?"
run balance --partnr JP
expect_exit 2
expect_stderr_contains "acsa balance: unknown option '--partnr'; did you mean '--partner'?"
run order create --agreemnt=IN-JP-2020
expect_exit 2
expect_stderr_contains "unknown option '--agreemnt=IN-JP-2020'; did you mean '--agreement'?"
run balance --jsno
expect_exit 2
expect_stderr_contains "did you mean '--json'?"

test_case "a word far from every verb or option gets no guess"
run_raw xyzzy
expect_exit 2
expect_stderr_contains "acsa: unknown verb 'xyzzy'"
case $ERR in *"did you mean"*) fail "a guess for a far word: $ERR" ;; esac
run balance --quux
expect_exit 2
case $ERR in *"did you mean"*) fail "a guess for a far word: $ERR" ;; esac

test_case "acsa help VERB [SUBVERB] is VERB [SUBVERB] --help"
run order create --help
WANT=$OUT
run_raw help order create
expect_exit 0
expect_stdout "$WANT"
run balance --help
WANT=$OUT
run_raw help balance
expect_exit 0
expect_stdout "$WANT"
run_raw help order
expect_exit 0
expect_stdout_contains "Usage: acsa order VERB"
run_raw help
expect_exit 0
expect_stdout_contains "Usage: acsa [--db PATH] VERB"
expect_stdout_contains "  help "

test_case "acsa help refuses what is not a verb, with a guess"
run_raw help ordr
expect_exit 2
expect_stderr_contains "unknown verb 'ordr'; did you mean 'order'?"
run_raw help order --json
expect_exit 2
expect_stderr_contains "unexpected option '--json': help takes verbs only"
run_raw help a b c d
expect_exit 2
expect_stderr_contains "at most 3 words after help"

test_case "read commands document --raw"
run balance --help
expect_stdout_contains "--raw"

test_case "no help created a database"
if [ -e "$DB" ]; then
    fail "$DB was created"
fi

finish
