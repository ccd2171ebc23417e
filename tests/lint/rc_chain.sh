#!/bin/sh
# SPDX-License-Identifier: MIT
# A failure points at its line: tools/checksrc refuses `rc = rc == ACSA_OK ? f() : rc;` and
# `return rc == ACSA_OK ? f() : rc;` under src/, and passes ACSA_TRY, an exit label, and a
# result mapped to another type. TAP.
set -u
checksrc="$1"
. "$(dirname "$0")/case_lib.sh"

case_ "a chained assignment is refused" fail src/app/bad.c "ACSA_TRY" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void) { int rc = g(); rc = rc == ACSA_OK ? h() : rc; return rc; }
C
case_ "a chained assignment with a condition is refused" fail src/store/bad.c "ACSA_TRY" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(int x) { int rc = g(); rc = rc == ACSA_OK && x ? h() : rc; return rc; }
C
case_ "a chained return over two lines is refused" fail src/core/bad.c "line 5" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void)
{
    int rc = g();
    return rc == ACSA_OK ? h(1,
                             2) : rc;
}
C
case_ "ACSA_TRY passes" pass src/app/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void) { ACSA_TRY(g()); return h(); }
C
case_ "a result mapped to another type passes" pass src/cli/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void) { int rc = g(); return rc == ACSA_OK ? EXIT_OK : fail(rc); }
C
case_ "tests are not held to it" pass tests/unit/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
static int f(void) { int rc = g(); rc = rc == ACSA_OK ? h() : rc; return rc; }
C
finish
