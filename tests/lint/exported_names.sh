#!/bin/sh
# SPDX-License-Identifier: MIT
# Every name a layer's library exports carries the project's prefix (acsa_, or acsa__<layer>_
# for what is shared inside a layer): anything else is static (the sanitizers' markers of our
# names aside). One TAP case per library.
#   exported_names.sh LIBRARY...
set -u
n=0
failed=0
for lib in "$@"; do
    n=$((n + 1))
    # __odr_asan.NAME: AddressSanitizer's marker beside each global, not a name of ours.
    bad=$(nm -g --defined-only "$lib" | awk '$2 ~ /[TDBRC]/ {print $3}' |
        grep -v -e '^acsa_' -e '^__odr_asan\.acsa_')
    if [ -z "$bad" ]; then
        echo "ok $n - $(basename "$lib") exports acsa_ names only"
    else
        echo "not ok $n - $(basename "$lib") exports unprefixed names"
        printf '%s\n' "$bad" | sed 's/^/# /'
        failed=1
    fi
done
echo "1..$n"
exit $failed
