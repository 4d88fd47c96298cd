# Shared by the bench scripts (sourced after `work` is set): podman with private storage under
# $work, the busybox image made from Debian's static binary, and the timing helpers.
command -v podman >/dev/null || apt-get install -y -qq podman >/dev/null
command -v bc >/dev/null || apt-get install -y -qq bc >/dev/null
command -v curl >/dev/null || apt-get install -y -qq curl >/dev/null
[ -x /bin/busybox ] || apt-get install -y -qq busybox-static >/dev/null

IMG=localhost/vessel-bench-busybox
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)   # needed on this machine, any runtime
pm() { podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" --events-backend file \
    --cgroup-manager cgroupfs "$@"; }
pm_cleanup() {
    pm rm -af -t 0 >/dev/null 2>&1 || true
    pm rmi -af >/dev/null 2>&1 || true
    grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}
# pm_busybox_image APPLET...: $IMG in podman's store, busybox with those applets linked.
pm_busybox_image() {
    mkdir -p "$work/rootfs/bin"
    cp /bin/busybox "$work/rootfs/bin/busybox"
    for a in "$@"; do ln -s busybox "$work/rootfs/bin/$a"; done
    tar -C "$work/rootfs" -cf "$work/busybox.tar" .
    pm import -q "$work/busybox.tar" "$IMG" >/dev/null
}
machine_line() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg);" \
        "podman $(podman --version | awk '{print $3}') with $(pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Version}}' | head -1); N=$N"
}

now_ms() { date +%s%N | awk '{printf "%.3f", $1/1e6}'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# timed CMD...: runs CMD N times, prints each run's ms.
timed() {
    local i t0 t1
    for i in $(seq "$N"); do
        t0=$(now_ms)
        "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
        t1=$(now_ms)
        echo "$t1 - $t0" | bc
    done
}
