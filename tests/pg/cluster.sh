#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a command against a throw-away PostgreSQL cluster: initdb into a temporary directory,
# a server listening only on a Unix socket in that directory (no TCP port, no system service),
# the database "acsa" created, ACSA_TEST_PG set to its URI; the cluster is stopped and removed
# when the command ends, whatever its outcome.
#   tests/pg/cluster.sh COMMAND [ARG...]     run COMMAND with ACSA_TEST_PG set
#   tests/pg/cluster.sh                      print the URI and wait (Ctrl-C stops it)
# initdb refuses to run as root: as root the cluster belongs to an unprivileged user
# (ACSA_PG_USER, default "nobody"), and the directory is opened to the callers' tests.
set -eu

pg_bin=${ACSA_PG_BIN:-}
if [ -z "$pg_bin" ]; then
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && pg_bin=$d
    done
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    # The tests it runs speak TAP: a plan of none skips them.
    echo "1..0 # SKIP initdb not found (install postgresql, or set ACSA_PG_BIN)"
    exit 0
fi

# Under /tmp, not $TMPDIR: a Unix socket path has at most 107 bytes, and as root the cluster's
# owner must reach the directory (a $TMPDIR under /root would shut it out).
dir=$(mktemp -d "${ACSA_PG_TMP:-/tmp}/acsa-pg.XXXXXX")
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    owner=${ACSA_PG_USER:-nobody}
    as_owner() { runuser -u "$owner" -- "$@"; }
    chown "$owner" "$dir"
fi
chmod 755 "$dir"

stop() {
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

as_owner "$pg_bin/initdb" -D "$dir/data" -A trust -U acsa -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync stays on: the tests exercise the durable path, as a node runs it.
as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=40" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$pg_bin/createdb" -h "$dir" -U acsa acsa

export ACSA_TEST_PG="postgresql:///acsa?host=$dir&user=acsa"
export ACSA_TEST_PG_DIR=$dir
export ACSA_TEST_PG_BIN=$pg_bin
if [ $# -eq 0 ]; then
    echo "$ACSA_TEST_PG"
    while :; do sleep 3600; done
fi
set +e
"$@"
rc=$?
exit $rc
