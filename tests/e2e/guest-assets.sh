#!/usr/bin/env bash
# End to end: the guest asset scripts on a machine as fresh as this project's CI gets: an empty
# cache directory, no /etc/apt/sources.list, no deb-src entry, only a deb822 .sources file in
# sources.list.d (Debian 12's default). The apt setup is a scratch one of the test's own
# (APT_CONFIG), so the host's /etc/apt is never touched; the Debian mirror is the one the host
# already uses. A build that fails must say why as the last line of its output (the log that
# `vessel vm run` names), and leave no output and no work directory behind.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
GUEST="$(readlink -f ../../vessel-vmm/src/main/resources/guest)"
work="$(mktemp -d /tmp/vessel-e2e-assets.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# scratch_apt DIR: an apt configuration whose sources, lists and caches all live under DIR,
# with no sources.list at all. Echoes the APT_CONFIG file.
scratch_apt() {
    mkdir -p "$1/sources.list.d" "$1/lists/partial" "$1/cache/archives/partial"
    cat > "$1/apt.conf" <<CONF
Dir::Etc::sourcelist "$1/sources.list";
Dir::Etc::sourceparts "$1/sources.list.d";
Dir::State::lists "$1/lists";
Dir::Cache "$1/cache";
CONF
    echo "$1/apt.conf"
}

host_apt() { find /etc/apt -maxdepth 2 -type f \( -name '*.list' -o -name '*.sources' \) -exec sha256sum {} + | sort; }
before=$(host_apt)
tmp_before=$(ls -d /tmp/vessel-busybox.* 2>/dev/null)

# 1. A fresh machine's layout: the host's deb822 'Types: deb' stanzas only.
conf=$(scratch_apt "$work/apt")
for f in /etc/apt/sources.list.d/*.sources; do
    [ "$(basename "$f")" = vessel-deb-src.sources ] && continue
    grep -q '^Types:.*deb-src' "$f" && continue
    cp "$f" "$work/apt/sources.list.d/"
done
check "the scratch apt has a deb822 .sources file and no sources.list" \
    test -n "$(ls "$work/apt/sources.list.d/"*.sources 2>/dev/null)" -a ! -e "$work/apt/sources.list"
echo "(builds busybox from Debian's source package into an empty cache: about a minute)"
APT_CONFIG="$conf" bash "$GUEST/build-busybox.sh" "$work/cache/busybox" >"$work/build.log" 2>&1; code=$?
eq "build-busybox.sh succeeds without sources.list or deb-src (see the log below if not)" 0 "$code"
[ "$code" = 0 ] || tail -20 "$work/build.log"
check "it added a deb-src entry in the sources.list.d apt uses" grep -q '^Types: deb-src' "$work/apt/sources.list.d/vessel-deb-src.sources"
# ELF header: e_machine (offset 18, little-endian) 0xf3 is RISC-V; byte 4 = 2 is 64-bit.
eq "the result is a 64-bit RISC-V executable" "02 f3" "$(od -An -tx1 -j4 -N1 "$work/cache/busybox/busybox" | tr -d ' ') $(od -An -tx1 -j18 -N1 "$work/cache/busybox/busybox" | tr -d ' ')"
check "with its applet list" grep -qx '/bin/sh' "$work/cache/busybox/busybox.links"
check "statically linked (no program interpreter)" sh -c "! riscv64-linux-gnu-readelf -l '$work/cache/busybox/busybox' | grep -q INTERP"

# 2. A mirror that does not answer (nothing listens on loopback port 9): the failure names its cause.
conf=$(scratch_apt "$work/dead")
cat > "$work/dead/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: http://127.0.0.1:9/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT_CONFIG="$conf" bash "$GUEST/build-busybox.sh" "$work/cache/dead" >"$work/dead.log" 2>&1; code=$?
check "an unreachable mirror fails the build (exit $code)" test "$code" != 0
last=$(grep -v '^[[:space:]]*$' "$work/dead.log" | tail -n1)
contains "the last line says which step failed" "build-busybox: failed (exit " "$last"
contains "and names the command" "apt-get " "$last"
check "no output directory was left" test ! -e "$work/cache/dead" -a ! -e "$work/cache/dead.partial"

eq "no work directory was left in /tmp" "$tmp_before" "$(ls -d /tmp/vessel-busybox.* 2>/dev/null)"
eq "the host's apt sources are untouched" "$before" "$(host_apt)"
finish
