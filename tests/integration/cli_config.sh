# SPDX-License-Identifier: MIT
# acsa serve's configuration file (--config): refused first (a missing file, an unknown key, a
# bad value, a value out of range, bytes that are not UTF-8, a control character, a line that
# is not KEY = VALUE, a key twice, a NUL byte, a file too large), each refusal naming the file,
# the line and the key; then the shipped /etc/acsa/acsa.conf, command-line options winning
# over the file, and a server started from a file alone.

. "$(dirname "$0")/lib.sh"

CONF="$TEST_DIR/acsa.conf"

# Writes the arguments, one a line, to $CONF.
conf() {
    printf '%s\n' "$@" >"$CONF"
}

check() {
    run_raw serve --config "$CONF" --check-config "$@"
}

test_case "a --config that does not exist is refused, naming it (exit 3)"
run_raw serve --config "$TEST_DIR/missing.conf" --check-config
expect_exit 3
expect_stderr_contains "missing.conf"

test_case "an unknown key is refused, naming the file, the line and the key"
conf "# a comment" "colour = blue"
check
expect_exit 2
expect_stderr_contains "$CONF:2: colour: unknown key"

test_case "a bad value is refused, naming the file, the line and the key"
conf "" "threads = many"
check
expect_exit 2
expect_stderr_contains "$CONF:2: threads: \"many\" is not a positive whole number"

test_case "a value out of range is refused, naming the file, the line and the key"
conf "threads = 100000"
check
expect_exit 2
expect_stderr_contains "$CONF:1: threads: at most 256"
conf "sync-every = 604801"
check
expect_exit 2
expect_stderr_contains "$CONF:1: sync-every: at most a week"

test_case "a bad listen address is refused, naming the file, the line and the key"
conf "listen = nowhere"
check
expect_exit 2
expect_stderr_contains "$CONF:1: listen: \"nowhere\" is not ADDRESS:PORT"

test_case "bytes that are not UTF-8 are refused, naming the file, the line and the key"
printf 'threads = 4\nlisten = 127.0.0.1:80\xff80\n' >"$CONF"
check
expect_exit 2
expect_stderr_contains "$CONF:2: listen: not valid UTF-8"
printf '\xfe\xff = 1\n' >"$CONF"
check
expect_exit 2
expect_stderr_contains "$CONF:1: not valid UTF-8"

test_case "a control character is refused (a carriage return too)"
printf 'threads = 4\r\n' >"$CONF"
check
expect_exit 2
expect_stderr_contains "$CONF:1: threads: control character U+000D"

test_case "a NUL byte is refused"
printf 'threads = 4\n\0\n' >"$CONF"
check
expect_exit 2
expect_stderr_contains "$CONF:2: a NUL byte"

test_case "a line that is not KEY = VALUE is refused"
conf "threads 4"
check
expect_exit 2
expect_stderr_contains "$CONF:1: expected KEY = VALUE"
conf "= 4"
check
expect_exit 2
expect_stderr_contains "$CONF:1: expected KEY = VALUE"

test_case "an empty value is refused"
conf "listen ="
check
expect_exit 2
expect_stderr_contains "$CONF:1: listen: must not be empty"

test_case "a key given twice is refused"
conf "threads = 4" "threads = 8"
check
expect_exit 2
expect_stderr_contains "$CONF:2: threads: given twice"
conf "db = a.db" "db = b.db"
check
expect_exit 2
expect_stderr_contains "$CONF:2: db: given twice"

test_case "flags and config itself are not keys of the file"
for key in check-config no-config help config; do
    conf "$key = x"
    check
    expect_exit 2
    expect_stderr_contains "$CONF:1: $key: "
done

test_case "a certificate without its key is refused, naming the file"
conf "tls-cert = /etc/ssl/cert.pem"
check
expect_exit 2
expect_stderr_contains "$CONF:1: tls-cert: --tls-cert and --tls-key go together"

test_case "a file larger than 64 KiB is refused"
{ for _ in $(seq 1 3000); do echo "# a comment line of some length........"; done; } >"$CONF"
check
expect_exit 2
expect_stderr_contains "larger than 65536 bytes"

test_case "--config and --no-config together are refused"
conf "threads = 4"
run_raw serve --config "$CONF" --no-config --check-config
expect_exit 2
expect_stderr_contains "choose one"

test_case "the shipped acsa.conf is valid"
run_raw serve --config "$ACSA_SOURCE_ROOT/dist/acsa.conf" --check-config
expect_exit 0
expect_stdout_contains "dist/acsa.conf are valid"

test_case "the shipped acsa.conf documents every option of acsa serve --help"
run_raw serve --help
for option in $(printf '%s\n' "$OUT" | sed -n 's/^  --\([a-z-]*\).*/\1/p'); do
    case $option in
    config | no-config | check-config | help) continue ;;
    esac
    grep -Eq "^#?$option = " "$ACSA_SOURCE_ROOT/dist/acsa.conf" ||
        fail "dist/acsa.conf lacks $option"
done

test_case "comments, blank lines and tabs are accepted"
printf '# the node\n\n\tthreads\t=\t8  \n   # indented comment\nqueue=10\n' >"$CONF"
check
expect_exit 0

test_case "an option on the command line wins over the file, and is the one checked"
conf "threads = 8"
check --threads 300
expect_exit 2
expect_stderr_contains "--threads: at most 256"
conf "threads = 300"
check --threads 8
expect_exit 0

test_case "the file's value is checked even where the command line wins"
conf "threads = many"
check --threads 8
expect_exit 2
expect_stderr_contains "$CONF:1: threads: \"many\" is not a positive whole number"

test_case "a server starts from the file alone: db and listen"
run_ok init --nation IN
conf "db = $DB" "listen = 127.0.0.1:0" "threads = 2"
"$ACSA_BIN" serve --config "$CONF" 2>"$SERVER_LOG" </dev/null &
SERVER_PID=$!
serve_wait
curl -sf "$BASE/healthz" >/dev/null || fail "GET /healthz failed"
serve_stop

test_case "--db on the command line wins over the file's db"
conf "db = $TEST_DIR/not-this.db" "listen = 127.0.0.1:0"
run_raw --db "$DB" serve --config "$CONF" --check-config
expect_exit 0

finish
