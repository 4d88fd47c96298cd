#!/usr/bin/env bash
# End to end: bin/vessel run, the main job, as a user types it.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
V="$(readlink -f ../../bin/vessel)"
mounts0=$(wc -l < /proc/self/mountinfo)
# run -d starts the engine on the default socket when none answers; stop it at the end only if
# this script started it (stop only what you started).
if curl -sf --unix-socket /run/vessel/vessel.sock http://vessel/_ping >/dev/null 2>&1; then engine_before=1; else engine_before=0; fi
stop_our_engine() { [ "$engine_before" = 1 ] || "$V" daemon stop >/dev/null 2>&1 || true; }
trap stop_our_engine EXIT

eq "the main job" hello "$("$V" run --rm busybox echo hello)"
out=$("$V" 2>&1); code=$?
check "vessel alone: usage, exit 2" test $code -eq 2
contains "vessel alone: the usage lists the commands" "  build    Build an image" "$out"
for cmd in run ps rm pull push login logout build stop exec logs "image ls" "system df" "vm run"; do
    out=$("$V" $cmd --help 2>&1); code=$?
    check "vessel $cmd --help: usage, exit 0" test $code -eq 0 -a "${out#Usage: vessel $cmd}" != "$out"
done
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
eq "without -i the container's stdin is empty, as docker" "" "$(echo piped | "$V" run --rm busybox cat)"
eq "the container's loopback is up (as docker's none network)" "served" \
    "$("$V" run --rm busybox sh -c 'echo served > /tmp/x; httpd -p 127.0.0.1:8080 -h /tmp && wget -qO- http://127.0.0.1:8080/x')"
contains "... also in a user namespace" "<LOOPBACK,UP" "$("$V" run --rm --userns=auto busybox ip -o link show lo)"
# -it at a terminal: pty-drive.py plays the user (window size, typing, Ctrl-C, resizing).
drive() { python3 lib/pty-drive.py "$@"; }
out=$(drive 30 100 'wait:ready' 'send:\x03' -- "$V" run --rm -it busybox \
    sh -c 'tty; stty size; trap "echo got-int; exit 5" INT; echo ready; while :; do sleep 0.2; done')
contains "-it: the container has a terminal" "/dev/pts/0" "$out"
contains "-it: it has the caller's window size from the start" "30 100" "$out"
contains "-it: Ctrl-C reaches the container's process" "got-int" "$out"
eq "-it: the exit status" 5 "$(printf '%s\n' "$out" | tail -1)"
out=$(drive 30 100 'wait:ready' 'size:20:50' -- "$V" run --rm -it busybox \
    sh -c 'trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.2; done')
contains "-it: a resize reaches the container (SIGWINCH, new size)" "20 50" "$out"
out=$(drive 30 100 'wait:# ' 'send:echo typed-$((40+2))\n' 'send:exit 3\n' -- "$V" run --rm -it busybox sh)
contains "-it: typed input reaches the shell" "typed-42" "$out"
eq "-it: the shell's exit status" 3 "$(printf '%s\n' "$out" | tail -1)"
eq "--rm leaves no container directory" "" "$(ls /var/lib/vessel/containers 2>/dev/null)"
eq "--rm leaves no mount" "$mounts0" "$(wc -l < /proc/self/mountinfo)"

