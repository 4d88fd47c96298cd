#!/usr/bin/env bash
# The engine, against podman, in one run, interleaved. A private engine (its own --root and
# --socket under a temp directory) and podman with private storage, no network, the busybox
# image made from the same static binary. Columns:
#   vessel run -d          bin/vessel run -d busybox true, through the engine (client JVM included)
#   engine POST            curl's time for POST /v1/containers: the engine's own time to create
#                          and start a container (no client JVM)
#   podman run -d          podman run -d --network none
#   vessel ps / podman ps  listing (with the containers of the rounds above, exited)
# Then 100 containers started in parallel through the API (curl, 100 at once): errors, wall
# time, and the engine's RSS with the 100 idle. Prints medians (ms) and ratios to podman.
# Not a test: no pass/fail. Needs root. Docker is not compared here (see bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${N:-20}"
V="$PWD/bin/vessel"
work="$(mktemp -d /tmp/vessel-bench-engine.XXXXXX)"
sock="$work/engine.sock"
export VESSEL_HOST="unix://$sock"
. bench/lib.sh
api() { curl -s --unix-socket "$sock" "$@"; }
engine_pid=
cleanup() {
    for id in $(api 'http://vessel/v1/containers?all=true' | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))' 2>/dev/null); do
        api -X DELETE "http://vessel/v1/containers/$id?force=true" >/dev/null
    done
    [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null
    pm_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

pm_busybox_image sh true sleep
"$V" run --rm busybox true >/dev/null   # builds on first use, trains the AOT caches; not timed
VESSEL_JIT=full setsid "$V" daemon --root "$work/root" --socket "$sock" >"$work/engine.log" 2>&1 &
engine_pid=$!
until curl -sf --unix-socket "$sock" http://vessel/_ping -o /dev/null; do sleep 0.1; done
"$V" run -d busybox true >/dev/null     # the engine's first container: imports busybox; not timed
pm run -d --network none "${ULIMITS[@]}" "$IMG" true >/dev/null

post() {
    local i
    for i in $(seq "$N"); do
        api -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/json' \
            -d '{"image":"busybox","command":["true"]}' http://vessel/v1/containers \
            | awk '$1 != 201 {print "POST failed: " $0 > "/dev/stderr"; exit 1} {printf "%.3f\n", $2 * 1000}'
    done
}

machine_line
: > "$work/vd"; : > "$work/ep"; : > "$work/pd"; : > "$work/vps"; : > "$work/pps"
q=$((N / 4 > 0 ? N / 4 : 1))
for round in 1 2 3 4; do
    N=$q timed "$V" run -d busybox true >> "$work/vd"
    N=$q post >> "$work/ep"
    N=$q timed pm run -d --network none "${ULIMITS[@]}" "$IMG" true >> "$work/pd"
    N=$q timed "$V" ps -a >> "$work/vps"
    N=$q timed pm ps -a >> "$work/pps"
done
vd=$(median < "$work/vd"); ep=$(median < "$work/ep"); pd=$(median < "$work/pd")
vps=$(median < "$work/vps"); pps=$(median < "$work/pps")
printf '%-28s %10s %10s %10s\n' "median (ms)" vessel podman "ratio"
printf '%-28s %10s %10s %10.2f\n' "run -d busybox true" "$vd" "$pd" "$(echo "$vd / $pd" | bc -l)"
printf '%-28s %10s %10s %10.2f\n' "  engine POST (no client)" "$ep" "$pd" "$(echo "$ep / $pd" | bc -l)"
printf '%-28s %10s %10s %10.2f\n' "ps -a ($(($(pm ps -aq | wc -l))) containers)" "$vps" "$pps" "$(echo "$vps / $pps" | bc -l)"

# 100 at once through the API.
t0=$(now_ms)
seq 100 | xargs -P 100 -I{} curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}\n' -X POST \
    -H 'Content-Type: application/json' -d '{"image":"busybox","name":"par{}","command":["sleep","600"]}' \
    http://vessel/v1/containers > "$work/par"
t1=$(now_ms)
ok=$(grep -c '^201$' "$work/par" || true)
running=$(api 'http://vessel/v1/containers' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$engine_pid/status")
monitors=$(pgrep -c -P "$engine_pid" || true)
echo "100 in parallel: $ok answered 201, $((100 - ok)) errors, $running running, $(echo "($t1 - $t0) / 1000" | bc -l | xargs printf '%.1f') s wall;" \
    "engine RSS $((rss / 1024)) MiB with them idle ($monitors monitors, children of the engine)"
