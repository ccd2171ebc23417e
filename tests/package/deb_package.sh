# SPDX-License-Identifier: MIT
# The Debian package (suite package): `tools/build-deb` (make deb) builds it with debhelper and
# lintian finds no error; it is unpacked into a clean directory tree (dpkg -x), and the binary
# installed there runs the demo, its manual pages and bash completion agree with its --help,
# and the configuration file, the unit and the maintainer scripts are where the system looks.
# With ACSA_DEB set, that package is checked instead of building one.
set -u
ROOT_SRC=${ACSA_SOURCE_ROOT:?}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/acsa-deb.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
. "$(dirname "$0")/tap_lib.sh"
for tool in dpkg-buildpackage dpkg-deb lintian; do
    command -v "$tool" >/dev/null 2>&1 || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
done

DEB=${ACSA_DEB:-}
if [ -z "$DEB" ]; then
    start=$(date +%s)
    "$ROOT_SRC/tools/build-deb" "$DIR/out" >"$DIR/build-deb.log" 2>&1 || {
        tail -n 40 "$DIR/build-deb.log" | sed 's/^/# /'
        bail "tools/build-deb failed"
    }
    echo "# package built in $(($(date +%s) - start)) s"
    sed -n 's/^build-deb: lintian: /# lintian: /p' "$DIR/build-deb.log"
    DEB=$(ls "$DIR"/out/acsa_*.deb)
fi
version=$(sed -n "s/^  version: '\(.*\)',$/\1/p" "$ROOT_SRC/meson.build")
arch=$(dpkg --print-architecture)

check "the package is named acsa_VERSION_ARCH.deb (acsa_${version}_$arch.deb)" \
    test "$(basename "$DEB")" = "acsa_${version}_$arch.deb"
if [ -f "$DIR/out/lintian.log" ]; then # tools/build-deb ran lintian on it
    check "lintian reports no error" sh -c "! grep '^E: ' '$DIR/out/lintian.log'"
else
    check "lintian reports no error" sh -c "! lintian '$DEB' | grep '^E: '"
fi

T="$DIR/root"
mkdir -p "$T"
dpkg -x "$DEB" "$T" || bail "dpkg -x failed"
dpkg-deb -e "$DEB" "$DIR/control" || bail "dpkg-deb -e failed"

check "it installs /usr/bin/acsa, which prints its version" \
    sh -c "'$T/usr/bin/acsa' --version | grep -qx 'acsa $version'"
check "the installed binary runs the demo" \
    sh -c "cd '$DIR' && '$T/usr/bin/acsa' demo --db '$DIR/demo.db' >'$DIR/demo.out' 2>&1 &&
           '$T/usr/bin/acsa' --db '$DIR/demo.db' order list | grep -q ."

pages=""
for verb in $("$T/usr/bin/acsa" --help | sed -n '/^Verbs:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
    pages="$pages acsa-$verb.1.gz"
done
check "man pages: acsa(1) and one per verb group (acsa-order(1), acsa-sync(1), ...)" \
    sh -c "cd '$T/usr/share/man/man1' && ls acsa.1.gz acsa-order.1.gz acsa-sync.1.gz $pages"
mkdir -p "$DIR/pages"
for page in "$T"/usr/share/man/man1/*.1.gz; do
    gunzip -c "$page" >"$DIR/pages/$(basename "$page" .gz)"
done
cp "$T/usr/share/bash-completion/completions/acsa" "$DIR/pages/acsa.bash" 2>/dev/null
check "bash completion: /usr/share/bash-completion/completions/acsa" \
    test -s "$T/usr/share/bash-completion/completions/acsa"
check "the installed pages and completion agree with the installed binary's --help" \
    python3 "$ROOT_SRC/tests/package/doc_check.py" "$T/usr/bin/acsa" "$DIR/pages"
check "man reads the installed acsa-order(1)" \
    sh -c "MANWIDTH=80 man -l '$T/usr/share/man/man1/acsa-order.1.gz' | grep -q 'acsa order create'"

check "/etc/acsa/acsa.conf is a conffile, valid for acsa serve" \
    sh -c "grep -qx /etc/acsa/acsa.conf '$DIR/control/conffiles' &&
           '$T/usr/bin/acsa' serve --config '$T/etc/acsa/acsa.conf' --check-config"
check "acsa.service is installed, and postinst creates the user acsa" \
    sh -c "test -f '$T/lib/systemd/system/acsa.service' &&
           grep -q 'adduser --system' '$DIR/control/postinst'"
if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s#/usr/bin/acsa#$T/usr/bin/acsa#" "$T/lib/systemd/system/acsa.service" \
        >"$DIR/acsa.service"
    check "systemd-analyze verify passes on the installed unit" \
        sh -c "MANPATH='$T/usr/share/man' systemd-analyze verify '$DIR/acsa.service'"
fi
echo "1..$n"
exit $failed
