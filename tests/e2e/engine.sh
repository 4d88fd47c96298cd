#!/usr/bin/env bash
# End to end: the engine as a user meets it. A private engine (its own --root and --socket, so
# nothing of the machine's default engine is touched), driven by bin/vessel through VESSEL_HOST
# and by curl on its socket; killed with SIGKILL while it supervises containers, and started
# again to find them.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
V="$(readlink -f ../../bin/vessel)"
work=$(mktemp -d /tmp/vessel-e2e-engine.XXXXXX)
root="$work/root" sock="$work/engine.sock"
export VESSEL_HOST="unix://$sock"
engine_pid= reaper_pid=
# The engine is a JVM under vessel-init as its reaper (bin/vessel daemon does that).
start_engine() {
    setsid "$V" daemon --root "$root" --socket "$sock" >>"$work/engine.log" 2>&1 &
    reaper_pid=$!
    until_true 120 curl -sf --unix-socket "$sock" http://vessel/_ping -o /dev/null
    engine_pid=$(api http://vessel/v1/engine | field "['pid']")
}
ppid() { awk '{print $4}' "/proc/$1/stat" 2>/dev/null; }
gone() { [ ! -e "/proc/$1" ]; }
cleanup() {
    for c in $("$V" ps -a 2>/dev/null | awk 'NR > 1 && $1 ~ /^e2e-eng-/ {print $1}'); do "$V" rm -f "$c" >/dev/null 2>&1; done
    [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
api() { curl -s --unix-socket "$sock" "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

start_engine
check "the engine answers on its socket" test -S "$sock"
eq "the engine's parent is its reaper" "$reaper_pid" "$(ppid "$engine_pid")"
eq "the reaper is vessel-init" "vessel-init" "$(cat "/proc/$reaper_pid/comm")"
eq "its socket is root's only" "600" "$(stat -c %a "$sock")"
eq "/v1/engine names its root" "$root" "$(api http://vessel/v1/engine | field "['root']")"
out=$("$V" daemon --root "$root" --socket "$work/other.sock" 2>&1); code=$?
check "a second engine on the same root is refused" test $code -ne 0
contains "a second engine: says why" "another engine (pid $engine_pid) uses $root" "$out"
check "a second engine: no socket left" test ! -e "$work/other.sock"

# Restart policy: on-failure:2 runs it three times, then leaves it exited with its status.
eq "run -d prints the name" e2e-eng-fail "$("$V" run -d --name e2e-eng-fail --restart on-failure:2 busybox sh -c 'echo run; exit 3')"
settled() { [ "$(api http://vessel/v1/containers/e2e-eng-fail | field "['restartCount']")" = 2 ] && "$V" ps -a | grep -q '^e2e-eng-fail .*exited(3)'; }
check "on-failure:2: restarted twice, then exited(3)" until_true 60 settled
eq "on-failure:2: one log across its three runs" "run run run" "$("$V" logs e2e-eng-fail | tr '\n' ' ' | sed 's/ $//')"
events=$(api "http://vessel/v1/events?until=$(date -u -d '+1 second' +%Y-%m-%dT%H:%M:%SZ)" | python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, filter(str.strip, sys.stdin)) if e["id"] == "e2e-eng-fail"))')
eq "events: create, then start/die three times, each restart announced before its start" "create start die restart start die restart start die" "$events"

# A container outlives a SIGKILL of its engine; the next engine adopts it and sees its exit.
"$V" run -d --name e2e-eng-keep busybox sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done' >/dev/null
"$V" run -d --name e2e-eng-ends busybox sh -c 'sleep 4; exit 6' >/dev/null
# Read at once through the API (a `vessel ps` JVM each could outlast the container under load).
keep_pid=$(api http://vessel/v1/containers/e2e-eng-keep | field "['pid']")
ends_monitor=$(ppid "$(api http://vessel/v1/containers/e2e-eng-ends | field "['pid']")")
check "the monitor of the second container is known (pid $ends_monitor)" test -n "$ends_monitor"
first_reaper=$reaper_pid
kill -9 "$engine_pid"; until_true 10 gone "$engine_pid"; engine_pid=
check "kill -9 of the engine: its container runs on" test -d "/proc/$keep_pid"
out=$("$V" run -d --name e2e-eng-none busybox true 2>&1); code=$?
check "no engine: run -d fails" test $code -ne 0
contains "no engine: says where it looked and what to do" "no engine answers on $sock: start one with \`vessel daemon\`" "$out"
ended() { grep -q '^status' "$root/containers/e2e-eng-ends/exit" 2>/dev/null; }
check "the other container exits while no engine runs (its monitor records it)" until_true 30 ended
check "its monitor, orphaned by the engine's death, is reaped (not left a zombie)" until_true 10 gone "$ends_monitor"
check "the dead engine's reaper stays while a monitor of it lives" test -d "/proc/$first_reaper"
start_engine
eq "the next engine adopts the running container" "$keep_pid running" "$("$V" ps | awk '$1 == "e2e-eng-keep" {print $2, $3}')"
contains "and records the exit it missed" "exited(6)" "$("$V" ps -a | awk '$1 == "e2e-eng-ends"')"
"$V" stop e2e-eng-keep >/dev/null
contains "stop of the adopted container: its TERM trap's status" "exited(9)" "$("$V" ps -a | awk '$1 == "e2e-eng-keep"')"
check "the dead engine's reaper exits once its last monitor is gone" until_true 10 gone "$first_reaper"

# Bad input: one line naming the value and what to do, a non-zero exit, nothing left.
bad() {
    local what="$1" expect="$2"; shift 2
    local out code
    out=$("$V" run -d "$@" 2>&1); code=$?
    check "$what: non-zero exit" test $code -ne 0
    eq "$what: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
    contains "$what: says why" "$expect" "$out"
    eq "$what: nothing left" "" "$(ls "$root/containers" | grep e2e-eng-bad; ls "$root/runtime" 2>/dev/null | grep e2e-eng-bad; \
        api http://vessel/v1/containers/e2e-eng-bad | grep -v 'no such container'; grep -F "$root/snapshots/containers/e2e-eng-bad/" /proc/self/mountinfo; \
        ls -d /sys/fs/cgroup/*/vessel/e2e-eng-bad 2>/dev/null)"
}
bad "unknown restart policy" '--restart "sometimes": unknown restart policy' --name e2e-eng-bad --restart sometimes busybox true
bad "--memory not a size" 'lots' --name e2e-eng-bad --memory lots busybox true
bad "missing command" 'nosuchcmd' --name e2e-eng-bad busybox nosuchcmd
bad "no such image" 'nosuchimage' --name e2e-eng-bad 127.0.0.1:9/nosuchimage true
bad "name in use" 'the name "e2e-eng-keep" is already in use' --name e2e-eng-keep busybox true
"$V" run -d --name e2e-eng-bad busybox nosuchcmd >/dev/null 2>&1; eq "missing command: exit 127, as docker" 127 "$?"
r=$(api -X POST -H 'Content-Type: application/json' -d '{"image":"busybox","memroy":"1g"}' -w ' %{http_code}' http://vessel/v1/containers)
contains "API: an unknown field is a 400" " 400" "$r"
contains "API: naming the field" '"field":"memroy"' "$r"
contains "API: an unknown path is a 404 in JSON" '{"message":"no such endpoint: GET /v1/nothing' "$(api http://vessel/v1/nothing)"

# /metrics, in Prometheus' text format.
m=$(api http://vessel/metrics)
contains "metrics: containers by state" 'vessel_containers{state="exited"} 3.0' "$m"
contains "metrics: restarts per container" 'vessel_container_restarts_total{id="e2e-eng-fail",image="busybox",name="e2e-eng-fail"} 2.0' "$m"
contains "metrics: API requests, by route and status" 'vessel_api_requests_total{code="400",method="POST",route="/v1/containers"}' "$m"

# Health checks, and --health-on-failure=restart on a host without systemd.
"$V" run -d --name e2e-eng-health --health-cmd 'test -e /tmp/ok && echo ok' --health-interval 200ms --health-retries 2 \
    --health-on-failure restart busybox sh -c 'touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 300' >/dev/null
healthy() { "$V" ps | grep -q '^e2e-eng-health .*running(healthy)'; }
check "health: ps shows it running(healthy)" until_true 30 healthy
restarted() { [ "$(api http://vessel/v1/containers/e2e-eng-health | field "['restartCount']")" -ge 1 ]; }
check "health: unhealthy, so restarted (--health-on-failure=restart)" until_true 30 restarted
contains "health: inspect has the last results" '"output" : "ok\n"' "$("$V" inspect e2e-eng-health)"
"$V" rm -f e2e-eng-health >/dev/null
bad "--health-on-failure not an action" '--health-on-failure "sometimes"' --name e2e-eng-bad --health-cmd true --health-on-failure sometimes busybox true
out=$("$V" run --rm --health-cmd true busybox true 2>&1); code=$?
check "--health-cmd without -d: refused" test $code -ne 0
contains "--health-cmd without -d: says why" "only the engine runs health checks" "$out"

# inspect, wait, kill, events: what only the engine can answer.
t0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$V" run -d --name e2e-eng-wait busybox sh -c 'sleep 1; exit 5' >/dev/null
eq "wait: blocks, then prints the exit code" 5 "$("$V" wait e2e-eng-wait)"
eq "inspect: state and exit code" "exited 5" "$("$V" inspect e2e-eng-wait | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]; print(c["state"], c["exitCode"])')"
out=$("$V" inspect e2e-eng-nosuch 2>&1 >/dev/null); code=$?
check "inspect of an unknown container: non-zero" test $code -ne 0
contains "inspect of an unknown container: says so" "no such container: e2e-eng-nosuch" "$out"
"$V" run -d --name e2e-eng-kill busybox sleep 300 >/dev/null
out=$("$V" kill -s NOPE e2e-eng-kill 2>&1); code=$?
check "kill -s NOPE: non-zero" test $code -ne 0
contains "kill -s NOPE: names the value" 'signal="NOPE"' "$out"
eq "kill: prints the name" e2e-eng-kill "$("$V" kill e2e-eng-kill)"
eq "kill: the container ends by SIGKILL" 137 "$("$V" wait e2e-eng-kill)"
ev=$("$V" events --since "$t0" --until "$(date -u -d '+1 second' +%Y-%m-%dT%H:%M:%SZ)")
contains "events: the create, with its image" "container create e2e-eng-wait (image=busybox, name=e2e-eng-wait)" "$ev"
contains "events: the die, with its exit code" "container die e2e-eng-wait (exitCode=5, name=e2e-eng-wait)" "$ev"
contains "events: the kill" "container kill e2e-eng-kill (signal=9)" "$ev"

for c in e2e-eng-fail e2e-eng-keep e2e-eng-ends e2e-eng-wait e2e-eng-kill; do "$V" rm "$c" >/dev/null; done
eq "rm: nothing of them left" "" "$(ls "$root/containers"; ls "$root/runtime" 2>/dev/null; grep -F "$root" /proc/self/mountinfo)"
"$V" daemon stop; eq "daemon stop" 0 "$?"
check "daemon stop: the engine is gone" gone "$engine_pid"
check "daemon stop: its socket is gone" test ! -e "$sock"
check "daemon stop: its reaper, with nothing left below it, too" until_true 10 gone "$reaper_pid"
wait "$reaper_pid"; eq "the reaper's status is the engine's" 0 "$?"
start_engine
kill -TERM "$reaper_pid"
check "SIGTERM to the reaper reaches the engine, which stops" until_true 30 gone "$engine_pid"
check "SIGTERM: the engine removed its socket (a clean stop)" test ! -e "$sock"
wait "$reaper_pid"; eq "SIGTERM: the reaper exits with the engine's status" 143 "$?"
engine_pid=
finish
