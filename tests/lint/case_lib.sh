# SPDX-License-Identifier: MIT
# One checksrc case: a file written at a path of a scratch tree, checked, and the verdict and
# message compared. Sourced by the lint scripts; $checksrc names the checker. TAP.
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

finish() {
    echo "1..$n"
    exit $failed
}
