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
V="$PWD/bin/vessel"
VR="$PWD/bin/vessel-runtime"
work="$(mktemp -d /tmp/vessel-bench-cli.XXXXXX)"
. bench/lib.sh
cleanup() {
    pm_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

pm_busybox_image sh true
"$V" run --rm busybox true   # builds on first use, trains the AOT caches, makes the busybox image; not timed
pm run --rm --network none "${ULIMITS[@]}" "$IMG" true                   # first use of podman's storage; not timed
pm --runtime "$VR" run --rm --network none "${ULIMITS[@]}" "$IMG" true

machine_line
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
