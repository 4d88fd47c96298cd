#!/usr/bin/env bash
# End to end: `vessel vm run` boots Vessel's riscv64 guest on the software machine (issue 5).
# The first run builds the guest kernel and busybox from Debian's sources (minutes; cached in
# /var/cache/vessel), so this script needs root and the Debian archive the first time.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
V="$(readlink -f ../../bin/vessel)"
work="$(mktemp -d /tmp/vessel-e2e-vm.XXXXXX)"
tag="vt$$"                                  # tap names and process markers of this run
ns="vessel-e2e-$$"; br="${tag}br"
cleanup() {
    [ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null; ip link del "$br" 2>/dev/null; ip link del "${tag}h" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
busy_pid=
# Each run is bounded, so that a guest that never powers off fails the test instead of hanging CI.
vm() { timeout -k 10 "${VM_TIMEOUT:-600}" "$V" vm run "$@"; }

echo "(the first run builds the guest kernel: several minutes)"
out=$(VM_TIMEOUT=3600 vm --rm -- uname -m); code=$?
eq "uname -m prints riscv64" riscv64 "$out"
eq "exit status 0" 0 "$code"

out=$(vm -- sh -c 'echo before; exit 7'); code=$?
eq "exit status propagates" 7 "$code"
eq "only the command's output" before "$out"

eq "--cpus 2: nproc" 2 "$(vm --cpus 2 -- nproc)"
eq "--memory 128m reaches the guest" yes "$(vm --memory 128m -- sh -c \
    'kb=$(sed -n "s/^MemTotal: *\([0-9]*\).*/\1/p" /proc/meminfo); [ "$kb" -gt 100000 ] && [ "$kb" -le 131072 ] && echo yes')"

eq "piped stdin with -i, not echoed" "got hello" "$(echo hello | vm -i -- sh -c 'read x; echo "got $x"')"

# -it: a shell on a pseudo-terminal. Keys go to the guest (Ctrl-C interrupts a guest command, not
# the VM); `exit N` powers off with N; Ctrl-] stops a VM from the host side.
it() { python3 - "$V" "$@" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "vm", "run", "-it"])
out = b""
def until(needle, timeout):
    global out
    end = time.time() + timeout
    while time.time() < end and needle not in out:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
    return needle in out
until(b"# ", 180)
for keys in sys.argv[2:]:
    prompts = out.count(b"# ")
    os.write(fd, keys.encode().decode("unicode_escape").encode())
    deadline = time.time() + 30  # the next prompt, or the end of the VM
    while time.time() < deadline and out.count(b"# ") == prompts and not until(b"\0", 0.5):
        if not select.select([fd], [], [], 0)[0] and os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
            break
until(b"\0", 60)  # reads until the VM has gone (EOF on the pty)
reaped, status = os.waitpid(pid, os.WNOHANG)
if reaped == 0:
    os.kill(pid, 15)  # still running: a failure; do not leave it behind
    out += b"\n(killed: the VM did not end)"
    _, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", "") + "\nstatus=%d\n" % os.waitstatus_to_exitcode(status))
PY
}
out=$(it 'sleep 100\r' '\x03' 'echo after $?; echo $((6*7)); exit 5\r')
contains "-it: Ctrl-C reaches the guest's command" "after 130" "$out"
contains "-it: the guest shell runs commands" "42" "$out"
contains "-it: exit status of the shell" "status=5" "$out"
check "-it: the terminal's echo is the guest's (typed once)" test "$(printf '%s\n' "$out" | grep -c 'echo after')" = 1
contains "-it: Ctrl-] stops the VM" "status=130" "$(it '\x1d')"

# A guest kernel that panics (no init) is a failure with its last messages, not status 0.
err=$(vm --append rdinit=/nonexistent -- true 2>&1 >/dev/null); code=$?
check "kernel panic: non-zero exit" test $code -ne 0
contains "kernel panic: the kernel's message is shown" "Kernel panic" "$err"
contains "kernel panic: says what happened" "rebooted before its command started" "$(printf '%s\n' "$err" | tail -1)"

