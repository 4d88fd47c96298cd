#!/usr/bin/env bash
# End to end: bin/vessel run, the main job, as a user types it.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
V="$(readlink -f ../../bin/vessel)"
mounts0=$(wc -l < /proc/self/mountinfo)

eq "the main job" hello "$("$V" run --rm busybox echo hello)"
out=$("$V" run --rm busybox sh -c 'exit 42'); eq "exit status of the command" 42 "$?"
out=$("$V" run --rm --memory 32m --cpus 0.5 --pids-limit 20 --hostname box -e FOO=bar -w /tmp -u 1000:1000 busybox \
    sh -c 'echo $FOO $(hostname) $(pwd) $(id -u):$(id -g) $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) $(cat /sys/fs/cgroup/pids/pids.max) $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)')
eq "flags reach the spec" "bar box /tmp 1000:1000 33554432 20 50000" "$out"
out=$("$V" run --rm --read-only busybox touch /x 2>&1); code=$?
check "--read-only: write fails" test $code -ne 0
contains "--read-only: read-only file system" "Read-only file system" "$out"
eq "default seccomp profile denies unshare" denied "$("$V" run --rm busybox sh -c 'unshare -U true 2>/dev/null && echo allowed || echo denied')"
eq "seccomp=unconfined allows it" allowed "$("$V" run --rm --security-opt seccomp=unconfined busybox sh -c 'unshare -U true && echo allowed || echo denied')"
prof="$(mktemp)"; echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' > "$prof"
contains "seccomp=FILE applies the profile" "Operation not permitted" "$("$V" run --rm --security-opt seccomp="$prof" busybox mkdir /tmp/x 2>&1)"
rm -f "$prof"
eq "stdin reaches the container (-i)" "piped" "$(echo piped | "$V" run --rm -i busybox cat)"
eq "--rm leaves no container directory" "" "$(ls /var/lib/vessel/containers 2>/dev/null)"
eq "--rm leaves no mount" "$mounts0" "$(wc -l < /proc/self/mountinfo)"

"$V" run --name keep busybox true
check "without --rm the container stays (stopped)" test -d /var/lib/vessel/containers/keep
contains "vessel ps -a lists it" "keep" "$("$V" ps -a)"
"$V" rm keep >/dev/null
check "vessel rm removes it" test ! -e /var/lib/vessel/containers/keep

badflag() {
    local name="$1" expect="$2"; shift 2
    local err code
    err=$("$V" run --rm "$@" 2>&1 >/dev/null); code=$?
    check "$name: non-zero exit" test $code -ne 0
    eq "$name: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
    contains "$name: names the flag and value" "$expect" "$err"
    eq "$name: nothing left" "" "$(ls /var/lib/vessel/containers 2>/dev/null)"
}
badflag "bad memory" '--memory "lots"' --memory lots busybox true
badflag "bad cpus" '--cpus "-1"' --cpus -1 busybox true
badflag "bad pids" '--pids-limit 0' --pids-limit 0 busybox true
badflag "unknown image" '"nosuchimage"' nosuchimage true
badflag "missing command" 'nosuchcommand' busybox nosuchcommand
finish
