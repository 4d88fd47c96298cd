#!/usr/bin/env bash
# The user's command line: `vessel run --rm busybox true` vs `podman run --rm ... true`, same
# machine, same run. podman uses private storage under a temp directory, no network, and the
# busybox image made from the same static binary. Three columns:
#   vessel                 bin/vessel (image store, snapshot, runtime, all in one JVM call)
#   podman                 podman with its default OCI runtime (see the "machine" line)
#   podman+vessel-runtime  podman with --runtime bin/vessel-runtime
# Prints each median (ms) and the ratio to podman. Not a test: no pass/fail. Needs root.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${N:-20}"
command -v podman >/dev/null || apt-get install -y -qq podman >/dev/null
command -v bc >/dev/null || apt-get install -y -qq bc >/dev/null
[ -x /bin/busybox ] || apt-get install -y -qq busybox-static >/dev/null

V="$PWD/bin/vessel"
VR="$PWD/bin/vessel-runtime"
work="$(mktemp -d /tmp/vessel-bench-cli.XXXXXX)"
IMG=localhost/vessel-bench-busybox
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)   # needed on this machine, any runtime
pm() { podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" --events-backend file \
    --cgroup-manager cgroupfs "$@"; }
cleanup() {
    pm rm -af -t 0 >/dev/null 2>&1 || true
    pm rmi -af >/dev/null 2>&1 || true
    grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/busybox"
for a in sh true; do ln -s busybox "$work/rootfs/bin/$a"; done
tar -C "$work/rootfs" -cf "$work/busybox.tar" .
pm import -q "$work/busybox.tar" "$IMG" >/dev/null
"$V" run --rm busybox true   # builds on first use, trains the AOT caches, makes the busybox image; not timed
pm run --rm --network none "${ULIMITS[@]}" "$IMG" true                   # first use of podman's storage; not timed
pm --runtime "$VR" run --rm --network none "${ULIMITS[@]}" "$IMG" true

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

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "podman $(podman --version | awk '{print $3}') with $(pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Version}}' | head -1); N=$N"
# Interleaved rounds, so that a change in the machine's load touches every column alike.
: > "$work/v"; : > "$work/p"; : > "$work/pv"
for round in 1 2 3 4; do
    N=$((N / 4 > 0 ? N / 4 : 1)) timed "$V" run --rm busybox true >> "$work/v"
    N=$((N / 4 > 0 ? N / 4 : 1)) timed pm run --rm --network none "${ULIMITS[@]}" "$IMG" true >> "$work/p"
    N=$((N / 4 > 0 ? N / 4 : 1)) timed pm --runtime "$VR" run --rm --network none "${ULIMITS[@]}" "$IMG" true >> "$work/pv"
done
v=$(median < "$work/v"); p=$(median < "$work/p"); pv=$(median < "$work/pv")
printf '%-34s %10s %10s %22s\n' "median (ms)" vessel podman "podman+vessel-runtime"
printf '%-34s %10s %10s %22s\n' "run --rm busybox true" "$v" "$p" "$pv"
printf '%-34s %10.2f %10.2f %22.2f\n' "ratio to podman" "$(echo "$v / $p" | bc -l)" 1 "$(echo "$pv / $p" | bc -l)"
