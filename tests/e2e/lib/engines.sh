# Helpers shared by the scripts that drive bin/vessel-runtime through real container engines
# (podman, containerd): package checks and a busybox test image made locally, since CI has
# no image registry.

# need_packages PKG...: installs the missing Debian packages when root, else says which are missing.
need_packages() {
    local missing="" p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "e2e: needs these Debian packages:$missing (run as root to install them)" >&2
        return 1
    fi
    echo "e2e: installing$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 \
        || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2; }
}

# busybox_rootfs_tar DIR OUT.tar: a root filesystem of Debian's static busybox (the binary and one
# symlink per applet, plus the directories engines mount over), as a tar with root-owned entries.
busybox_rootfs_tar() {
    local d="$1/rootfs" a
    mkdir -p "$d/bin" "$d/etc" "$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/root"
    cp /bin/busybox "$d/bin/busybox"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$d/bin/$a"; done
    echo "root:x:0:0:root:/root:/bin/sh" > "$d/etc/passwd"
    echo "root:x:0:" > "$d/etc/group"
    chmod 1777 "$d/tmp"
    tar --numeric-owner --owner=0 --group=0 -C "$d" -cf "$2" .
}

# oci_archive LAYER.tar REF OUT.tar: an OCI image layout (one uncompressed layer, a config whose
# command is sh) in a tar, as `ctr images import` and `podman load` read it. REF names the image
# (org.opencontainers.image.ref.name plus containerd's io.containerd.image.name annotation).
oci_archive() {
    local layer="$1" ref="$2" out="$3" dir
    dir="$(mktemp -d)"
    mkdir -p "$dir/blobs/sha256"
    local ldigest lsize cdigest csize mdigest msize
    ldigest=$(sha256sum "$layer" | cut -d' ' -f1); lsize=$(stat -c %s "$layer")
    cp "$layer" "$dir/blobs/sha256/$ldigest"
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$ldigest" > "$dir/config.json"
    cdigest=$(sha256sum "$dir/config.json" | cut -d' ' -f1); csize=$(stat -c %s "$dir/config.json")
    mv "$dir/config.json" "$dir/blobs/sha256/$cdigest"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$cdigest" "$csize" "$ldigest" "$lsize" > "$dir/manifest.json"
    mdigest=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1); msize=$(stat -c %s "$dir/manifest.json")
    mv "$dir/manifest.json" "$dir/blobs/sha256/$mdigest"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "$mdigest" "$msize" "$ref" "${ref##*:}" > "$dir/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
    tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$out" oci-layout index.json blobs
    rm -rf "$dir"
}

# umount_under DIR: unmounts whatever an engine left mounted below DIR (deepest first).
umount_under() {
    local m
    for m in $(awk -v d="$1" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
        umount -l "$m" 2>/dev/null
    done
}

# cgroup_v2: true on a unified (cgroup v2 only) host.
cgroup_v2() { [ -e /sys/fs/cgroup/cgroup.controllers ]; }

# cgroup_cat_cmd V1-FILE V2-FILE: a shell command that prints the container's own cgroup file,
# run inside a container that has /sys/fs/cgroup mounted (v1: controller/file, v2: file).
cgroup_cat_cmd() {
    echo "if [ -e /sys/fs/cgroup/cgroup.controllers ]; then cat /sys/fs/cgroup/$2; else cat /sys/fs/cgroup/$1; fi"
}

# host_cgroup_dir PID CONTROLLER: the host directory of PID's cgroup, for CONTROLLER on v1 or the
# unified hierarchy on v2.
host_cgroup_dir() {
    if cgroup_v2; then
        echo "/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")"
    else
        echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")"
    fi
}

# cgroup_frozen PID: true when PID's cgroup is frozen (v1 freezer.state, v2 cgroup.events).
cgroup_frozen() {
    local d
    d="$(host_cgroup_dir "$1" freezer)"
    if cgroup_v2; then grep -qx "frozen 1" "$d/cgroup.events"; else [ "$(cat "$d/freezer.state")" = FROZEN ]; fi
}
