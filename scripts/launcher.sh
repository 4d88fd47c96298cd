# Shared by bin/vessel and bin/vessel-runtime (sourced, not run).
# Finds a JDK 25, builds what is missing, prepares the AOT cache, and execs the JVM.
# Kept dependency-free (bash + coreutils): it runs before anything else exists.

# Engines (podman's conmon, containerd) may start us without HOME; the Maven wrapper needs one.
export HOME="${HOME:-/root}"
VESSEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$VESSEL_HOME/vessel-cli/target/dist"

vessel_die() { echo "vessel: $*" >&2; exit 127; }

# A JDK qualifies when its release file says JAVA_VERSION="25..." or newer.
vessel_jdk_ok() {
    local home="$1" v
    [ -x "$home/bin/java" ] && [ -f "$home/release" ] || return 1
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
    [ -n "$v" ] && [ "$v" -ge 25 ]
}

vessel_find_jdk() {
    local c
    if [ -n "${JAVA_HOME:-}" ] && vessel_jdk_ok "$JAVA_HOME"; then echo "$JAVA_HOME"; return; fi
    for c in /usr/lib/jvm/*; do
        if vessel_jdk_ok "$c"; then echo "$c"; return; fi
    done
    if command -v java >/dev/null 2>&1; then
        c="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
        if vessel_jdk_ok "$c"; then echo "$c"; return; fi
    fi
    vessel_die "needs a JDK 25 or newer: set JAVA_HOME, or install one (Debian/Ubuntu: a Temurin 25 or openjdk-25-jdk package under /usr/lib/jvm)"
}

# OS packages Vessel uses at run time or build time. Installed when root on Debian/Ubuntu, named otherwise.
VESSEL_PACKAGES="busybox-static gcc libc6-dev iproute2"
vessel_ensure_packages() {
    local missing="" p
    for p in $VESSEL_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "vessel: installing OS packages:$missing" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 \
          || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2; } \
          || vessel_die "could not install:$missing"
    else
        vessel_die "please install these packages:$missing"
    fi
}

# Build when the dist is missing. With VESSEL_REBUILD=auto (bin/vessel's default), also rebuild
# when a source of the modules it runs is newer. bin/vessel-runtime does not: engines call it
# mid-operation, where a rebuild would stall or break a container's lifecycle.
vessel_ensure_built() {
    local stamp="$DIST/.built"
    if [ -f "$stamp" ] && [ "${VESSEL_REBUILD:-auto}" != auto ]; then
        return 0
    fi
    # Only the modules the dist is built from (vessel-cli and what it depends on) count.
    if [ -f "$stamp" ] && [ -z "$(find "$VESSEL_HOME/pom.xml" "$VESSEL_HOME/vessel-linux" "$VESSEL_HOME/vessel-runtime" \
            "$VESSEL_HOME/vessel-image" "$VESSEL_HOME/vessel-engine" "$VESSEL_HOME/vessel-vmm" "$VESSEL_HOME/vessel-cli" -path '*/target' -prune -o \
            \( -name '*.java' -o -name '*.c' -o -name 'pom.xml' \) -newer "$stamp" -print -quit 2>/dev/null)" ]; then
        return 0
    fi
    command -v dpkg-query >/dev/null 2>&1 && vessel_ensure_packages
    echo "vessel: building (first use or sources changed)..." >&2
    (cd "$VESSEL_HOME" && JAVA_HOME="$JDK" ./mvnw -B -q -DskipTests -pl vessel-cli -am package >&2) \
        || vessel_die "build failed; run ./mvnw -DskipTests package in $VESSEL_HOME to see why"
    vessel_finish_dist
}

# After a Maven build: put the helper beside the jars, make every jar's classes archivable in
# the AOT cache (scripts/ClassfileUpgrade.java says why), train the two CLIs' AOT caches now
# (a training run starts a throwaway container; an engine's first call should not wait for
# it), and stamp the dist.
vessel_finish_dist() {
    cp "$VESSEL_HOME/vessel-runtime/target/native/vessel-init" "$DIST/vessel-init"
    "$JDK/bin/java" "$VESSEL_HOME/scripts/ClassfileUpgrade.java" "$DIST"/lib/*.jar \
        || vessel_die "rewriting old class files in $DIST/lib failed (scripts/ClassfileUpgrade.java)"
    rm -f "$DIST"/*.aot
    vessel_train dev.vessel.runtime.cli.RuntimeMain runtime
    vessel_train dev.vessel.cli.VesselMain vessel
    touch "$DIST/.built"
}

# Sets OPTS, the JVM options of every call. Short CLI calls gain from C1 only; a long-running
# guest CPU loop (VESSEL_JIT=full) needs C2.
vessel_jvm_opts() {
    OPTS=(-XX:+UseSerialGC -XX:-UsePerfData -Xss1m
          --enable-native-access=ALL-UNNAMED -Dvessel.home="$VESSEL_HOME" -Dvessel.init="$DIST/vessel-init")
    if [ "${VESSEL_JIT:-c1}" = c1 ]; then
        # Core reflection (picocli's fields, Jackson's record constructors) through native
        # accessors, as before JEP 416: the method-handle accessors spin a class per member at
        # run time, which the AOT cache cannot hold. ~10% of a `vessel-runtime run` (A/B, 16 runs).
        OPTS+=(-XX:TieredStopAtLevel=1 -Djdk.reflect.useNativeAccessorOnly=true)
    fi
}

# vessel_train MAIN_CLASS NAME: one run of the hidden "aot-train" verb records what calls load
# and link into DIST/NAME.aot. Written under a temporary name and renamed, so that concurrent
# first calls (an engine starting several containers) never read a half-written cache.
vessel_train() {
    local main="$1" name="$2" tmp="$DIST/$2.aot.$$"
    vessel_jvm_opts
    "$JDK/bin/java" "${OPTS[@]}" -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off \
        -cp "$DIST/lib/*" "$main" aot-train >/dev/null 2>&1 && mv -f "$tmp" "$DIST/$name.aot"
    rm -f "$tmp" "$tmp.config"
}

# vessel_exec MAIN_CLASS NAME ARGS...: runs the JVM with the AOT cache for NAME, training it first if missing.
vessel_exec() {
    local main="$1" name="$2"; shift 2
    JDK="$(vessel_find_jdk)"
    vessel_ensure_built
    local aot="$DIST/$name.aot"
    [ -f "$aot" ] || vessel_train "$main" "$name"
    vessel_jvm_opts
    if [ -f "$aot" ]; then
        OPTS+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off)
    fi
    if [ -n "${VESSEL_REAPER:-}" ]; then
        unset VESSEL_REAPER
        exec "$DIST/vessel-init" reap "$JDK/bin/java" "${OPTS[@]}" -cp "$DIST/lib/*" "$main" "$@"
    fi
    exec "$JDK/bin/java" "${OPTS[@]}" -cp "$DIST/lib/*" "$main" "$@"
}
