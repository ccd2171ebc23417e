# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034 # the NODE_* tables are sync_lib.sh's
# Sourced by the PostgreSQL operation tests (failover.sh, backup_restore.sh), after lib.sh and
# sync_lib.sh: PostgreSQL servers of the test's own, each an initdb cluster in a subdirectory of
# one temporary directory, listening only on a Unix socket there (a port of its own names the
# socket; no TCP), run as an unprivileged user when the test runs as root (ACSA_PG_USER,
# default "nobody"), as tests/pg/cluster.sh does. Every server is stopped and the directory
# removed when the test exits.
#
#   pg_init NAME                    initdb of cluster NAME (database user "acsa", trust)
#   pg_conf NAME SETTING...         lines appended to its postgresql.conf
#   pg_start NAME PORT              starts it, waiting until it accepts connections
#   pg_uri NAME [DATABASE [USER]]   its libpq URI (database and user "acsa" by default)
#   pg_sql NAME SQL [DATABASE]      one statement through psql, unaligned output
#   pg_kill NAME                    SIGKILL to its postmaster and every child of it
#   pg_stop NAME                    a fast shutdown
#   as_pg COMMAND...                a command as the clusters' owner

PG_BIN=${ACSA_PG_BIN:-}
if [ -z "$PG_BIN" ]; then
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && PG_BIN=$d
    done
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_basebackup" ]; then
    echo "1..0 # SKIP initdb or pg_basebackup not found (install postgresql, or set ACSA_PG_BIN)"
    exit 0
fi
PATH="$PG_BIN:$PATH"

# Under /tmp, not $TMPDIR: a Unix socket path has at most 107 bytes, and as root the clusters'
# owner must reach the directory.
PG_DIR=$(mktemp -d "${ACSA_PG_TMP:-/tmp}/acsa-pgs.XXXXXX")
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    PG_OWNER=${ACSA_PG_USER:-nobody}
    as_pg() { runuser -u "$PG_OWNER" -- "$@"; }
    chown "$PG_OWNER" "$PG_DIR"
fi
chmod 755 "$PG_DIR"

declare -A PG_PORT=() # name -> port (the number of its socket file in $PG_DIR).

pg_cleanup() {
    local name
    for name in "${!PG_PORT[@]}"; do
        if [ -f "$PG_DIR/$name/postmaster.pid" ]; then
            as_pg pg_ctl -D "$PG_DIR/$name" -m immediate -w stop >/dev/null 2>&1
        fi
    done
    rm -rf "$PG_DIR"
}
CLEANUP_HOOKS+=(pg_cleanup)

pg_init() {
    local name=$1
    PG_PORT[$name]=""
    # --no-sync: the files initdb writes need not reach the disk before the server starts (no
    # test loses the machine's page cache); the server itself syncs as in production.
    as_pg initdb -D "$PG_DIR/$name" -A trust -U acsa -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$PG_DIR/$name.initdb.log" 2>&1 || {
        fail "initdb of $name failed: $(tail -c 1000 "$PG_DIR/$name.initdb.log")"
        return 1
    }
}

pg_conf() {
    local name=$1
    shift
    printf '%s\n' "$@" | as_pg tee -a "$PG_DIR/$name/postgresql.conf" >/dev/null
}

pg_start() {
    local name=$1 port=$2
    PG_PORT[$name]=$port
    # fsync stays on: the tests exercise the durable path, as a node runs it.
    as_pg pg_ctl -D "$PG_DIR/$name" -l "$PG_DIR/$name.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -p $port" \
        start >/dev/null || {
        fail "PostgreSQL $name did not start: $(tail -c 1000 "$PG_DIR/$name.log")"
        return 1
    }
}

pg_uri() {
    printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "${2:-acsa}" "$PG_DIR" "${PG_PORT[$1]}" \
        "${3:-acsa}"
}

pg_sql() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_uri "$1" "${3:-postgres}")" -c "$2"
}

# The postmaster and its children, killed at once as a lost machine would lose them.
pg_kill() {
    local pid
    pid=$(head -n 1 "$PG_DIR/$1/postmaster.pid")
    local children=()
    mapfile -t children < <(ps -o pid= --ppid "$pid" | tr -d ' ')
    kill -KILL "$pid" ${children[@]+"${children[@]}"} 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
}

pg_stop() {
    as_pg pg_ctl -D "$PG_DIR/$1" -m fast -w stop >/dev/null
}

# pg_wait NAME SQL EXPECTED [SECONDS]: polls until SQL answers EXPECTED (default 30 s).
pg_wait() {
    local name=$1 sql=$2 expected=$3 tries=$((${4:-30} * 10)) got=""
    for _ in $(seq 1 "$tries"); do
        got=$(pg_sql "$name" "$sql" 2>/dev/null)
        if [ "$got" = "$expected" ]; then
            return 0
        fi
        sleep 0.1
    done
    fail "$name: waited for '$sql' to give '$expected', last got '$got'"
    return 1
}

# A node whose database is in PostgreSQL has its key file named (NODE_KEYFILE[name], given to
# acsa as ACSA_KEY); `on` and `server_start` of sync_lib.sh pass it on.
declare -A NODE_KEYFILE=()
eval "$(declare -f on | sed '1s/^on /sync_lib_on /')"
eval "$(declare -f server_start | sed '1s/^server_start /sync_lib_server_start /')"
on() {
    if [ -n "${NODE_KEYFILE[$1]:-}" ]; then
        ACSA_KEY=${NODE_KEYFILE[$1]} sync_lib_on "$@"
    else
        sync_lib_on "$@"
    fi
}
server_start() {
    if [ -n "${NODE_KEYFILE[$1]:-}" ]; then
        ACSA_KEY=${NODE_KEYFILE[$1]} sync_lib_server_start "$@"
    else
        sync_lib_server_start "$@"
    fi
}

# pg_node_init NAME NATION URI: a node in the PostgreSQL database URI (which must exist), its
# key file in the test directory, with the India-Japan agreement; as node_init does for SQLite.
pg_node_init() {
    local name=$1 nation=$2
    NODE_DB[$name]=$3
    NODE_NATION[$name]=$nation
    NODE_KEYFILE[$name]="$TEST_DIR/$name.key"
    test_case "$name: init makes the node's tables in PostgreSQL and its key file"
    on "$name" init --nation "$nation" --name "Node $name"
    expect_exit 0
    expect_stderr_contains "for nation $nation"
    if [ ! -f "${NODE_KEYFILE[$name]}" ]; then
        fail "no secret key file ${NODE_KEYFILE[$name]}"
    elif [ "$(stat -c %a "${NODE_KEYFILE[$name]}")" != 600 ]; then
        fail "the secret key file is mode $(stat -c %a "${NODE_KEYFILE[$name]}"), not 600"
    fi
    on "$name" node show --json
    expect_exit 0
    NODE_KEY[$name]=$(json_value 'd["key"]')
    on "$name" agreement load "$AGREEMENTS/india-japan-2020.json"
    expect_exit 0
    expect_stdout "IN-JP-2020"
}
