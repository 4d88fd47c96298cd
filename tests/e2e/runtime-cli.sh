#!/usr/bin/env bash
# End to end: bin/vessel-runtime driven as runc would be, on a busybox bundle.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
VR="$(readlink -f ../../bin/vessel-runtime)"
work="$(mktemp -d /tmp/vessel-e2e.XXXXXX)"
root="$work/state"
trap 'for c in $("$VR" --root "$root" list -q 2>/dev/null); do "$VR" --root "$root" delete -f "$c"; done; rm -rf "$work"' EXIT
B="$work/bundle"
busybox_bundle "$B"
(cd "$B" && "$VR" spec)
check "spec writes config.json" test -f "$B/config.json"
out=$(cd "$B" && "$VR" spec 2>&1); check "spec refuses to overwrite" test $? -ne 0
set_json "$B/config.json" 'c["process"]["terminal"] = False; c["process"]["args"] = ["sh", "-c", "echo hi from $(hostname); exit 5"]'

out=$("$VR" --root "$root" run --bundle "$B" r1); code=$?
eq "run exits with the container's status" 5 "$code"
eq "run prints the container's output" "hi from runc" "$out"
eq "run removes the container" "" "$("$VR" --root "$root" list -q)"

out=$("$VR" 2>&1); code=$?
check "vessel-runtime alone: usage, exit 2" test $code -eq 2
contains "vessel-runtime alone: the usage lists the verbs" "  create    Create a container" "$out"
for verb in create start state kill delete run list ps exec pause resume update events features spec; do
    out=$("$VR" $verb --help 2>&1); code=$?
    check "$verb --help: usage, exit 0 (as runc)" test $code -eq 0 -a "${out#Usage: vessel-runtime $verb}" != "$out"
done
eq "-h is --help too" "$("$VR" state --help)" "$("$VR" state -h)"
out=$("$VR" --root "$root" kill c0 BADSIG 2>&1); code=$?
eq "kill with an unknown signal: exit 1 (as runc)" 1 "$code"
eq "kill with an unknown signal: one line" \
    'vessel-runtime: unknown signal "BADSIG": use a name such as SIGTERM or TERM, or a number 1-64' "$out"
out=$("$VR" spec --bundle "$work/no/such" 2>&1); code=$?
eq "spec into a missing directory: exit 1" 1 "$code"
eq "spec into a missing directory: one line" "vessel-runtime: --bundle $work/no/such: no such directory; create it first" "$out"

