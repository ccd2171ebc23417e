# SPDX-License-Identifier: MIT
# dist/acsa.service: `systemd-analyze verify` passes on it (its binary the one just built, its
# manual pages the ones acsa doc writes), and it keeps the hardening the operators rely on.
# Skipped where systemd-analyze is not installed.
set -u
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze is not installed"
    exit 0
fi
UNIT="$ACSA_SOURCE_ROOT/dist/acsa.service"
DIR=$(mktemp -d "${TMPDIR:-/tmp}/acsa-unit.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
failed=0
n=0
report() {
    n=$((n + 1))
    if [ "$1" = ok ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=1
    fi
}

mkdir -p "$DIR/man/man1"
"$ACSA_BIN" doc --out "$DIR/man/man1" >/dev/null
sed "s#/usr/bin/acsa#$ACSA_BIN#" "$UNIT" >"$DIR/acsa.service"
if out=$(MANPATH="$DIR/man" systemd-analyze verify "$DIR/acsa.service" 2>&1) && [ -z "$out" ]; then
    report ok "systemd-analyze verify passes without a message"
else
    report fail "systemd-analyze verify passes without a message"
    printf '%s\n' "$out" | sed 's/^/# /'
fi

missing=""
for line in "User=acsa" "StateDirectory=acsa" "ProtectSystem=strict" "NoNewPrivileges=yes" \
    "PrivateTmp=yes" "Restart=on-failure" "CapabilityBoundingSet=" "AmbientCapabilities=" \
    "ExecStart=/usr/bin/acsa serve --config /etc/acsa/acsa.conf"; do
    grep -qx "$line" "$UNIT" || missing="$missing $line"
done
if [ -z "$missing" ]; then
    report ok "the unit holds its user, state directory, hardening and restart policy"
else
    report fail "the unit holds its user, state directory, hardening and restart policy"
    echo "# missing:$missing"
fi

# The configured port is unprivileged: the service holds no capability to bind another.
port=$(sed -n 's/^listen = .*:\([0-9]*\)$/\1/p' "$ACSA_SOURCE_ROOT/dist/acsa.conf")
if [ -n "$port" ] && [ "$port" -ge 1024 ]; then
    report ok "acsa.conf listens on an unprivileged port ($port)"
else
    report fail "acsa.conf listens on an unprivileged port (got '$port')"
fi
echo "1..$n"
exit $failed
