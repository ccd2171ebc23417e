# SPDX-License-Identifier: MIT
# The package tests' TAP lines: check NAME COMMAND... prints ok or not ok (with the command's
# last output) and counts in n and failed; bail MESSAGE stops the script.
n=0
failed=0
check() { # check NAME COMMAND...: a TAP line for the command's success
    name=$1
    shift
    n=$((n + 1))
    if out=$("$@" 2>&1); then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
        failed=1
    fi
}
bail() {
    echo "Bail out! $1"
    exit 1
}