set_json "$B/config.json" 'c["process"]["args"] = ["sleep", "100"]'
"$VR" --root "$root" create --bundle "$B" --pid-file "$work/pid" c1
check "create" test $? -eq 0
eq "state after create" created "$("$VR" --root "$root" state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
eq "pid file" "$(cat "$work/pid")" "$("$VR" --root "$root" state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')"
"$VR" --root "$root" start c1
eq "state after start" running "$("$VR" --root "$root" state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
contains "list --format json" '"id": "c1"' "$("$VR" --root "$root" list --format json)"
eq "exec joins the pid namespace" "inside 1" "$("$VR" --root "$root" exec c1 sh -c 'echo inside $(pidof sleep)')"
out=$("$VR" --root "$root" exec c1 sh -c 'exit 3'); eq "exec exit status" 3 "$?"
eq "exec: -h after the id belongs to the command" "-h" "$("$VR" --root "$root" exec c1 echo -h)"
# exec -t in the foreground without --console-socket: the runtime proxies the terminal, as runc.
out=$(python3 lib/pty-drive.py 25 90 -- "$VR" --root "$root" exec -t c1 sh -c 'tty; stty size; exit 6')
contains "exec -t in the foreground: a terminal" "/dev/pts/" "$out"
contains "exec -t in the foreground: the caller's size" "25 90" "$out"
eq "exec -t in the foreground: the exit status" 6 "$(printf '%s\n' "$out" | tail -1)"
out=$("$VR" --root "$root" exec -t -d c1 true 2>&1); code=$?
check "exec -t -d without --console-socket is refused" test $code -ne 0
contains "exec -t -d: names the missing flag" "--console-socket" "$out"
contains "ps lists the container's process" "sleep 100" "$("$VR" --root "$root" ps c1)"
"$VR" --root "$root" update --memory 64m --pids-limit 33 c1
eq "update memory" 67108864 "$(cat /sys/fs/cgroup/memory/vessel/c1/memory.limit_in_bytes)"
eq "update pids" 33 "$(cat /sys/fs/cgroup/pids/vessel/c1/pids.max)"
contains "events --stats" '"type": "stats"' "$("$VR" --root "$root" events --stats c1)"
"$VR" --root "$root" pause c1
eq "pause" paused "$("$VR" --root "$root" state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
"$VR" --root "$root" resume c1
out=$("$VR" --root "$root" delete c1 2>&1); code=$?
check "delete of a running container is refused" test $code -ne 0
contains "the refusal says why" "running" "$out"
"$VR" --root "$root" kill c1 KILL
c1_stopped() { [ "$("$VR" --root "$root" state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ]; }
check "stopped after kill" until_true 30 c1_stopped
"$VR" --root "$root" delete c1
check "delete removes the state" test ! -e "$root/c1"
check "delete removes the cgroup" test ! -e /sys/fs/cgroup/memory/vessel/c1

# Passing file descriptors: --preserve-fds, and systemd socket activation (LISTEN_FDS) first.
set_json "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "echo $LISTEN_FDS:$LISTEN_PID; cat <&3; cat <&4"]'
echo via-fd3 > "$work/fd3"; echo via-fd4 > "$work/fd4"
out=$(LISTEN_FDS=1 "$VR" --root "$root" run --bundle "$B" --preserve-fds 1 fds 3<"$work/fd3" 4<"$work/fd4")
eq "LISTEN_FDS and --preserve-fds reach the container in order" "1:1 via-fd3 via-fd4" "$(echo $out)"
set_json "$B/config.json" 'c["process"]["args"] = ["sleep", "100"]'

# SCMP_ACT_NOTIFY: the agent at listenerPath gets the process state and the listener, and its
# answer (ENOSPC, which a read-only root would never give) is what the container's mkdir sees.
cat > "$work/seccomp-agent.py" <<'PY'
# A seccomp agent for the end-to-end tests: listens on argv[1], takes one ContainerProcessState
# with its listener (SCM_RIGHTS), writes the JSON to argv[2], then answers each notified syscall
# with errno argv[3] (SECCOMP_IOCTL_NOTIF_RECV / _SEND) until the container's process is gone.
import fcntl, os, select, socket, struct, sys

path, out, errno = sys.argv[1], sys.argv[2], int(sys.argv[3])
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101  # _IOWR('!', 0, 80), _IOWR('!', 1, 24)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
open(out + ".ready", "w").close()
conn, _ = server.accept()
data, fds, _, _ = socket.recv_fds(conn, 65536, 4)
while True:  # the runtime closes the connection after its one message
    more = conn.recv(65536)
    if not more:
        break
    data += more
open(out, "wb").write(data)
listener = fds[0]
poll = select.poll()
poll.register(listener, select.POLLIN)
while True:
    events = poll.poll(10000)
    if not events or events[0][1] & select.POLLHUP:
        break
    notif = bytearray(80)
    try:
        fcntl.ioctl(listener, NOTIF_RECV, notif)
    except OSError:
        continue  # the process went away before we took it
    fcntl.ioctl(listener, NOTIF_SEND, bytearray(struct.pack("<QqiI", struct.unpack_from("<Q", notif)[0], 0, -errno, 0)))
PY
python3 "$work/seccomp-agent.py" "$work/agent.sock" "$work/agent.json" 28 & agent=$!
until_true 5 test -e "$work/agent.json.ready"
cp "$B/config.json" "$work/good.json"
set_json "$B/config.json" 'c["process"]["args"] = ["mkdir", "/x"]; c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": sys.argv[1].replace("config.json", "../agent.sock"), "listenerMetadata": "e2e",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
out=$("$VR" --root "$root" run --bundle "$B" n1 2>&1); code=$?
wait $agent
eq "notify: mkdir fails" 1 "$code"
contains "notify: with the agent's errno" "No space left on device" "$out"
contains "notify: the agent got the process state" '"fds":["seccompFd"]' "$(cat "$work/agent.json")"
contains "notify: with the metadata" '"metadata":"e2e"' "$(cat "$work/agent.json")"
out=$("$VR" --root "$root" run --bundle "$B" n2 2>&1); code=$?
check "notify: nobody at listenerPath fails" test $code -ne 0
contains "notify: the error names listenerPath" "linux.seccomp.listenerPath" "$out"
eq "notify: nothing left" "" "$("$VR" --root "$root" list -q)"
cp "$work/good.json" "$B/config.json"

# Session keyrings: a new one per container (runc's "_ses.<id>"), the caller's with --no-new-keyring.
# As uid 1000 the process sees in /proc/keys only the root-owned keyrings it possesses.
set_json "$B/config.json" 'c["process"]["user"]["uid"] = 1000; c["process"]["args"] = ["sh", "-c", "grep -c \" _ses\\.k[12]: \" /proc/keys"];
c["linux"]["maskedPaths"] = [p for p in c["linux"]["maskedPaths"] if p != "/proc/keys"]'
eq "a new session keyring per container" 1 "$("$VR" --root "$root" run --bundle "$B" k1)"
eq "--no-new-keyring keeps the caller's" 0 "$("$VR" --root "$root" run --no-new-keyring --bundle "$B" k2)"
cp "$work/good.json" "$B/config.json"

# Create-time hooks run after the rootfs is mounted, before pivot_root (the OCI lifecycle): a
# createContainer hook is in the container's mount namespace, sees the spec's tmpfs beneath the
# rootfs with the host's / still its root, and what it writes there the container reads; a
# createRuntime hook stays in the runtime's mount namespace and does not see that tmpfs.
R="$(readlink -f "$B/rootfs")"
HOOK_R="$R" HOOK_W="$work" set_json "$B/config.json" 'import os; r, w = os.environ["HOOK_R"], os.environ["HOOK_W"]
c["process"]["args"] = ["cat", "/hooked/note"]
c["mounts"].append({"destination": "/hooked", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]})
c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "grep -c \" %s/hooked \" /proc/self/mountinfo > %s/cr-mounts; true" % (r, w)]}],
    "createContainer": [{"path": "/bin/sh", "args": ["sh", "-c",
        "grep -q \" %s/hooked \" /proc/self/mountinfo && test -d %s && echo written-by-hook > %s/hooked/note" % (r, w, r)]}]}'
