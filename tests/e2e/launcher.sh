#!/usr/bin/env bash
# End to end: the launchers' start-up path. Every CLI call is a fresh JVM, so what the AOT
# cache holds decides much of a call's latency: picocli's class files must have been made
# archivable (scripts/ClassfileUpgrade.java), the cache must be used, and the training run,
# which takes a throwaway container through its lifecycle, must leave nothing behind.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. lib/assert.sh
VR="$(readlink -f ../../bin/vessel-runtime)"
DIST="$(readlink -f ../../vessel-cli/target/dist)"
work="$(mktemp -d /tmp/vessel-e2e.XXXXXX)"
trap 'rm -rf "$work"' EXIT

jar=$(ls "$DIST"/lib/picocli-*.jar)
major=$(python3 -c 'import sys, zipfile; b = zipfile.ZipFile(sys.argv[1]).read("picocli/CommandLine.class"); print(b[6] * 256 + b[7])' "$jar")
check "picocli's class files in the dist are version 50 or newer (found $major)" test "$major" -ge 50

# A fresh cache: trained on this call, used by the next.
rm -f "$DIST/runtime.aot"
cgroups_before=$(find /sys/fs/cgroup -name 'aot-train-*' 2>/dev/null | wc -l)
"$VR" --version >/dev/null
check "the first call trains the runtime's AOT cache" test -s "$DIST/runtime.aot"
eq "the training run left no temporary directory" "" "$(ls -d /tmp/vessel-aot-train* 2>/dev/null)"
eq "the training run left no cgroup" "$cgroups_before" "$(find /sys/fs/cgroup -name 'aot-train-*' 2>/dev/null | wc -l)"
eq "the training run left no process" "" "$(pgrep -f 'aot-train' || true)"

JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$work/classes.txt" "$VR" --version >/dev/null 2>&1
contains "picocli comes from the AOT cache" "picocli.CommandLine source: shared objects file" "$(grep 'picocli.CommandLine ' "$work/classes.txt")"
contains "the runtime's classes come from the AOT cache" "dev.vessel.runtime.cli.RuntimeMain source: shared objects file" \
    "$(grep 'dev.vessel.runtime.cli.RuntimeMain ' "$work/classes.txt")"
finish