"$V" run --name keep busybox true
check "without --rm the container stays (stopped)" test -d /var/lib/vessel/containers/keep
line=$("$V" ps -a | awk '$1 == "keep"')
contains "vessel ps -a lists it, stopped" "stopped" "$line"
contains "vessel ps: the image it came from" " busybox " "$line"
contains "vessel ps: its command" '"true"' "$line"
contains "vessel ps: its age" " ago " "$line"
"$V" rm keep >/dev/null
check "vessel rm removes it" test ! -e /var/lib/vessel/containers/keep
out=$("$V" rm nosuch 2>&1); code=$?
check "rm of an unknown container fails" test $code -ne 0
eq "rm of an unknown container: one line" "vessel: no such container: nosuch (see \`vessel ps -a\`)" "$out"
out=$("$V" stop nosuch 2>&1); code=$?
check "stop of an unknown container fails" test $code -ne 0
contains "stop of an unknown container says so" "no such container: nosuch" "$out"
# An id that is a path must not reach the file system: rm deletes the directory an id names.
# The store is a scratch one here, so that a regression could only delete the scratch directories.
sandbox=$(mktemp -d); mkdir -p "$sandbox/store/containers" "$sandbox/victim"; touch "$sandbox/victim/keep" "$sandbox/store/keep"
for bad in .. ../../victim; do
    out=$(JAVA_TOOL_OPTIONS="-Dvessel.storage=$sandbox/store" "$V" rm "$bad" 2>&1); code=$?
    check "rm $bad is refused" test $code -ne 0
    contains "rm $bad: the error names the id" "container id \"$bad\"" "$out"
done
check "rm of path-like ids deleted nothing" test -e "$sandbox/victim/keep" -a -e "$sandbox/store/keep"
rm -rf "$sandbox"

# vessel run -d, logs, exec, stop, rm: docker's background workflow.
id=$("$V" run -d --name e2e-bg busybox sh -c 'echo started; trap "echo got-term; exit 0" TERM; while :; do sleep 0.2; done'); code=$?
eq "run -d: exit 0 and the container's name" "0 e2e-bg" "$code $id"
contains "run -d: ps lists it running" "running" "$("$V" ps | awk '$1 == "e2e-bg"')"
bg_logged() { "$V" logs e2e-bg | grep -q "$1"; }
check "logs: the container's output" until_true 30 bg_logged started
eq "exec into a detached container" "in bg" "$("$V" exec e2e-bg sh -c 'echo in bg')"
eq "exec -i: stdin reaches the process" "piped" "$(echo piped | "$V" exec -i e2e-bg cat)"
eq "exec without -i: its stdin is empty, as docker" "" "$(echo piped | "$V" exec e2e-bg cat)"
out=$(drive 30 100 'wait:# ' 'send:tty; stty size\n' 'send:exit 4\n' -- "$V" exec -it e2e-bg sh)
contains "exec -it: a terminal" "/dev/pts/" "$out"
contains "exec -it: with the caller's window size" "30 100" "$out"
eq "exec -it: the shell's exit status" 4 "$(printf '%s\n' "$out" | tail -1)"
out=$("$V" exec -d -t e2e-bg true 2>&1); check "exec -d -t is refused" test $? -ne 0
follow=$(mktemp); ( "$V" logs -f e2e-bg > "$follow" ) & follower=$!
"$V" stop -t 10 e2e-bg >/dev/null
wait $follower; eq "logs -f ends when the container stops" 0 "$?"
eq "logs -f saw everything, the TERM trap's line last" "got-term" "$(tail -1 "$follow")"; rm -f "$follow"
eq "stop: the container exited, with the status its TERM trap gave" "exited(0)" "$("$V" ps -a | awk '$1 == "e2e-bg" {print $3}')"
check "a stopped detached container keeps its log" bg_logged got-term
"$V" rm e2e-bg >/dev/null
eq "rm: nothing of it left" "" "$(ls -d /var/lib/vessel/containers/e2e-bg /var/lib/vessel/snapshots/containers/e2e-bg 2>/dev/null; grep -F /e2e-bg/ /proc/self/mountinfo)"
"$V" run -d --name e2e-bg2 busybox sleep 300 >/dev/null
bg2_pid=$("$V" ps | awk '$1 == "e2e-bg2" {print $2}')
out=$("$V" rm e2e-bg2 2>&1); code=$?
check "rm of a running container is refused" test $code -ne 0
contains "rm of a running container: says what to do" "running" "$out"
check "rm -f of a running container" "$V" rm -f e2e-bg2
eq "rm -f: nothing of it left" "" "$(ls -d /var/lib/vessel/containers/e2e-bg2 /var/lib/vessel/snapshots/containers/e2e-bg2 2>/dev/null; grep -F /e2e-bg2/ /proc/self/mountinfo)"
# Dead: gone, or a zombie if the host's pid 1 has not reaped it yet (a detached container's
# process is reparented to it, as with runc run -d; this machine's pid 1 never reaps).
dead() { [ -n "$1" ] && { [ ! -e "/proc/$1" ] || grep -q '^State:.Z' "/proc/$1/status" 2>/dev/null; }; }
check "rm -f: its process ($bg2_pid) is dead" dead "$bg2_pid"
"$V" run -d --rm --name e2e-bg-rm busybox sh -c 'sleep 0.5' >/dev/null
rm_gone() { ! "$V" ps -a | grep -q '^e2e-bg-rm '; }
check "run -d --rm: the engine removes it when it exits" until_true 30 rm_gone
eq "run -d --rm: nothing of it left" "" "$(ls -d /var/lib/vessel/containers/e2e-bg-rm /var/lib/vessel/snapshots/containers/e2e-bg-rm 2>/dev/null; grep -F /e2e-bg-rm/ /proc/self/mountinfo)"
out=$("$V" run -d --rm --restart always busybox true 2>&1); code=$?
check "run -d --rm --restart always is refused" test $code -ne 0
contains "run -d --rm --restart always: says why" "cannot be restarted" "$out"
out=$("$V" run -d -t busybox true 2>&1); code=$?
check "run -d -t is refused" test $code -ne 0
"$V" run --name e2e-fg busybox true
out=$("$V" logs e2e-fg 2>&1); code=$?
check "logs of a container run in the foreground fails" test $code -ne 0
contains "logs of a foreground container: says why" "only a container started with vessel run -d" "$out"
"$V" rm e2e-fg >/dev/null
out=$("$V" logs nosuch 2>&1); check "logs of an unknown container fails" test $? -ne 0
"$V" run -d --name e2e-bad busybox nosuchcmd 2>/dev/null; eq "run -d of a missing command: 127" 127 "$?"
eq "run -d / logs: no container left" "" "$(ls /var/lib/vessel/containers 2>/dev/null)"

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
"$V" run --rm busybox nosuchcommand 2>/dev/null; eq "a command that is not found: 127, as docker and podman" 127 "$?"
"$V" run --rm busybox /etc/passwd 2>/dev/null; eq "a command that cannot be executed: 126" 126 "$?"