eq "createContainer writes into the mounted rootfs before the pivot" "written-by-hook" "$("$VR" --root "$root" run --bundle "$B" h1 2>&1)"
eq "createRuntime does not see the container's mounts" 0 "$(cat "$work/cr-mounts")"
cp "$work/good.json" "$B/config.json"

# Bad input: one line naming the field, non-zero exit, nothing left behind.
bad() {
    local name="$1" id="$2" expect="$3" edit="$4"
    cp "$B/config.json" "$work/good.json"
    [ -n "$edit" ] && set_json "$B/config.json" "$edit"
    local err code
    err=$("$VR" --root "$root" --log "$work/log.json" --log-format json create --bundle "$B" "$id" 2>&1 >/dev/null); code=$?
    cp "$work/good.json" "$B/config.json"
    check "$name: non-zero exit" test $code -ne 0
    eq "$name: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
    contains "$name: names the field" "$expect" "$err"
    eq "$name: no state left" "" "$(ls "$root" 2>/dev/null)"
    check "$name: no cgroup left" test ! -e "/sys/fs/cgroup/pids/vessel/$id"
}
bad "wrong type" b1 "process.user.uid" 'c["process"]["user"]["uid"] = "abc"'
bad "unknown namespace" b2 "linux.namespaces" 'c["linux"]["namespaces"].append({"type": "foo"})'
bad "negative memory" b3 "linux.resources.memory.limit" 'c["linux"].setdefault("resources", {})["memory"] = {"limit": -5}'
bad "missing rootfs" b4 "root.path" 'c["root"]["path"] = "nope"'
bad "missing executable" b5 "process.args[0]" 'c["process"]["args"] = ["nosuchcmd"]'
bad "id with slash" "x/y" "x/y" ""
bad "failing createContainer hook" b6 "hooks.createContainer[0] (/bin/false): exited with status 1" \
    'c["hooks"] = {"createContainer": [{"path": "/bin/false"}]}'
contains "--log-format json writes the error" '"level":"error"' "$(cat "$work/log.json")"
out=$("$VR" --systemd-cgroup list 2>&1); code=$?
check "unsupported global flag refused" test $code -ne 0
contains "unsupported flag named" "--systemd-cgroup" "$out"
finish
