# Tiny assertion helpers for the end-to-end scripts (sourced).
E2E_FAILS=0
E2E_PASSES=0
pass() { E2E_PASSES=$((E2E_PASSES + 1)); echo "  ok   $*"; }
fail() { E2E_FAILS=$((E2E_FAILS + 1)); echo "  FAIL $*"; }
# check NAME COMMAND...: passes when COMMAND exits 0.
check() { local n="$1"; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
# eq NAME EXPECTED ACTUAL
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }
# contains NAME NEEDLE HAYSTACK
contains() { case "$3" in *"$2"*) pass "$1";; *) fail "$1: [$3] does not contain [$2]";; esac; }
# until_true SECONDS COMMAND...: runs COMMAND every 0.1 s until it exits 0 or SECONDS have
# passed; fails in the latter case. For state that settles asynchronously, instead of a fixed sleep.
until_true() { local end=$((SECONDS + $1)); shift; until "$@"; do [ "$SECONDS" -ge "$end" ] && return 1; sleep 0.1; done; }
finish() { echo "$E2E_PASSES passed, $E2E_FAILS failed"; [ "$E2E_FAILS" = 0 ]; }
# busybox_bundle DIR: a rootfs of Debian's busybox-static and runc-compatible default config.
busybox_bundle() {
    mkdir -p "$1/rootfs/bin"
    cp /bin/busybox "$1/rootfs/bin/busybox"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$1/rootfs/bin/$a"; done
}
# set_json FILE PYTHON-EXPR-ON-c: edits a JSON file in place.
set_json() { python3 - "$1" "$2" <<'PY'
import json, sys
p, expr = sys.argv[1], sys.argv[2]
c = json.load(open(p))
exec(expr)
json.dump(c, open(p, "w"), indent=2)
PY
}
