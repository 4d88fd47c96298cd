#!/usr/bin/env bash
# End to end: containerd (Debian's package, 1.6 with the runc v2 shim) drives bin/vessel-runtime
# through `ctr run --runc-binary`. The test starts its own containerd on a private socket, root,
# state directory and namespace with a throwaway config (no CRI, nothing that needs the network),
# imports a busybox image it builds as an OCI archive, and stops everything it started.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
. lib/engines.sh
need_packages containerd busybox-static bsdutils procps || { echo "0 passed, 1 failed"; exit 1; }
# E2E_RUNTIME: run the same cases on another runtime binary (runc, for reference).
VR="$(readlink -f "${E2E_RUNTIME:-../../bin/vessel-runtime}")"
T="$(mktemp -d /tmp/vessel-containerd.XXXXXX)"
NS="vessel-e2e-$$"
IMG=localhost/vessel-e2e-busybox:latest
SOCK="$T/containerd.sock"
c() { timeout -k 10 120 ctr --address "$SOCK" --namespace "$NS" "$@"; }
# Every task runs on vessel-runtime with its state under $T (not /run/containerd/runc).
crun() { c run --runc-binary "$VR" --runc-root "$T/runc" --fifo-dir "$T/fifo" "$@"; }
cexec() { c task exec --fifo-dir "$T/fifo" "$@"; }
# The shims put their sockets in /run/containerd/s whatever the state directory (containerd 1.6).
[ -d /run/containerd ] && RUN_CONTAINERD_EXISTED=1 || RUN_CONTAINERD_EXISTED=0
# ctr's default spec mounts no cgroup filesystem: add one to read the limits from inside.
CGMOUNT=(--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec)