# User namespaces: --userns=auto, --uidmap/--gidmap.
left_behind() { # NAME: anything of container NAME still on the host (bundle, allocation record, snapshot, mounts)
    ls -d /var/lib/vessel/containers/"$1" /var/lib/vessel/snapshots/containers/"$1" 2>/dev/null
    grep -F "/$1/" /proc/self/mountinfo
}
out=$("$V" run --rm --name e2e-userns-rm --userns=auto busybox \
    sh -c 'id; cat /proc/self/uid_map; stat -c %u:%g /bin/busybox; touch /newfile && stat -c %u /newfile')
lines() { printf '%s\n' "$out" | sed -n "$1p" | tr -s ' ' | sed 's/^ //'; }
eq "--userns=auto: root inside" "uid=0(root) gid=0(root)" "$(lines 1)"
contains "--userns=auto: /proc/self/uid_map maps 0 to a 65536-id host range" " 65536" "$(lines 2)"
host0=$(lines 2 | cut -d' ' -f2)
check "--userns=auto: the host range is unprivileged ($host0)" test "${host0:-0}" -ge 100000
eq "--userns=auto: image files owned 0:0 inside" "0:0" "$(lines 3)"
eq "--userns=auto: a new file is root's inside" "0" "$(lines 4)"
eq "--userns=auto --rm: nothing left" "" "$(left_behind e2e-userns-rm)"

