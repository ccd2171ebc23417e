#!/bin/sh
# SPDX-License-Identifier: MIT
# Layers depend downward only (docs/ARCHITECTURE.md), and both the source checks and the
# build hold it: tools/checksrc refuses an include by path or of a higher layer's header, and
# a file compiled with the flags the build gives its layer cannot even find a higher layer's
# header (the flags are read from compile_commands.json). TAP.
#   layers.sh CHECKSRC BUILD_DIR SOURCE_ROOT
set -u
checksrc="$1"
build="$2"
root="$3"
. "$(dirname "$0")/case_lib.sh"

case_ "an include by path is refused" fail src/app/bad.c "by its bare name" <<'C'
/* SPDX-License-Identifier: MIT */
#include "../core/money.h"
C
case_ "the core may not include the application layer" fail src/core/bad.c \
    "src/core may not include app.h of src/app" <<'C'
/* SPDX-License-Identifier: MIT */
#include "app.h"
C
case_ "the store may not include the format layer" fail src/store/bad.c \
    "src/store may not include agreement_json.h of src/format" <<'C'
/* SPDX-License-Identifier: MIT */
#include "agreement_json.h"
C
case_ "the format layer may not include the store" fail src/format/bad.c \
    "src/format may not include store.h of src/store" <<'C'
/* SPDX-License-Identifier: MIT */
#include "store.h"
C
case_ "the sync layer may not include the server" fail src/sync/bad.c \
    "src/sync may not include server.h of src/server" <<'C'
/* SPDX-License-Identifier: MIT */
#include "server.h"
C
case_ "the util layer may not include the core" fail src/util/bad.c \
    "src/util may not include money.h of src/core" <<'C'
/* SPDX-License-Identifier: MIT */
#include "money.h"
C
case_ "the print layer may not include the application layer" fail src/print/bad.c \
    "src/print may not include app_reads.h of src/app" <<'C'
/* SPDX-License-Identifier: MIT */
#include "app_reads.h"
C
case_ "the application layer may not include the print layer" fail src/app/bad.c \
    "src/app may not include print.h of src/print" <<'C'
/* SPDX-License-Identifier: MIT */
#include "print.h"
C
case_ "the sync layer may not include the print layer" fail src/sync/bad.c \
    "src/sync may not include print.h of src/print" <<'C'
/* SPDX-License-Identifier: MIT */
#include "print.h"
C
case_ "the print layer may use the core and util" pass src/print/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
#include "form.h"
#include "alloc.h"
C
case_ "every layer below is allowed" pass src/cli/ok.c "" <<'C'
/* SPDX-License-Identifier: MIT */
#include "server.h"
#include "print.h"
#include "sync.h"
#include "app.h"
#include "agreement_json.h"
#include "money.h"
#include "alloc.h"
#include <stdio.h>
C

# The build: a probe compiled with the flags of one file of each layer.
commands="$build/compile_commands.json"
probe() { # layer, header, expect (found|missing)
    out=$(python3 - "$commands" "$root" "$1" "$2" "$dir" <<'PY' 2>&1
import json, os, shlex, subprocess, sys
commands, root, layer, header, tmp = sys.argv[1:]
src = os.path.join(root, "src", layer)
entry = next(e for e in json.load(open(commands))
             if os.path.normpath(os.path.join(e["directory"], e["file"])).startswith(src + "/"))
args = shlex.split(entry["command"])
flags = [a for a in args if a.startswith(("-I", "-D", "-std"))]
probe = os.path.join(tmp, "probe.c")
with open(probe, "w") as f:
    f.write('#include "%s"\n' % header)
result = subprocess.run([args[0], "-fsyntax-only", *flags, probe], cwd=entry["directory"],
                        capture_output=True, text=True)
print(result.stderr)
sys.exit(result.returncode)
PY
)
    rc=$?
    ok=0
    if [ "$3" = found ] && [ $rc -eq 0 ]; then ok=1; fi
    if [ "$3" = missing ] && [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "$2"; then ok=1; fi
    report $ok "the build gives src/$1 $3 $2" "$out"
}
if [ -f "$commands" ]; then
    probe core app.h missing
    probe core store.h missing
    probe format store.h missing
    probe store agreement_json.h missing
    probe store app.h missing
    probe app server.h missing
    probe sync store.h missing
    probe server store.h missing
    probe cli store.h missing
    probe store rows.h found
    probe app store.h found
    probe cli server.h found
    probe print app.h missing
    probe print order_json.h missing
    probe app print.h missing
    probe sync print.h missing
    probe format print.h missing
    probe print form.h found
    probe cli print.h found
    probe server print.h found
else
    report 0 "compile_commands.json in $build" "missing"
fi
finish
