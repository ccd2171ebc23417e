#!/bin/sh
# SPDX-License-Identifier: MIT
# The door to storage holds: tools/checksrc refuses a file outside src/app and src/store that
# includes the storage interface or calls it, and passes the same text inside src/app. TAP.
set -u
checksrc="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
failed=0
case_() { # name, expect (pass|fail), path, pattern expected in the output (or "")
    n=$((n + 1))
    rm -rf "$dir/src"
    mkdir -p "$(dirname "$dir/$3")"
    cat > "$dir/$3"
    out=$("$checksrc" "$dir" 2>&1)
    rc=$?
    ok=1
    if [ "$2" = pass ] && [ $rc -ne 0 ]; then ok=0; fi
    if [ "$2" = fail ] && [ $rc -eq 0 ]; then ok=0; fi
    if [ -n "$4" ] && ! printf '%s\n' "$out" | grep -q "$4"; then ok=0; fi
    if [ $ok -eq 1 ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        printf '%s\n' "$out" | sed 's/^/# /'
        failed=1
    fi
}

case_ "the CLI may not include store.h" fail src/cli/bad.c "include the storage interface" <<'C'
/* SPDX-License-Identifier: MIT */
#include "store.h"
C
case_ "the server may not include a backend's header" fail src/server/bad.c \
    "include the storage interface" <<'C'
/* SPDX-License-Identifier: MIT */
#include "store_sqlite_int.h"
C
case_ "the sync layer may not call the vtable" fail src/sync/bad.c "call the storage" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(struct x *store) { return store->vtbl->order_list(store); }
C
case_ "the format layer may not name acsa_app_store" fail src/format/bad.c \
    "call the storage" <<'C'
/* SPDX-License-Identifier: MIT */
static void *f(void *app) { return acsa_app_store(app); }
C
case_ "no layer but app and store may name acsa_store_" fail src/core/bad.c \
    "call the storage" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void) { return acsa_store_schema_version(); }
C
case_ "the row types are plain data any layer may include" pass src/cli/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
#include "rows.h"
#include "app_reads.h"
C
case_ "the application layer holds the store" pass src/app/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
#include "store.h"
static int f(struct acsa_store *store) { return store->vtbl->version != 0; }
C
case_ "the store includes its own headers" pass src/store/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
#include "store.h"
#include "store_sqlite_int.h"
C
echo "1..$n"
exit $failed
