# SPDX-License-Identifier: MIT
# The lint scripts' TAP cases, sourced by them: report prints one verdict; case_ writes a file
# at a path of a scratch tree, runs $checksrc on the tree and compares verdict and message;
# finish prints the plan and exits 1 if any case failed.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
failed=0
report() { # ok (1|0), name, output shown on failure
    n=$((n + 1))
    if [ "$1" -eq 1 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        printf '%s\n' "$3" | sed 's/^/# /'
        failed=1
    fi
}

case_() { # name, expect (pass|fail), path, pattern expected in the output (or "")
    rm -rf "$dir/src" "$dir/tests" "$dir/bench"
    mkdir -p "$(dirname "$dir/$3")"
    cat > "$dir/$3"
    out=$("$checksrc" "$dir" 2>&1)
    rc=$?
    ok=1
    if [ "$2" = pass ] && [ $rc -ne 0 ]; then ok=0; fi
    if [ "$2" = fail ] && [ $rc -eq 0 ]; then ok=0; fi
    if [ -n "$4" ] && ! printf '%s\n' "$out" | grep -q "$4"; then ok=0; fi
    report $ok "$1" "$out"
}

finish() {
    echo "1..$n"
    exit $failed
}