"$V" run --name e2e-userns-a --userns=auto busybox sh -c 'touch /made; sleep 300' & a=$!
"$V" run --name e2e-userns-b --userns=auto:size=1000 busybox sleep 300 & b=$!
both_running() { [ "$("$V" ps | awk '$1 == "e2e-userns-a" || $1 == "e2e-userns-b"' | wc -l)" = 2 ]; }
check "--userns=auto: two containers run at once" until_true 60 both_running
pid=$("$V" ps | awk '$1 == "e2e-userns-a" {print $2}')
rec_a=$(cat /var/lib/vessel/containers/e2e-userns-a/userns 2>/dev/null); rec_b=$(cat /var/lib/vessel/containers/e2e-userns-b/userns 2>/dev/null)
start_a=$(printf '%s\n' "$rec_a" | awk '$1 == "uid" {print $3}'); start_b=$(printf '%s\n' "$rec_b" | awk '$1 == "uid" {print $3}')
eq "--userns=auto: the allocation is recorded" "uid 0 $start_a 65536" "$(printf '%s\n' "$rec_a" | head -1)"
check "two running containers get different ranges ($start_a, $start_b)" test -n "$start_b" -a "$start_a" != "$start_b"
eq "host ps: the container's process runs as the mapped uid" "$start_a" "$(ps -o uid= -p "${pid:-0}" | tr -d ' ')"
eq "host: the container's root cannot chmod a host-owned device bound in" "Operation not permitted" \
    "$("$V" exec e2e-userns-a chmod 666 /dev/null 2>&1 | sed 's/.*: //')"
out=$("$V" exec e2e-userns-b sh -c 'echo in; exit 3'); code=$?
eq "vessel exec: output" in "$out"
eq "vessel exec: the command's exit status" 3 "$code"
eq "vessel exec -e -w" "E=1 /tmp" "$("$V" exec -e E=1 -w /tmp e2e-userns-b sh -c 'echo E=$E $(pwd)')"
"$V" exec e2e-userns-b nosuchcmd 2>/dev/null; eq "vessel exec of a command that is not found: 127" 127 "$?"
out=$("$V" exec nosuch true 2>&1); check "vessel exec into an unknown container fails" test $? -ne 0
"$V" stop -t 1 e2e-userns-a e2e-userns-b >/dev/null
wait $a $b
eq "host: the file the container made belongs to the mapped root" "$start_a:$start_a" \
    "$(stat -c %u:%g /var/lib/vessel/snapshots/containers/e2e-userns-a/upper/made 2>&1)"
"$V" rm e2e-userns-a e2e-userns-b >/dev/null
eq "vessel rm: nothing left of either" "" "$(left_behind e2e-userns-a; left_behind e2e-userns-b)"

out=$("$V" run --rm --uidmap 0:300000:1000 --uidmap 1000:400000:10 busybox sh -c 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u /bin/busybox' | tr -s ' ')
eq "--uidmap: both maps, also used for gids, files 0 inside" \
    "$(printf ' 0 300000 1000\n 1000 400000 10\n 0 300000 1000\n 1000 400000 10\n0')" "$out"
eq "--gidmap alone serves uids too (a map without the tty group)" " 0 310000 5" "$("$V" run --rm --gidmap 0:310000:5 busybox cat /proc/self/uid_map | tr -s ' ')"
badflag "bad userns" '--userns "private": use host, auto or auto:size=N' --userns=private busybox true
badflag "bad userns size" '--userns "auto:size=0": the size must be a number from 1' --userns=auto:size=0 busybox true
badflag "bad uidmap" '--uidmap "0:100000": use CONTAINER:HOST:SIZE' --uidmap 0:100000 busybox true
badflag "overlapping gidmap" '--gidmap "5:200000:10": overlaps --gidmap "0:100000:10"' --gidmap 0:100000:10 --gidmap 5:200000:10 busybox true
badflag "userns with uidmap" '--userns "auto": cannot be combined with --uidmap' --userns=auto --uidmap 0:1:1 busybox true
badflag "unmapped user" "--user \"1000\": uid 1000 is not mapped in the container's user namespace (uids mapped: 0-99)" --userns=auto:size=100 -u 1000 busybox true
finish
