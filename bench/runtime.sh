#!/usr/bin/env bash
# Vessel's OCI runtime vs runc, same machine, same bundle, same run (issue 2 section 7, issue 3 section 6).
#   - N (default 100) sequential `run` of /bin/true
#   - N sequential create + start + delete
#   - N sequential `exec /bin/true` into a running container
#   - 20 creates in parallel (median of 3 batches)
#   - peak RSS of one CLI invocation (`state` of a created container, and `run`)
# Prints each median and the Vessel/runc ratio. Not a test: no pass/fail. Needs root.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${N:-100}"
command -v runc >/dev/null || apt-get install -y -qq runc >/dev/null
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -x /bin/busybox ] || apt-get install -y -qq busybox-static >/dev/null

VR="$PWD/bin/vessel-runtime"
"$VR" --version >/dev/null   # builds on first use and trains the AOT cache; not timed

work="$(mktemp -d /tmp/vessel-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in sh true; do ln -s busybox "$bundle/rootfs/bin/$a"; done
(cd "$bundle" && runc spec)
# Non-interactive /bin/true, no terminal: the same config for both runtimes.
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"), indent=2)
PY

now_ms() { date +%s%N | awk '{printf "%.3f", $1/1e6}'; }

# time_loop NAME CMD...: runs CMD N times (with $i substituted), prints per-run ms to stdout.
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

bench_run() {
    local rt="$1" root="$2" i t0 t1
    for i in $(seq "$N"); do
        t0=$(now_ms)
        "$rt" --root "$root" run --bundle "$bundle" "b$i" >/dev/null 2>&1 || { echo "run failed: $rt" >&2; exit 1; }
        t1=$(now_ms)
        echo "$t1 - $t0" | bc
    done
}

bench_lifecycle() {
    local rt="$1" root="$2" i t0 t1
    for i in $(seq "$N"); do
        t0=$(now_ms)
        "$rt" --root "$root" create --bundle "$bundle" "c$i" >/dev/null 2>&1 || { echo "create failed: $rt" >&2; exit 1; }
        "$rt" --root "$root" start "c$i" >/dev/null 2>&1
        "$rt" --root "$root" delete --force "c$i" >/dev/null 2>&1
        t1=$(now_ms)
        echo "$t1 - $t0" | bc
    done
}

bench_exec() {
    local rt="$1" root="$2" i t0 t1
    set_args '["/bin/sh", "-c", "sleep 1000"]'
    "$rt" --root "$root" run -d --bundle "$bundle" ex >/dev/null 2>&1 || { echo "run -d failed: $rt" >&2; exit 1; }
    for i in $(seq "$N"); do
        t0=$(now_ms)
        "$rt" --root "$root" exec ex /bin/true >/dev/null 2>&1
        t1=$(now_ms)
        echo "$t1 - $t0" | bc
    done
    "$rt" --root "$root" delete --force ex >/dev/null 2>&1
    set_args '["/bin/true"]'
}

# 20 creates at once; prints the wall time of the whole batch in ms.
bench_parallel() {
    local rt="$1" root="$2" t0 t1
    t0=$(now_ms)
    seq 20 | xargs -P 20 -I{} "$rt" --root "$root" create --bundle "$bundle" "p{}" >/dev/null 2>&1
    t1=$(now_ms)
    echo "$t1 - $t0" | bc
    seq 20 | xargs -P 4 -I{} "$rt" --root "$root" delete --force "p{}" >/dev/null 2>&1
}

set_args() { python3 - "$bundle/config.json" "$1" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["process"]["args"] = json.loads(sys.argv[2])
json.dump(c, open(p, "w"), indent=2)
PY
}

rss_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

command -v bc >/dev/null || apt-get install -y -qq bc >/dev/null

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); runc $(runc --version | head -1 | awk '{print $3}'); N=$N"
v_run=$(bench_run "$VR" "$work/vroot" | median)
r_run=$(bench_run runc "$work/rroot" | median)
v_lc=$(bench_lifecycle "$VR" "$work/vroot" | median)
r_lc=$(bench_lifecycle runc "$work/rroot" | median)

v_exec=$(bench_exec "$VR" "$work/vroot" | median)
r_exec=$(bench_exec runc "$work/rroot" | median)
v_par=$(for k in 1 2 3; do bench_parallel "$VR" "$work/vroot"; done | median)
r_par=$(for k in 1 2 3; do bench_parallel runc "$work/rroot"; done | median)

"$VR" --root "$work/vroot" create --bundle "$bundle" rss >/dev/null 2>&1
runc --root "$work/rroot" create --bundle "$bundle" rss >/dev/null 2>&1
v_rss_state=$(rss_kb "$VR" --root "$work/vroot" state rss)
r_rss_state=$(rss_kb runc --root "$work/rroot" state rss)
"$VR" --root "$work/vroot" delete --force rss >/dev/null 2>&1
runc --root "$work/rroot" delete --force rss >/dev/null 2>&1
v_rss_run=$(rss_kb "$VR" --root "$work/vroot" run --bundle "$bundle" rss2)
r_rss_run=$(rss_kb runc --root "$work/rroot" run --bundle "$bundle" rss2)

printf '%-28s %10s %10s %8s\n' "median (ms)" vessel runc ratio
printf '%-28s %10s %10s %8.2f\n' "run /bin/true" "$v_run" "$r_run" "$(echo "$v_run / $r_run" | bc -l)"
printf '%-28s %10s %10s %8.2f\n' "create+start+delete" "$v_lc" "$r_lc" "$(echo "$v_lc / $r_lc" | bc -l)"
printf '%-28s %10s %10s %8.2f\n' "exec /bin/true" "$v_exec" "$r_exec" "$(echo "$v_exec / $r_exec" | bc -l)"
printf '%-28s %10s %10s %8.2f\n' "20 parallel creates (batch)" "$v_par" "$r_par" "$(echo "$v_par / $r_par" | bc -l)"
printf '%-28s %10s %10s %8.2f\n' "peak RSS state (KiB)" "$v_rss_state" "$r_rss_state" "$(echo "$v_rss_state / $r_rss_state" | bc -l)"
printf '%-28s %10s %10s %8.2f\n' "peak RSS run (KiB)" "$v_rss_run" "$r_rss_run" "$(echo "$v_rss_run / $r_rss_run" | bc -l)"
