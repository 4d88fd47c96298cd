#!/usr/bin/env bash
# Cross-builds a static riscv64 busybox from Debian's busybox source package (with Debian's
# patches applied by dpkg-source) using Debian's gcc-riscv64-linux-gnu and its riscv64 libc.
# Usage: build-busybox.sh OUT_DIR
# Leaves OUT_DIR/busybox, OUT_DIR/busybox.links (applet paths) and OUT_DIR/config.
set -eEuo pipefail
# Whatever fails, its reason is the last line of the log the caller names.
trap 'echo "build-busybox: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

out=$1
jobs=${VESSEL_BUILD_JOBS:-2}
packages=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross dpkg-dev make bzip2 xz-utils)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) != 0 ]]; then
        echo "build-busybox: missing Debian packages: ${missing[*]} (run: apt-get install -y ${missing[*]})" >&2
        exit 2
    fi
    echo "build-busybox: installing ${missing[*]}" >&2
    apt-get install -y -qq "${missing[@]}" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2; }
fi

# apt-get source needs deb-src entries; add them for the mirror the system already uses. The
# mirror may be in the one-line sources.list or in deb822 .sources files (a fresh Debian 12 has
# only /etc/apt/sources.list.d/debian.sources); apt-config says where apt itself looks, so
# APT_CONFIG moves all of it (the asset tests run this script against a scratch apt setup).
if ! apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox'; then
    if [[ $(id -u) != 0 ]]; then
        echo "build-busybox: no deb-src entry for busybox (add a deb-src line for your Debian mirror and run apt-get update)" >&2
        exit 2
    fi
    eval "$(apt-config shell sourcelist Dir::Etc::sourcelist/f sourceparts Dir::Etc::sourceparts/d)"
    sourceparts=${sourceparts%/}
    lists=()
    for f in "$sourcelist" "$sourceparts"/*.list "$sourceparts"/*.sources; do
        if [[ -f $f ]]; then lists+=("$f"); fi
    done
    mirror=""
    if ((${#lists[@]})); then
        mirror=$(grep -hoE '^[[:space:]]*(URIs:|deb)[[:space:]]+https?://[^[:space:]]*' "${lists[@]}" \
            | grep -v security | awk '{print $2}' | head -n1 || true)
    fi
    mirror=${mirror:-http://deb.debian.org/debian}
    . /etc/os-release
    echo "build-busybox: adding deb-src for $mirror $VERSION_CODENAME in $sourceparts/vessel-deb-src.sources" >&2
    cat > "$sourceparts/vessel-deb-src.sources" <<SRC
Types: deb-src
URIs: $mirror
Suites: $VERSION_CODENAME $VERSION_CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vessel-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "build-busybox: fetching Debian's busybox source package" >&2
apt-get source --download-only -qq busybox >&2
dpkg-source --no-check -x ./busybox_*.dsc src >&2
cd src

make_args=(CROSS_COMPILE=riscv64-linux-gnu- ARCH=riscv KBUILD_VERBOSE=0)
echo "build-busybox: configuring (defconfig + static)" >&2
make -s "${make_args[@]}" defconfig >/dev/null
# Static, so the initramfs needs no libc; tc does not build against 6.x uapi headers (CBQ removed).
sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' .config
# (yes ends with SIGPIPE once oldconfig stops reading; that is not a failure.)
{ yes '' || true; } | make -s "${make_args[@]}" oldconfig >/dev/null
grep -qx 'CONFIG_STATIC=y' .config || { echo "build-busybox: CONFIG_STATIC did not stick" >&2; exit 3; }

echo "build-busybox: compiling with -j$jobs" >&2
nice -n 10 make -s "${make_args[@]}" -j"$jobs" busybox busybox.links >&2

rm -rf "$out.partial"
mkdir -p "$out.partial"
riscv64-linux-gnu-strip -o "$out.partial/busybox" busybox
cp busybox.links "$out.partial/busybox.links"
cp .config "$out.partial/config"
rm -rf "$out"
mv "$out.partial" "$out"
echo "build-busybox: done: $out/busybox" >&2