cleanup() {
    local t p
    if [ -S "$SOCK" ]; then
        for t in $(c task ls -q 2>/dev/null); do c task kill -s KILL "$t" >/dev/null 2>&1; c task delete -f "$t" >/dev/null 2>&1; done
        for t in $(c container ls -q 2>/dev/null); do c container delete "$t" >/dev/null 2>&1; done
        c image rm "$IMG" >/dev/null 2>&1
    fi
    # Shims this containerd started for this namespace (they outlive containerd by design).
    for p in $(pgrep -f "containerd-shim-runc-v2 -namespace $NS " 2>/dev/null); do kill "$p" 2>/dev/null; done
    if [ -n "${CTD_PID:-}" ]; then kill "$CTD_PID" 2>/dev/null; wait "$CTD_PID" 2>/dev/null; fi
    ip netns delete "$NS" 2>/dev/null
    umount_under "$T"
    for p in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do [ -d "$p" ] && find "$p" -depth -type d -exec rmdir {} \; 2>/dev/null; done
    rm -rf "$T"
    [ "$RUN_CONTAINERD_EXISTED" = 1 ] || rmdir /run/containerd/s /run/containerd 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so that an interrupted run still cleans up

mkdir -p "$T/root" "$T/state"
cat > "$T/config.toml" <<TOML
version = 2
root = "$T/root"
state = "$T/state"
# CRI needs CNI and a registry; opt writes to /opt; the others need filesystems or services this
# test does not have.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
TOML
containerd --address "$SOCK" --root "$T/root" --state "$T/state" --config "$T/config.toml" >"$T/containerd.log" 2>&1 &
CTD_PID=$!
answers() { c version >/dev/null 2>&1; }
until_true 20 answers
check "containerd answers on the private socket" c version >/dev/null

busybox_rootfs_tar "$T/image" "$T/layer.tar"
oci_archive "$T/layer.tar" "$IMG" "$T/busybox-oci.tar"
c images import "$T/busybox-oci.tar" >/dev/null
contains "image imported" "$IMG" "$(c images ls -q)"

# run --rm: output, exit status, pid 1, nothing left behind.
out=$(crun --rm "$IMG" r1 sh -c 'echo hello from $$; exit 3'); code=$?
eq "run --rm: output (pid 1)" "hello from 1" "$out"
eq "run --rm: exit status" 3 "$code"
eq "run --rm: no container left" "" "$(c container ls -q)"
eq "run --rm: no runtime state left" "" "$("$VR" --root "$T/runc/$NS" list -q 2>/dev/null)"
eq "run --env --cwd" "v /tmp" "$(crun --rm --env X=v --cwd /tmp "$IMG" r3 sh -c 'echo $X $(pwd)')"

# run -t: the shim gives the runtime a --console-socket and copies the pty.
out=$(timeout -k 10 120 script -qec "ctr --address $SOCK --namespace $NS run -t --rm --runc-binary $VR --runc-root $T/runc --fifo-dir $T/fifo $IMG r4 sh -c 'tty; stty rows 30 cols 100; stty size'" /dev/null </dev/null 2>&1)
contains "run -t: a terminal" "/dev/pts/" "$out"
contains "run -t: the terminal takes ioctls" "30 100" "$out"

# run -d, exec, ps, pause/resume, metrics, kill, delete.
crun -d "${CGMOUNT[@]}" --memory-limit 33554432 "$IMG" d1 sh -c 'trap "echo got-term; exit 0" TERM; while :; do sleep 0.2; done' >/dev/null
eq "run -d: running" RUNNING "$(c task ls | awk '$1 == "d1" {print $3}')"
eq "task exec: output" "in d1 as 0" "$(cexec --exec-id x1 d1 sh -c 'echo in d1 as $(id -u)')"
out=$(cexec --exec-id x2 d1 sh -c 'exit 5'); eq "task exec: exit status" 5 "$?"
eq "task exec --user --cwd" "7 /tmp" "$(cexec --exec-id x3 --user 7 --cwd /tmp d1 sh -c 'echo $(id -u) $(pwd)')"
out=$(timeout -k 10 120 script -qec "ctr --address $SOCK --namespace $NS task exec -t --fifo-dir $T/fifo --exec-id x4 d1 sh -c 'tty; sleep 1'" /dev/null </dev/null 2>&1)
contains "task exec -t: a terminal" "/dev/pts/" "$out"
MEMCMD="$(cgroup_cat_cmd memory/memory.limit_in_bytes memory.max)"
eq "--memory-limit: read inside" 33554432 "$(cexec --exec-id x5 d1 sh -c "$MEMCMD")"
eq "--memory-limit: the host's view" 33554432 "$(cat "$(host_cgroup_dir "$(c task ls | awk '$1 == "d1" {print $2}')" memory)/$(cgroup_v2 && echo memory.max || echo memory.limit_in_bytes)")"
check "task ps: lists the init process" test "$(c task ps d1 | awk 'NR > 1' | wc -l)" -ge 1
c task pause d1
eq "task pause" PAUSED "$(c task ls | awk '$1 == "d1" {print $3}')"
c task resume d1
eq "task resume" RUNNING "$(c task ls | awk '$1 == "d1" {print $3}')"
out=$(c task metrics d1)
contains "task metrics: memory limit" "33554432" "$out"
contains "task metrics: pids" "pids.current" "$out"
c task kill d1
task_stopped() { [ "$(c task ls | awk -v t="$1" '$1 == t {print $3}')" = STOPPED ]; }
until_true 10 task_stopped d1
eq "task kill (SIGTERM): stopped" STOPPED "$(c task ls | awk '$1 == "d1" {print $3}')"
out=$(c task delete d1); code=$?
check "task delete" test $code -eq 0
eq "task delete: the task is gone" "" "$(c task ls -q)"
eq "task delete: no runtime state left" "" "$("$VR" --root "$T/runc/$NS" list -q 2>/dev/null)"
c container delete d1
eq "container delete" "" "$(c container ls -q)"

# A detached exec process, killed by its exec id while the task keeps running.
# (ctr container create has no --runc-binary in 1.6, so the task comes from run -d.)
crun -d "$IMG" cs1 sh -c 'while :; do sleep 0.2; done' >/dev/null
cexec -d --exec-id long cs1 sleep 3099 >/dev/null
expid=$(pgrep -xf "sleep 3099")
check "task exec -d: the exec process runs" test -n "$expid"
contains "task exec -d: the exec process is in the task" "$expid" "$(c task ps cs1)"
c task kill -s KILL --exec-id long cs1
gone() { ! kill -0 "$1" 2>/dev/null; }
until_true 10 gone "$expid"
check "task kill --exec-id: the exec process ends" test ! -e "/proc/$expid"
eq "task kill --exec-id: the task keeps running" RUNNING "$(c task ls | awk '$1 == "cs1" {print $3}')"
c task kill -s KILL cs1
until_true 10 task_stopped cs1
c task delete cs1 >/dev/null
c container delete cs1

# --seccomp: containerd's default profile; --with-ns: a network namespace the test made.
eq "--seccomp: a filter is installed" 2 "$(crun --rm --seccomp "$IMG" sc1 sh -c 'grep Seccomp: /proc/self/status' | awk '{print $2}')"
out=$(crun --rm --seccomp "$IMG" sc2 sh -c 'unshare -U true' 2>&1); code=$?
check "--seccomp: the default profile refuses unshare(CLONE_NEWUSER)" test $code -ne 0
ip netns add "$NS"
ip -n "$NS" link add va type veth peer name vb
eq "--with-ns network:PATH joins the namespace" "lo va vb" "$(crun --rm --with-ns network:/run/netns/$NS "$IMG" n1 ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')"
ip netns delete "$NS"

# Concurrent runs through one containerd.
pids=""
for i in 1 2 3 4; do
    (out=$(crun --rm "$IMG" par$i sh -c "echo par$i; exit $i" 2>&1); echo "$out $?" > "$T/par$i") &
    pids="$pids $!"
done
wait $pids  # not a bare wait: containerd runs in the background too
eq "four concurrent runs: each its own output and status" "par1 1 par2 2 par3 3 par4 4" "$(cat "$T"/par[1-4] | tr '\n' ' ' | sed 's/ $//')"

# A memory limit that the task exceeds: the kernel kills it.
# (tail keeps the newline-less input in memory; the OOM killer's SIGKILL makes the status 137)
out=$(crun --rm --memory-limit 16777216 "$IMG" m1 sh -c 'head -c 64m /dev/zero | tail >/dev/null' 2>&1); code=$?
eq "--memory-limit: exceeding it gets the task OOM-killed" 137 "$code"
eq "--memory-limit: read inside (run --rm)" 16777216 "$(crun --rm "${CGMOUNT[@]}" --memory-limit 16777216 "$IMG" m2 sh -c "$MEMCMD")"

# --cgroup: an explicit cgroup path, visible from the host while the task runs.
crun -d --cgroup "/$NS/custom" "$IMG" g1 sleep 100 >/dev/null
pid=$(c task ls | awk '$1 == "g1" {print $2}')
eq "--cgroup: the task is in the given cgroup" "/$NS/custom" "$(host_cgroup_dir "$pid" memory | sed 's|^/sys/fs/cgroup\(/memory\)\?||')"
CUSTOM_DIR="$(host_cgroup_dir "$pid" memory)"
check "--cgroup: its directory exists on the host" test -d "$CUSTOM_DIR"
c task kill -s KILL g1
until_true 10 task_stopped g1
c task delete g1 >/dev/null
c container delete g1
check "--cgroup: removed after delete" test ! -e "$CUSTOM_DIR"

# Snapshotters: overlayfs (the default) and native (plain copies).
eq "snapshotter overlayfs" overlay "$(crun --rm --snapshotter overlayfs "$IMG" s1 sh -c "awk '\$2 == \"/\" {print \$3}' /proc/mounts")"
eq "snapshotter native" "ok" "$(crun --rm --snapshotter native "$IMG" s2 sh -c 'test -x /bin/busybox && echo ok')"

# A few spec fields ctr sets.
out=$(crun --rm --read-only "$IMG" ro1 touch /x 2>&1); code=$?
check "--read-only: writing / fails" test $code -ne 0
eq "--cap-drop" 0 "$(( 0x$(crun --rm --cap-drop CAP_CHOWN "$IMG" cd1 sh -c 'grep CapEff /proc/self/status' | awk '{print $2}') & 1 ))"
eq "--privileged: full capability set" "$(awk '/CapBnd/ {print $2}' /proc/self/status)" \
    "$(crun --rm --privileged "$IMG" p1 sh -c 'grep CapEff /proc/self/status' | awk '{print $2}')"
eq "nothing left in the namespace" "" "$(c container ls -q; c task ls -q)"
# The shims log what the runtime said when a call failed; a clean run logs no error. (Warnings are
# not checked: after every shim exit containerd 1.6 logs "failed to remove runc container ... exit
# status 255" with runc too, the shim's cleanup mode misreading its child's status.)
eq "containerd and the shims logged no error" "" "$(grep 'level=error' "$T/containerd.log" | cut -c1-400)"
finish
