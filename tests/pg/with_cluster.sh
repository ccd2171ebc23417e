#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a test program against a throw-away PostgreSQL cluster (cluster.sh), with ACSA_TEST_PG
# set: how meson runs the store's tests on the PostgreSQL backend. Exits 77 (skipped) when the
# PostgreSQL server binaries are not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/cluster.sh" "$@"
