#!/usr/bin/env bash
# Images (issue 4 section 7), in one run on this machine, against a throwaway docker-registry on
# 127.0.0.1: pull of a generated ~100 MB multi-layer image, Vessel vs `skopeo copy` (to a dir);
# unpack, Vessel vs `umoci unpack`; then the cached rebuild of an unchanged Containerfile
# through bin/vessel. Prints each round and the ratios. Not a test. Needs root (unpack).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
for p in docker-registry skopeo umoci curl; do command -v "$p" >/dev/null || apt-get install -y -qq "$p" >/dev/null; done
. scripts/launcher.sh
JDK="$(vessel_find_jdk)"; export JAVA_HOME="$JDK"
./mvnw -B -q -o -pl vessel-image -am test-compile >/dev/null 2>&1 || ./mvnw -B -q -pl vessel-image -am test-compile
./mvnw -B -q -o -pl vessel-image dependency:build-classpath -Dmdep.outputFile=/tmp/vessel-bench-cp.txt >/dev/null 2>&1 \
    || ./mvnw -B -q -pl vessel-image dependency:build-classpath -Dmdep.outputFile=/tmp/vessel-bench-cp.txt >/dev/null
work="$(mktemp -d /tmp/vessel-bench-images.XXXXXX)"
reg_pid=""
trap '[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 & reg_pid=$!
for i in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); skopeo $(skopeo --version | awk '{print $3}'); umoci $(umoci --version | awk '{print $3}')"
"$JDK/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "vessel-image/target/test-classes:vessel-image/target/classes:$(cat /tmp/vessel-bench-cp.txt)" \
    dev.vessel.image.bench.ImageBench "127.0.0.1:$port" "$work/bench"

# The same pull through the command lines, each a fresh process into an empty store: what a
# user types (bin/vessel pays its JVM start-up, with the launcher's AOT cache).
for i in 1 2 3; do
    t0=$(date +%s%N)
    JAVA_TOOL_OPTIONS="-Dvessel.storage=$work/cli-$i" bin/vessel pull -q --tls-verify=false "127.0.0.1:$port/bench/app:1" >/dev/null 2>&1
    t1=$(date +%s%N)
    skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/app:1" "dir:$work/cli-skopeo-$i" >/dev/null
    t2=$(date +%s%N)
    awk -v r="$i" -v v="$(( (t1 - t0) / 1000000 ))" -v s="$(( (t2 - t1) / 1000000 ))" \
        'BEGIN {printf "CLI pull round %d: bin/vessel pull %d ms  skopeo copy %d ms  ratio %.2f\n", r, v, s, v / s}'
done

# Cached rebuild through the CLI (JVM start-up included).
mkdir -p "$work/ctx"; printf 'FROM busybox\nRUN echo hi > /hi\nCOPY f /f\n' > "$work/ctx/Containerfile"; echo x > "$work/ctx/f"
bin/vessel build -t localhost/bench-rebuild:1 "$work/ctx" >/dev/null 2>&1
for i in 1 2 3; do
    t0=$(date +%s%N); bin/vessel build -t localhost/bench-rebuild:1 "$work/ctx" >/dev/null 2>&1; t1=$(date +%s%N)
    echo "cached rebuild round $i: $(( (t1 - t0) / 1000000 )) ms"
done
bin/vessel image rm localhost/bench-rebuild:1 >/dev/null 2>&1 || true
