# SPDX-License-Identifier: MIT
# The Debian package installed for real (suite package; make test-install): a minimal Debian 12
# (bookworm) tree from debootstrap, cached under the build directory and copied fresh for each
# run; `apt-get install ./acsa_VERSION_ARCH.deb` inside it (its Depends come from Debian, its
# maintainer scripts run); then the node the operator guide describes: `acsa init` as the user
# acsa, and acsa.service started by systemd booted in the tree (systemd-nspawn -b, a private
# network), answering /healthz and /readyz on the configured port as the user acsa with the
# unit's hardening, stopped cleanly; then `apt-get remove` and `dpkg --purge` leave nothing
# behind but the ledger /var/lib/acsa and the user acsa (docs/OPERATIONS.md, "Remove").
# Where systemd cannot boot in the tree, the node is started as the unit says (its ExecStart,
# User=, Group=, StateDirectory=, WorkingDirectory=, Environment=, no capability, no new
# privileges) and the reason systemd did not boot is printed.
# Root only; it downloads Debian packages (ACSA_DEBIAN_MIRROR, default deb.debian.org).
# With ACSA_DEB set, that package is installed instead of building one. ACSA_INSTALL_NO_BOOT=1
# skips the systemd boot (the fallback above).
set -u
ROOT_SRC=${ACSA_SOURCE_ROOT:?}
BUILD=${ACSA_BUILD_ROOT:-$ROOT_SRC/build}
MIRROR=${ACSA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
skip() {
    echo "1..0 # SKIP $1"
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root: debootstrap, chroot and dpkg need root"
command -v debootstrap >/dev/null 2>&1 || skip "debootstrap is not installed (apt-get install debootstrap)"
for tool in unshare chroot nsenter curl; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
if [ -z "${ACSA_DEB:-}" ]; then
    command -v dpkg-buildpackage >/dev/null 2>&1 || skip "dpkg-buildpackage is not installed"
fi

CACHE_DIR=$BUILD/deb-install
mkdir -p "$CACHE_DIR"
WORK=$(mktemp -d "$CACHE_DIR/run.XXXXXX")
T=$WORK/root
NSPAWN_PID=""
LEADER=""
NODE_PID=""
cleanup() {
    if [ -n "$NODE_PID" ]; then kill -KILL "$NODE_PID" 2>/dev/null; fi
    if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
        [ -n "$LEADER" ] && nsenter -t "$LEADER" -a systemctl poweroff >/dev/null 2>&1
        for _ in $(seq 1 100); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$NSPAWN_PID" 2>/dev/null
        wait "$NSPAWN_PID" 2>/dev/null
    fi
    # Every mount into the tree lives in a private mount namespace that ended with its command;
    # never remove a tree that something is still mounted on.
    if grep -q " $WORK" /proc/self/mounts; then
        echo "# mounts remain under $WORK: not removed"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
. "$(dirname "$0")/tap_lib.sh"
# in_tree COMMAND...: runs COMMAND chrooted in the tree, /proc, /dev and /sys mounted in a
# mount namespace of its own (so they go when it ends, whatever happens).
in_tree() {
    unshare --mount --propagation private -- sh -c '
        t=$1; shift
        mount -t proc proc "$t/proc" && mount --rbind /dev "$t/dev" &&
        mount --rbind /sys "$t/sys" && mount -t tmpfs tmpfs "$t/run" || exit 125
        exec chroot "$t" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
            DEBIAN_FRONTEND=noninteractive "$@"' sh "$T" "$@"
}
export T
export -f in_tree
elapsed() { echo $(($(date +%s) - $1)); }

# The package.
DEB=${ACSA_DEB:-}
if [ -z "$DEB" ]; then
    start=$(date +%s)
    "$ROOT_SRC/tools/build-deb" "$WORK/out" >"$WORK/build-deb.log" 2>&1 || {
        tail -n 40 "$WORK/build-deb.log" | sed 's/^/# /'
        bail "tools/build-deb failed"
    }
    echo "# package built in $(elapsed "$start") s"
    DEB=$(ls "$WORK"/out/acsa_*.deb)
fi
[ -f "$DEB" ] || bail "no package at $DEB"
echo "# package: $(basename "$DEB")"

# The Debian 12 tree: debootstrap once into the cache, a fresh copy for each run.
CACHE=$CACHE_DIR/bookworm
if [ ! -f "$CACHE/.complete" ]; then
    start=$(date +%s)
    rm -rf "$CACHE"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,man-db bookworm "$CACHE" \
        "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 || {
        tail -n 30 "$CACHE_DIR/debootstrap.log" | sed 's/^/# /'
        rm -rf "$CACHE"
        bail "debootstrap bookworm failed (log: $CACHE_DIR/debootstrap.log)"
    }
    touch "$CACHE/.complete"
    echo "# debootstrap bookworm (minbase, systemd, man-db) into the cache: $(elapsed "$start") s"
else
    echo "# debootstrap tree from the cache $CACHE"
fi
start=$(date +%s)
cp -a "$CACHE" "$T" || bail "cannot copy the cached tree"
rm -f "$T/.complete"
cp /etc/resolv.conf "$T/etc/resolv.conf" 2>/dev/null
echo "# fresh copy of the tree: $(elapsed "$start") s"
# The packages apt downloaded in an earlier run, so that a re-run need not download them again.
mkdir -p "$CACHE_DIR/archives"
cp "$CACHE_DIR"/archives/*.deb "$T/var/cache/apt/archives/" 2>/dev/null

# A list of the tree's files (less logs, caches, apt's and dpkg's own state), before and after.
snapshot() {
    (cd "$T" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
        -o -path ./tmp -o -path ./var/log -o -path ./var/cache/apt -o -path ./var/lib/apt \
        -o -path ./var/lib/dpkg -o -path ./var/cache/debconf -o -path ./var/cache/man \
        -o -path ./var/cache/ldconfig -o -path ./var/lib/systemd -o -path ./var/tmp \
        -o -path ./etc/ld.so.cache -o -path ./var/cache/fontconfig \) -prune -o -print |
        LC_ALL=C sort)
}
snapshot >"$WORK/before.list"
installed() { # the packages installed in the tree
    dpkg-query --admindir="$T/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Package}\n' |
        awk '$1 == "ii" { print $2 }' | LC_ALL=C sort
}
installed >"$WORK/packages.before"

# apt-get install ./acsa_*.deb, as the operator guide says.
cp "$DEB" "$T/tmp/"
debname=$(basename "$DEB")
start=$(date +%s)
if ! in_tree sh -c "apt-get update -q && apt-get install -y -q /tmp/$debname" \
    >"$WORK/apt-install.log" 2>&1; then
    tail -n 40 "$WORK/apt-install.log" | sed 's/^/# /'
    bail "apt-get install ./$debname failed in the tree"
fi
echo "# apt-get update and install ./$debname with its Depends and Recommends: $(elapsed "$start") s"
cp -n "$T"/var/cache/apt/archives/*.deb "$CACHE_DIR/archives/" 2>/dev/null
version=$(dpkg-deb -f "$DEB" Version)

check "apt-get install ./$debname: dpkg says acsa $version is installed" \
    bash -c "in_tree dpkg-query -W -f='\${Status} \${Version}' acsa | grep -qx 'install ok installed $version'"
check "the installed /usr/bin/acsa runs (acsa --version)" \
    bash -c "in_tree /usr/bin/acsa --version | grep -qx 'acsa $version'"
check "postinst made the system user and group acsa (home /var/lib/acsa, no login shell)" \
    bash -c "in_tree getent passwd acsa | awk -F: '\$3 < 1000 && \$6 == \"/var/lib/acsa\" && \$7 ~ /nologin|false/ {ok=1} END {exit !ok}' &&
           in_tree getent group acsa >/dev/null"
check "postinst made /var/lib/acsa, owned by acsa, mode 750" \
    bash -c "test \"\$(in_tree stat -c '%U:%G %a' /var/lib/acsa)\" = 'acsa:acsa 750'"
check "/etc/acsa/acsa.conf is a conffile of the package" \
    bash -c "in_tree dpkg-query -W -f='\${Conffiles}\n' acsa | grep -q '^ /etc/acsa/acsa.conf [0-9a-f]\{32\}\$'"
check "the manual pages acsa(1), acsa-serve(1), acsa-order(1) are installed and man finds them" \
    bash -c "in_tree man -w acsa && in_tree man -w acsa-serve && in_tree man -w acsa-order"
check "bash completion is installed" \
    test -s "$T/usr/share/bash-completion/completions/acsa"
check "systemd-analyze verify, in the tree, passes on the installed acsa.service" \
    bash -c "out=\$(in_tree systemd-analyze verify /lib/systemd/system/acsa.service 2>&1) &&
           { [ -z \"\$out\" ] || { printf '%s\n' \"\$out\"; false; }; }"
check "the shipped /etc/acsa/acsa.conf is valid for acsa serve, as the user acsa" \
    in_tree runuser -u acsa -- /usr/bin/acsa serve --config /etc/acsa/acsa.conf --check-config
check "the service is neither enabled nor started by the package" \
    sh -c "! ls '$T'/etc/systemd/system/multi-user.target.wants/acsa.service 2>/dev/null"

# The node as the operator guide makes it: acsa init as the user acsa.
check "acsa init as the user acsa (docs/OPERATIONS.md, Install)" \
    in_tree runuser -u acsa -- /usr/bin/acsa --db /var/lib/acsa/acsa.db init --nation IN \
    --name "India node"
listen=$(sed -n 's/^listen *= *//p' "$T/etc/acsa/acsa.conf")
port=${listen##*:}
host=${listen%:*}
echo "# /etc/acsa/acsa.conf: listen = $listen"

# Booting systemd in the tree: systemd-nspawn, its own network (so the port is the
# configured one, whatever the machine runs), not registered with a machined the machine may
# not run. Sets LEADER (the container's PID 1, as the machine sees it) or BOOT_ERROR.
BOOT_ERROR=""
boot() {
    if [ "${ACSA_INSTALL_NO_BOOT:-0}" = 1 ]; then
        BOOT_ERROR="ACSA_INSTALL_NO_BOOT=1"
        return 1
    fi
    if ! command -v systemd-nspawn >/dev/null 2>&1; then
        BOOT_ERROR="systemd-nspawn is not installed (apt-get install systemd-container)"
        return 1
    fi
    systemd-nspawn -b -D "$T" --register=no --keep-unit --private-network --console=pipe \
        >"$WORK/nspawn.log" 2>&1 </dev/null &
    NSPAWN_PID=$!
    state=""
    for _ in $(seq 1 300); do
        if ! kill -0 "$NSPAWN_PID" 2>/dev/null; then
            BOOT_ERROR="systemd-nspawn -b exited: $(tail -n 5 "$WORK/nspawn.log" | tr '\n' ' ')"
            NSPAWN_PID=""
            return 1
        fi
        [ -n "$LEADER" ] || LEADER=$(pgrep -P "$NSPAWN_PID" | head -n 1)
        if [ -n "$LEADER" ]; then
            state=$(nsenter -t "$LEADER" -a systemctl is-system-running 2>/dev/null)
            case $state in running | degraded) return 0 ;; esac
        fi
        sleep 0.2
    done
    BOOT_ERROR="systemd did not finish booting in 60 s (is-system-running: ${state:-no answer}); $(tail -n 5 "$WORK/nspawn.log" | tr '\n' ' ')"
    return 1
}
in_box() { nsenter -t "$LEADER" -a "$@"; }
get() { # get PATH: the node's answer on the configured address, from inside its network
    nsenter -t "$LEADER" -n curl -fsS --max-time 5 "http://$host:$port$1"
}

start=$(date +%s)
if boot; then
    echo "# systemd booted in the tree (systemd-nspawn -b): $(elapsed "$start") s"
    if [ "$(in_box systemctl is-system-running)" = degraded ]; then
        in_box systemctl --failed --no-legend --plain | sed 's/^/# degraded: /'
    fi
    check "systemctl start acsa: the unit becomes active" \
        sh -c "nsenter -t $LEADER -a systemctl start acsa &&
               nsenter -t $LEADER -a systemctl is-active acsa"
    ready=""
    for _ in $(seq 1 100); do
        if get /readyz >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.1
    done
    [ -n "$ready" ] || in_box journalctl -u acsa --no-pager -n 20 | sed 's/^/# /'
    check "/healthz answers on $listen" sh -c "nsenter -t $LEADER -n curl -fsS --max-time 5 http://$host:$port/healthz | grep -q '\"status\":\"ok\"'"
    check "/readyz answers on $listen: the database answers and the writer is alive" \
        sh -c "nsenter -t $LEADER -n curl -fsS --max-time 5 http://$host:$port/readyz | grep -q '\"status\":\"ready\"'"
    main=$(in_box systemctl show -p MainPID --value acsa)
    uid=$(in_box id -u acsa)
    status=$(in_box cat "/proc/$main/status" 2>/dev/null)
    check "the service runs as the user acsa (uid $uid), no capability, no new privileges, a syscall filter" \
        sh -c "printf '%s\n' \"\$1\" | awk '
            /^Uid:/ { u = (\$2 == $uid && \$3 == $uid && \$4 == $uid) }
            /^CapEff:/ { e = (\$2 ~ /^0+\$/) } /^CapBnd:/ { b = (\$2 ~ /^0+\$/) }
            /^NoNewPrivs:/ { p = (\$2 == 1) } /^Seccomp:/ { s = (\$2 == 2) }
            END { exit !(u && e && b && p && s) }' || { printf '%s\n' \"\$1\" | grep -E '^(Uid|Cap|NoNewPrivs|Seccomp)'; false; }" \
        sh "$status"
    check "the service sees / read-only (ProtectSystem=strict), its own /tmp, /var/lib/acsa writable" \
        sh -c "mi=\$(nsenter -t $LEADER -a cat /proc/$main/mountinfo) &&
               printf '%s\n' \"\$mi\" | awk '\$5 == \"/\" { split(\$6, o, \",\"); if (o[1] == \"ro\") ro = 1 }
                   \$5 == \"/tmp\" && \$4 ~ /systemd-private-/ { t = 1 }
                   \$5 == \"/var/lib/acsa\" { split(\$6, o, \",\"); if (o[1] == \"rw\") w = 1 }
                   END { exit !(ro && t && w) }'"
    check "the start-up line in the journal is one JSON object" \
        sh -c "nsenter -t $LEADER -a journalctl -u acsa -o cat --no-pager | grep -m 1 '^{' | python3 -c 'import json, sys; json.loads(sys.stdin.readline())'"
    # systemd logs how the main process ended at debug level only; the unit's own ExecMain*
    # properties go with the unit once it is stopped and unloaded.
    in_box systemctl log-level debug
    check "systemctl stop acsa: SIGTERM, and the node exits 0 (code=exited, status=0/SUCCESS)" \
        sh -c "nsenter -t $LEADER -a systemctl stop acsa &&
               nsenter -t $LEADER -a journalctl -u acsa -o cat --no-pager |
               grep -q '^acsa.service: Main process exited, code=exited, status=0/SUCCESS'"
    in_box systemctl log-level info
    # Removal with the service running: prerm stops it.
    in_box systemctl start acsa
    check "apt-get remove acsa with the service running stops it" \
        sh -c "nsenter -t $LEADER -a systemctl is-active -q acsa &&
               nsenter -t $LEADER -a apt-get remove -y -q acsa >/dev/null &&
               ! nsenter -t $LEADER -a systemctl is-active acsa &&
               ! pgrep -f -u $uid '/usr/bin/acsa serve'"
    check "apt-get remove acsa removes the program and keeps /etc/acsa/acsa.conf" \
        sh -c "! test -e '$T/usr/bin/acsa' && test -f '$T/etc/acsa/acsa.conf'"
    check "dpkg --purge acsa" nsenter -t "$LEADER" -a dpkg --purge acsa
    check "systemd forgets acsa.service" \
        sh -c "nsenter -t $LEADER -a systemctl daemon-reload &&
               nsenter -t $LEADER -a systemctl show -p LoadState --value acsa | grep -qx not-found"
    check "apt-get autoremove --purge: the Depends go too" \
        nsenter -t "$LEADER" -a apt-get autoremove --purge -y -q
    start=$(date +%s)
    in_box systemctl poweroff >/dev/null 2>&1
    for _ in $(seq 1 150); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$NSPAWN_PID" 2>/dev/null; then
        check "the container powers off" false
    else
        wait "$NSPAWN_PID"
        echo "# systemctl poweroff: $(elapsed "$start") s"
    fi
    NSPAWN_PID=""
else
    echo "# systemd could not boot in the tree: $BOOT_ERROR"
    echo "# so the node is started as acsa.service says, without systemd"
    NSPAWN_PID=""
    unit=$T/lib/systemd/system/acsa.service
    key() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
    exec_start=$(key ExecStart)
    user=$(key User)
    group=$(key Group)
    state_dir=/var/lib/$(key StateDirectory)
    state_mode=$(key StateDirectoryMode)
    cache_dir=/var/cache/$(key CacheDirectory)
    workdir=$(key WorkingDirectory)
    environment=$(key Environment)
    echo "# ExecStart=$exec_start User=$user Group=$group StateDirectory=$state_dir ($state_mode)"
    # What systemd does for StateDirectory= before it starts the service.
    in_tree sh -c "mkdir -p '$state_dir' && chown '$user:$group' '$state_dir' && chmod '$state_mode' '$state_dir' &&
        mkdir -p '$cache_dir' && chown '$user:$group' '$cache_dir'"
    # shellcheck disable=SC2086 # ExecStart and Environment= are lists of words
    unshare --mount --net --fork --propagation private -- sh -c '
        t=$1; shift
        ip link set lo up 2>/dev/null || exit 125
        mount -t proc proc "$t/proc" && mount --rbind /dev "$t/dev" && mount -t tmpfs tmpfs "$t/tmp" || exit 125
        exec chroot "$t" "$@"' sh "$T" /usr/bin/setpriv --reuid="$user" --regid="$group" \
        --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- \
        /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 $environment \
        sh -c "cd '$workdir' && umask 0027 && exec \"\$@\"" sh $exec_start \
        >"$WORK/node.log" 2>&1 &
    UNSHARE_PID=$!
    for _ in $(seq 1 50); do
        NODE_PID=$(pgrep -P "$UNSHARE_PID" | head -n 1)
        [ -n "$NODE_PID" ] && break
        sleep 0.1
    done
    LEADER=$NODE_PID
    for _ in $(seq 1 100); do
        if get /readyz >/dev/null 2>&1; then break; fi
        sleep 0.1
    done
    check "/healthz answers on $listen" sh -c "nsenter -t $LEADER -n curl -fsS --max-time 5 http://$host:$port/healthz | grep -q '\"status\":\"ok\"'"
    check "/readyz answers on $listen: the database answers and the writer is alive" \
        sh -c "nsenter -t $LEADER -n curl -fsS --max-time 5 http://$host:$port/readyz | grep -q '\"status\":\"ready\"'"
    uid=$(in_tree id -u "$user")
    check "the node runs as the user $user (uid $uid), no capability, no new privileges" \
        sh -c "awk '/^Uid:/ { u = (\$2 == $uid) } /^CapEff:/ { e = (\$2 ~ /^0+\$/) }
                    /^NoNewPrivs:/ { p = (\$2 == 1) } END { exit !(u && e && p) }' /proc/$NODE_PID/status"
    kill -TERM "$NODE_PID"
    wait "$UNSHARE_PID"
    code=$?
    NODE_PID=""
    check "SIGTERM stops the node with exit 0 (got $code)" test "$code" -eq 0
    [ "$code" -eq 0 ] || tail -n 20 "$WORK/node.log" | sed 's/^/# /'
    check "apt-get remove acsa removes the program and keeps the conffile" \
        bash -c "in_tree apt-get remove -y -q acsa >/dev/null && ! test -e '$T/usr/bin/acsa' &&
               test -f '$T/etc/acsa/acsa.conf'"
    check "dpkg --purge acsa" in_tree dpkg --purge acsa
    check "apt-get autoremove --purge: the Depends go too" in_tree apt-get autoremove --purge -y -q
fi

# What is left that no installed package owns (autoremove keeps what other packages
# recommend): the ledger /var/lib/acsa (the node database and key) and the user acsa, as
# docs/OPERATIONS.md says; nothing else the package or the service made.
snapshot >"$WORK/after.list"
installed | LC_ALL=C comm -13 "$WORK/packages.before" - | tr '\n' ' ' |
    sed 's/^./# installed with acsa, kept by autoremove (another package recommends it): &/;/./s/$/\n/'
cat "$T"/var/lib/dpkg/info/*.list | sed 's#^#.#' | LC_ALL=C sort -u >"$WORK/owned.list"
LC_ALL=C comm -13 "$WORK/before.list" "$WORK/after.list" |
    LC_ALL=C comm -23 - "$WORK/owned.list" >"$WORK/left.list"
# ca-certificates, when it stays, leaves what its postinst makes: its .conf and the links.
grep -v -e '^\./var/lib/acsa$' -e '^\./var/lib/acsa/' -e '^\./etc/\(passwd\|group\|shadow\|gshadow\)-$' \
    -e '^\./etc/ssl/certs/' -e '^\./usr/local/share/ca-certificates$' -e '^\./etc/ca-certificates.conf$' \
    "$WORK/left.list" >"$WORK/unexpected.list"
check "after purge and autoremove nothing is left but /var/lib/acsa and the user acsa" \
    sh -c "! test -s '$WORK/unexpected.list' || { cat '$WORK/unexpected.list'; false; }"
check "purge leaves the ledger: /var/lib/acsa/acsa.db and its key" \
    test -f "$T/var/lib/acsa/acsa.db" -a -f "$T/var/lib/acsa/acsa.db.key"
check "purge leaves the user acsa" grep -q '^acsa:' "$T/etc/passwd"
check "purge removes /etc/acsa" test ! -e "$T/etc/acsa"
echo "1..$n"
exit $failed