# A virtio-blk disk: the guest reads the pattern the host wrote and writes its own; a read-only disk stays as it was.
printf 'VESSEL-DISK-PATTERN-0123456789' > "$work/disk.img"; truncate -s 1M "$work/disk.img"
printf 'READ-ONLY-CONTENT' > "$work/ro.img"; truncate -s 1M "$work/ro.img"; cp "$work/ro.img" "$work/ro.orig"
out=$(vm --disk "$work/disk.img" --disk "$work/ro.img,ro" -- sh -c \
    'head -c 16 /dev/vda; echo; printf VESSEL-GUEST-WROTE > /dev/vda && sync && echo written;
     cat /sys/block/vdb/ro; if printf x 2>/dev/null > /dev/vdb && sync; then echo ro-write-accepted; fi; head -c 9 /dev/vdb'); code=$?
eq "disk: guest run" 0 "$code"
eq "disk: guest reads the host's pattern, writes, sees vdb read-only" "$(printf 'VESSEL-DISK-PATT\nwritten\n1\nREAD-ONLY')" "$out"
eq "disk: the guest's write is in the image file" VESSEL-GUEST-WROTE "$(head -c 18 "$work/disk.img")"
check "disk: the read-only image is unchanged" cmp -s "$work/ro.img" "$work/ro.orig"

# --net bridge:NAME: the guest talks TCP to a peer in a network namespace on the bridge.
if [ -x /bin/busybox ]; then
    subnet=$((RANDOM % 200 + 20))
    ip netns add "$ns"; ip link add "$br" type bridge
    ip link add "${tag}h" type veth peer name "${tag}p"; ip link set "${tag}p" netns "$ns"
    ip link set "${tag}h" master "$br" up; ip link set "$br" up
    ip -n "$ns" addr add "10.215.$subnet.2/24" dev "${tag}p"; ip -n "$ns" link set "${tag}p" up
    ip netns exec "$ns" busybox sh -c 'echo VESSEL-PEER-REPLY | busybox nc -l -p 7777' > "$work/peer" &
    peer=$!
    out=$(vm --net "bridge:$br" -- sh -c "ip addr add 10.215.$subnet.1/24 dev eth0 && ip link set eth0 up \
        && echo VESSEL-GUEST-SENT | nc 10.215.$subnet.2 7777" 2>"$work/net.err"); code=$?
    eq "net: guest run" 0 "$code"
    eq "net: the peer's reply reached the guest" VESSEL-PEER-REPLY "$out"
    wait "$peer"
    eq "net: the guest's data reached the peer" VESSEL-GUEST-SENT "$(cat "$work/peer")"
    contains "net: says which tap" "on tap" "$(cat "$work/net.err")"
    check "net: the tap left the bridge and is gone" test -z "$(ls "/sys/class/net/$br/brif" | grep -v "^${tag}h$")"
    ip netns del "$ns"; ip link del "$br"; ip link del "${tag}h" 2>/dev/null
    check "net: namespace and bridge removed" test ! -e "/run/netns/$ns" -a ! -e "/sys/class/net/$br"
else
    fail "net: needs the host's busybox for the peer (apt-get install busybox-static)"
fi

# SIGTERM and SIGINT stop the machine; its tap goes with it. Job control keeps SIGINT deliverable
# (bash makes background jobs ignore it otherwise, and so the JVM would too), and env resets it
# to the default in case this script was itself started with SIGINT ignored (once seen in CI:
# the JVM kept the inherited "ignore", and the VM ran its 600 s).
for sig in TERM INT; do
    set -m
    env --default-signal=INT "$V" vm run --net "tap:${tag}s" -- sleep 600 >/dev/null 2>&1 &
    pid=$!
    set +m
    until_true 120 test -e "/sys/class/net/${tag}s"
    check "SIG$sig: the tap exists while the VM runs" test -e "/sys/class/net/${tag}s"
    ignored=$(awk '/^SigIgn:/ {print $2}' "/proc/$pid/status")
    check "SIG$sig: the VM's process does not ignore SIGINT (SigIgn $ignored)" test $((0x$ignored & 2)) -eq 0
    sleep 2
    kill -"$sig" "$pid"
    wait "$pid"; code=$?
    eq "SIG$sig: exit status" "$([ $sig = TERM ] && echo 143 || echo 130)" "$code"
    check "SIG$sig: the tap is gone" test ! -e "/sys/class/net/${tag}s"
    check "SIG$sig: no process left" test -z "$(pgrep -f "tap:${tag}s")"
done

# Bad arguments: one line, non-zero, and no tap, file or process left behind.
bad() {
    local name="$1" expect="$2"; shift 2
    local err code
    err=$(vm "$@" -- true 2>&1 >/dev/null); code=$?
    check "$name: non-zero exit" test $code -ne 0
    eq "$name: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
    contains "$name: says why" "$expect" "$err"
    check "$name: no tap left" test -z "$(ls /sys/class/net | grep "^$tag")"
    check "$name: no process left" test -z "$(pgrep -f "vessel.*vm run.*$work")"
}
bad "no such kernel" "--kernel $work/nope: no such file" --kernel "$work/nope"
bad "memory too small" "--memory 32m: too small" --memory 32m --disk "$work/disk.img"
bad "disk image missing" "--disk $work/missing.img: no such file" --disk "$work/missing.img"
check "disk image missing: not created" test ! -e "$work/missing.img"
bad "invalid --cpus" "--cpus 0" --cpus 0 --disk "$work/disk.img"
bad "invalid --cpus (text)" "--cpus many" --cpus many --disk "$work/disk.img"
bad "bad --net" "--net wifi" --net wifi --disk "$work/disk.img"
# The kernel fits but kernel + initrd do not: refused after the tap was made, which must go again.
truncate -s 80M "$work/big.initrd"
bad "memory too small for kernel and initrd" "too small for the kernel" --memory 64m --initrd "$work/big.initrd" --net "tap:${tag}m"
# A tap held by another process is busy.
python3 -c 'import fcntl, struct, os, sys, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP|IFF_NO_PI
print("held", flush=True); time.sleep(120)' "${tag}b" > "$work/busy" &
busy_pid=$!
until_true 5 grep -qs held "$work/busy"
err=$(vm --net "tap:${tag}b" --disk "$work/disk.img" -- true 2>&1 >/dev/null); code=$?
check "tap in use: non-zero exit" test $code -ne 0
eq "tap in use: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
contains "tap in use: says why" "in use" "$err"
check "tap in use: no process left" test -z "$(pgrep -f "vessel.*vm run.*$work")"
kill "$busy_pid"; wait "$busy_pid" 2>/dev/null; busy_pid=
check "tap in use: the holder's tap is gone with it" test ! -e "/sys/class/net/${tag}b"
finish
