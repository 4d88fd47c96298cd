#!/usr/bin/env bash
# End to end: podman (Debian's package) drives bin/vessel-runtime as its OCI runtime, on private
# image storage under a temp directory (the machine's podman storage is never touched) with a
# busybox image made locally. Networking stays off (--network none) except one case that joins a
# network namespace the test makes itself.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
. lib/engines.sh
need_packages podman busybox-static bsdutils iproute2 procps || { echo "0 passed, 1 failed"; exit 1; }
# E2E_RUNTIME: run the same cases on another runtime binary (runc, for reference).
VR="$(readlink -f "${E2E_RUNTIME:-../../bin/vessel-runtime}")"
T="$(mktemp -d /tmp/vessel-podman.XXXXXX)"
# conmon writes an empty file "oom" into its working directory when the container is OOM-killed;
# run everything from the temp directory so that it does not land in the source tree.
cd "$T"
NETNS="vessel-e2e-$$"
IMG=localhost/vessel-e2e-busybox
# podman on this kind of machine needs explicit ulimits whatever the runtime (issue 3, section 4).
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
pm() {
    timeout -k 10 120 podman --root "$T/storage" --runroot "$T/run" --tmpdir "$T/tmp" --events-backend file \
        --runtime "$VR" --cgroup-manager cgroupfs "$@"
}
prun() { pm run --network none "${ULIMITS[@]}" "$@"; }
cleanup() {
    pm rm -af -t 0 >/dev/null 2>&1
    pm rmi -af >/dev/null 2>&1
    ip netns delete "$NETNS" 2>/dev/null
    umount_under "$T"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so that an interrupted run still cleans up

busybox_rootfs_tar "$T/image" "$T/busybox.tar"
pm import -q "$T/busybox.tar" "$IMG" >/dev/null
check "image imported into the private storage" pm image exists "$IMG"
eq "podman uses vessel-runtime" "$VR" "$(pm info --format '{{.Host.OCIRuntime.Path}}')"

# run --rm: output, exit status, nothing left.
out=$(prun --rm "$IMG" sh -c 'echo hi from $(hostname -s | cut -c1-3); exit 7'); code=$?
eq "run --rm: exit status" 7 "$code"
contains "run --rm: output" "hi from" "$out"
eq "run --rm: no container left" "" "$(pm ps -aq)"
eq "run: pid 1 is the command" "1" "$(prun --rm "$IMG" sh -c 'echo $$')"
eq "run: stdin with -i" "piped" "$(echo piped | prun --rm -i "$IMG" cat)"

# Concurrent runs: the runtime's state, locks and cgroup parents under several at once.
pids=""
for i in 1 2 3 4 5 6; do
    (out=$(prun --rm "$IMG" sh -c "echo par$i; exit $i" 2>&1); echo "$out $?" > "$T/par$i") &
    pids="$pids $!"
done
wait $pids
eq "six concurrent runs: each its own output and status" "par1 1 par2 2 par3 3 par4 4 par5 5 par6 6" "$(cat "$T"/par[1-6] | tr '\n' ' ' | sed 's/ $//')"
eq "six concurrent runs: nothing left" "" "$(pm ps -aq)"

# run -d, logs, exec, stop, rm.
# logged NAME TEXT: the container's log has TEXT.
logged() { pm logs "$1" 2>&1 | grep -q "$2"; }
cid=$(prun -d --name bg "$IMG" sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.2; done')
check "run -d prints an id" test -n "$cid"
eq "run -d: running" running "$(pm inspect -f '{{.State.Status}}' bg)"
check "logs" until_true 30 logged bg started
eq "exec: output" "in bg" "$(pm exec bg sh -c 'echo in $(cat /proc/1/cmdline | tr "\0" " " | cut -c1-2)bg' | sed 's/in sh/in /')"
out=$(pm exec bg sh -c 'exit 4'); eq "exec: exit status" 4 "$?"
eq "exec: env and workdir" "E=1 /tmp" "$(pm exec -e E=1 -w /tmp bg sh -c 'echo E=$E $(pwd)')"
eq "exec --user" "99:98" "$(pm exec --user 99:98 bg sh -c 'echo $(id -u):$(id -g)')"
contains "exec -i: stdin" "from stdin" "$(echo from stdin | pm exec -i bg cat)"
pm stop -t 10 bg >/dev/null
eq "stop: exited" exited "$(pm inspect -f '{{.State.Status}}' bg)"
eq "stop: SIGTERM reached the trap (exit 0)" 0 "$(pm inspect -f '{{.State.ExitCode}}' bg)"
contains "stop: the trap ran" "bye" "$(pm logs bg)"
pm rm bg >/dev/null
eq "rm" "" "$(pm ps -aq)"
check "rm: no vessel-runtime state left" test -z "$(ls "$T/run/runc" 2>/dev/null; "$VR" --root "$T/run/runc" list -q 2>/dev/null)"
check "rm: the container's cgroups are gone" test -z "$(ls -d /sys/fs/cgroup/*/libpod_parent/libpod-"$cid" /sys/fs/cgroup/libpod_parent/libpod-"$cid" 2>/dev/null)"

# run -it: podman gets a terminal from script(1); the runtime hands the pty master back over
# --console-socket.
out=$(printf 'echo typed-$((6*7))\nexit 3\n' | timeout -k 10 120 script -qec \
    "podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --events-backend file --runtime $VR --cgroup-manager cgroupfs run -it --rm --network none ${ULIMITS[*]} $IMG sh -c 'tty; sh'" /dev/null 2>&1)
code=$?
contains "run -it: the container has a terminal" "/dev/pts/" "$out"
contains "run -it: typed input reaches the shell" "typed-42" "$out"
eq "run -it: exit status" 3 "$code"
out=$(timeout -k 10 120 script -qec "podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --events-backend file --runtime $VR --cgroup-manager cgroupfs run -t --rm --network none ${ULIMITS[*]} $IMG sh -c 'stty rows 30 cols 100; stty size'" /dev/null </dev/null 2>&1)
contains "run -t: the terminal takes ioctls" "30 100" "$out"

# Resources: read back from the container's own cgroup (v1 here, v2 elsewhere).
cg() { cgroup_cat_cmd "$@"; }
out=$(prun --rm --memory 64m "$IMG" sh -c "$(cg memory/memory.limit_in_bytes memory.max)")
eq "--memory 64m" 67108864 "$out"
out=$(prun --rm --memory 16m "$IMG" sh -c 'head -c 64m /dev/zero | tail > /dev/null' 2>/dev/null); code=$?
eq "--memory: exceeding it is fatal (OOM kill)" 137 "$code"
eq "--pids-limit" 42 "$(prun --rm --pids-limit 42 "$IMG" sh -c "$(cg pids/pids.max pids.max)")"
out=$(prun --rm --pids-limit 5 "$IMG" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done 2>&1; wait' 2>&1)
contains "--pids-limit: fork fails past it" "can't fork" "$out"
out=$(prun --rm --cpus 0.5 "$IMG" sh -c "$(cg cpu/cpu.cfs_quota_us cpu.max) ; $(cg cpu/cpu.cfs_period_us cpu.max)")
contains "--cpus 0.5: quota" 50000 "$out"
contains "--cpus 0.5: period" 100000 "$out"

# --read-only: the root is read-only, podman's /tmp tmpfs and /dev stay writable.
out=$(prun --rm --read-only "$IMG" touch /x 2>&1); code=$?
check "--read-only: writing / fails" test $code -ne 0
contains "--read-only: EROFS" "Read-only file system" "$out"
eq "--read-only: /tmp stays writable" ok "$(prun --rm --read-only "$IMG" sh -c 'touch /tmp/x && echo ok')"

# --user, including a user that /etc/passwd does not know.
eq "--user uid:gid" "1234:5678" "$(prun --rm --user 1234:5678 "$IMG" sh -c 'echo $(id -u):$(id -g)')"
out=$(prun --rm --user 1234 "$IMG" touch /root/x 2>&1); code=$?
check "--user: a non-root user cannot write root's directory" test $code -ne 0

# --cap-drop / --cap-add: the effective set the kernel reports.
capeff() { prun --rm "$@" "$IMG" sh -c 'grep CapEff /proc/self/status' | awk '{print $2}'; }
eq "--cap-drop all" 0000000000000000 "$(capeff --cap-drop all)"
eq "--cap-drop all --cap-add net_bind_service" 0000000000000400 "$(capeff --cap-drop all --cap-add net_bind_service)"
default_caps=$(capeff)
check "default capabilities include CHOWN" test $(( 0x$default_caps & 1 )) -eq 1
eq "--cap-drop chown clears only CHOWN" "$(printf '%016x' $(( 0x$default_caps & ~1 )))" "$(capeff --cap-drop chown)"
out=$(prun --rm --cap-drop chown "$IMG" chown 1:1 /tmp 2>&1); code=$?
check "--cap-drop chown: chown fails" test $code -ne 0
eq "--privileged: full set" "$(awk '/CapBnd/ {print $2}' /proc/self/status)" "$(capeff --privileged)"

# --security-opt seccomp: a profile that makes mkdir fail with EPERM and allows the rest.
cat > "$T/no-mkdir.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
JSON
out=$(prun --rm --security-opt seccomp="$T/no-mkdir.json" "$IMG" sh -c 'touch /tmp/f && echo touched; mkdir /tmp/d' 2>&1); code=$?
contains "seccomp: other syscalls allowed" "touched" "$out"
check "seccomp: mkdir denied" test $code -ne 0
contains "seccomp: mkdir gets EPERM" "Operation not permitted" "$out"
seccomp_mode() { prun --rm "$@" "$IMG" sh -c 'grep Seccomp: /proc/self/status' | awk '{print $2}'; }
eq "seccomp: podman's default profile is in force (filter mode)" 2 "$(seccomp_mode)"
eq "seccomp=unconfined: no filter" 0 "$(seccomp_mode --security-opt seccomp=unconfined)"

# A network namespace made by the test and joined by path.
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
out=$(pm run --rm "${ULIMITS[@]}" --network ns:/run/netns/"$NETNS" "$IMG" sh -c 'ip -o addr show lo; ls /sys/class/net')
contains "--network ns:PATH joins the namespace (lo up)" "127.0.0.1" "$out"
eq "--network none: only lo" lo "$(prun --rm "$IMG" ls /sys/class/net)"

# Failures: podman maps the runtime's error to docker's exit statuses (it matches runc's wording
# classes), and a failed create leaves no container cgroup behind.
cgcount() { ls -d /sys/fs/cgroup/*/libpod_parent/libpod-* /sys/fs/cgroup/libpod_parent/libpod-* 2>/dev/null | wc -l; }
cg0=$(cgcount)
out=$(prun --rm "$IMG" /nonexistent 2>&1); code=$?
eq "missing command: exit 127" 127 "$code"
contains "missing command: the runtime names it" "/nonexistent" "$out"
out=$(prun --rm "$IMG" /etc/passwd 2>&1); eq "command not executable: exit 126" 126 "$?"
out=$(prun --rm --memory 1k "$IMG" true 2>&1); code=$?
eq "impossible memory limit: exit 126" 126 "$code"
contains "impossible memory limit: the runtime names the field" "memory" "$out"
eq "failed creates leave no cgroup" "$cg0" "$(cgcount)"
eq "failed creates leave no container" "" "$(pm ps -aq)"

# Volumes, tmpfs, user namespace, host pid namespace, hostname.
mkdir "$T/vol" && echo hostdata > "$T/vol/in"
eq "-v: reads the host's file" hostdata "$(prun --rm -v "$T/vol:/data" "$IMG" sh -c 'cat /data/in; echo fromctr > /data/out')"
eq "-v: the host sees the container's write" fromctr "$(cat "$T/vol/out" 2>/dev/null)"
out=$(prun --rm -v "$T/vol:/data:ro" "$IMG" touch /data/x 2>&1); code=$?
check "-v :ro: writing fails" test $code -ne 0
contains "-v :ro: EROFS" "Read-only file system" "$out"
contains "--tmpfs with options" "tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k" "$(prun --rm --tmpfs /scratch:size=1m "$IMG" grep /scratch /proc/mounts)"
out=$(prun --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" sh -c 'cat /proc/self/uid_map; id -u; touch /tmp/x && stat -c %u /tmp/x')
eq "--uidmap: a user namespace with the mapping, root inside" "0 100000 65536 0 0" "$(echo $out)"
check "--pid host: not pid 1" test "$(prun --rm --pid host "$IMG" sh -c 'echo $$')" -gt 1
eq "--hostname" box "$(prun --rm --hostname box "$IMG" hostname)"

# More spec fields podman sets.
OWNCG='if [ -e /sys/fs/cgroup/cgroup.controllers ]; then awk -F: "\$1 == 0 {print \$3}" /proc/self/cgroup; else awk -F: "\$2 == \"memory\" {print \$3}" /proc/self/cgroup; fi'
eq "--cgroupns private: the container sees its cgroup as /" / "$(prun --rm --cgroupns private "$IMG" sh -c "$OWNCG")"
contains "--cgroupns host: the container sees the host's path" /libpod "$(prun --rm --cgroupns host "$IMG" sh -c "$OWNCG")"
eq "--sysctl" 1 "$(prun --rm --sysctl net.ipv4.ip_forward=1 "$IMG" cat /proc/sys/net/ipv4/ip_forward)"
eq "--security-opt no-new-privileges" 1 "$(prun --rm --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status | awk '{print $2}')"
eq "--oom-score-adj" 300 "$(prun --rm --oom-score-adj 300 "$IMG" cat /proc/self/oom_score_adj)"
contains "--shm-size" "size=8192k" "$(prun --rm --shm-size 8m "$IMG" grep /dev/shm /proc/mounts)"
eq "--uts host" "$(hostname)" "$(prun --rm --uts host "$IMG" hostname)"
if [ -e /dev/fuse ]; then
    contains "--device /dev/fuse: the node, char 10,229" "10, 229" "$(prun --rm --device /dev/fuse "$IMG" ls -l /dev/fuse)"
fi
if command -v catatonit >/dev/null; then
    contains "--init: podman's init is pid 1" "1 podman-init" "$(prun --rm --init "$IMG" ps -o pid,comm | awk '{print $1, $2}')"
fi

# kill -s, restart, update, exec -it, wait on one running container.
prun -d --name sig "$IMG" sh -c 'trap "echo got-usr1" USR1; echo trapping; while :; do sleep 0.2; done' >/dev/null
until_true 30 logged sig trapping
pm kill -s USR1 sig >/dev/null
check "kill -s USR1 reaches the process" until_true 30 logged sig got-usr1
pid1=$(pm inspect -f '{{.State.Pid}}' sig)
pm restart -t 1 sig >/dev/null 2>&1
eq "restart: running again" running "$(pm inspect -f '{{.State.Status}}' sig)"
check "restart: a new process" test "$(pm inspect -f '{{.State.Pid}}' sig)" != "$pid1"
pm update --cpus 0.25 sig >/dev/null
out=$(cat "$(host_cgroup_dir "$(pm inspect -f '{{.State.Pid}}' sig)" cpu)"/cpu.cfs_quota_us 2>/dev/null \
    || cut -d' ' -f1 "$(host_cgroup_dir "$(pm inspect -f '{{.State.Pid}}' sig)" cpu)/cpu.max")
eq "update --cpus 0.25 (runtime update verb)" 25000 "$out"
out=$(timeout -k 10 120 script -qec "podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --events-backend file --runtime $VR --cgroup-manager cgroupfs exec -it sig sh -c 'tty; stty rows 20 cols 50; stty size'" /dev/null </dev/null 2>&1)
contains "exec -it: a terminal" "/dev/pts/" "$out"
contains "exec -it: the terminal takes ioctls" "20 50" "$out"
(sleep 1; pm kill sig >/dev/null) &
eq "wait: the exit status of a killed container" 137 "$(pm wait sig)"
wait
pm rm sig >/dev/null

# pause / unpause, stats, top on a running container.
prun -d --name svc "$IMG" sh -c 'while :; do sleep 0.2; done' >/dev/null
pm pause svc >/dev/null
eq "pause" paused "$(pm inspect -f '{{.State.Status}}' svc)"
check "pause: the container's cgroup is frozen" cgroup_frozen "$(pm inspect -f '{{.State.Pid}}' svc)"
pm unpause svc >/dev/null
eq "unpause" running "$(pm inspect -f '{{.State.Status}}' svc)"
out=$(pm stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' svc 2>&1)
contains "stats --no-stream: the container" "svc" "$out"
check "stats --no-stream: memory usage reported" test -n "$(printf '%s' "$out" | grep -E 'svc [0-9]+ [0-9.]+[kMG]?B')"
out=$(pm top svc 2>&1)
contains "top: the container's processes" "while" "$out"
contains "top: columns" "PID" "$out"
pm kill svc >/dev/null
svc_exited() { [ "$(pm inspect -f '{{.State.Status}}' svc)" = exited ]; }
check "kill: exited" until_true 30 svc_exited
pm rm svc >/dev/null
eq "everything removed" "" "$(pm ps -aq)"
finish
