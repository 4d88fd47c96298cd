#!/usr/bin/env bash
# Builds the riscv64 guest kernel Image from Debian's linux-source-6.1 with Debian's cross compiler.
# Usage: build-kernel.sh CONFIG_FRAGMENT OUT_DIR
# Leaves OUT_DIR/Image and OUT_DIR/config; writes into OUT_DIR.partial first so an interrupted
# build never looks finished. Installs its packages when run as root and they are missing.
set -eEuo pipefail
# Whatever fails, its reason is the last line of the log the caller names.
trap 'echo "build-kernel: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

fragment=$(realpath "$1")
out=$2
jobs=${VESSEL_BUILD_JOBS:-2}
packages=(linux-source-6.1 gcc-riscv64-linux-gnu make bc flex bison libelf-dev libssl-dev xz-utils)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) != 0 ]]; then
        echo "build-kernel: missing Debian packages: ${missing[*]} (run: apt-get install -y ${missing[*]})" >&2
        exit 2
    fi
    echo "build-kernel: installing ${missing[*]}" >&2
    apt-get install -y -qq "${missing[@]}" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2; }
fi

tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n1)
work=$(mktemp -d "${TMPDIR:-/tmp}/vessel-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "build-kernel: unpacking $tarball" >&2
tar -xf "$tarball" -C "$work"
src=$(echo "$work"/linux-source-*)
make_args=(-C "$src" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- KBUILD_BUILD_USER=vessel KBUILD_BUILD_HOST=vessel)

echo "build-kernel: configuring (tinyconfig + $(basename "$fragment"))" >&2
make -s "${make_args[@]}" tinyconfig >&2
(cd "$src" && ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null)
make -s "${make_args[@]}" olddefconfig >&2

# Kconfig silently drops options whose dependencies are unmet; a dropped option is a broken guest.
bad=0
while IFS= read -r line; do
    case $line in
        CONFIG_*=*) grep -qx -- "$line" "$src/.config" || { echo "build-kernel: $line did not survive olddefconfig" >&2; bad=1; } ;;
        "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
            if grep -q "^$opt=" "$src/.config"; then echo "build-kernel: $opt is set but must not be" >&2; bad=1; fi ;;
    esac
done < "$fragment"
((bad == 0)) || exit 3

echo "build-kernel: compiling with -j$jobs (a few minutes)" >&2
nice -n 10 make -s "${make_args[@]}" -j"$jobs" Image >&2

rm -rf "$out.partial"
mkdir -p "$out.partial"
cp "$src/arch/riscv/boot/Image" "$out.partial/Image"
cp "$src/.config" "$out.partial/config"
rm -rf "$out"
mv "$out.partial" "$out"
echo "build-kernel: done: $out/Image" >&2
