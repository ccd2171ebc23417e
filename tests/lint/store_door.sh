#!/bin/sh
# SPDX-License-Identifier: MIT
# The door to storage holds: tools/checksrc refuses a file outside src/app and src/store that
# includes the storage interface or calls it, and passes the same text inside src/app. TAP.
set -u
checksrc="$1"
. "$(dirname "$0")/case_lib.sh"

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
finish
