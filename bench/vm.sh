#!/usr/bin/env bash
# Vessel's software RV64GC machine vs QEMU's TCG on the same riscv64 virt-like machine (issue 5 section 6).
# Same kernel Image, same initramfs, same kernel command line, same command, -smp 1, 256 MiB:
#   - host time from start to the command's first line, printed right after /init's ready marker
#     (Vessel keeps /init's markers off its output; includes JVM start)
#   - time of `seq 1 200000 | md5sum` in the guest, from the host (between two lines the guest
#     prints around it; the guest's own clock is not used)
#   - total time to power-off, and the process's peak RSS (and RSS beyond guest RAM)
# Median of RUNS (default 3). Prints medians and the Vessel/QEMU ratios. Not a test: no pass/fail. Needs root.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
RUNS="${RUNS:-3}"
command -v qemu-system-riscv64 >/dev/null || apt-get install -y -qq qemu-system-misc >/dev/null

bin/vessel vm run -- true   # builds the guest on first use, trains the AOT cache; not timed
kernel="$(ls -t /var/cache/vessel/kernel-*/Image | head -1)"
initrd="$(ls -t /var/cache/vessel/initramfs-*.cpio | head -1)"   # the command line's vessel.cmd overrides its own
work="$(mktemp -d /tmp/vessel-bench-vm.XXXXXX)"
trap 'rm -rf "$work"' EXIT

. scripts/launcher.sh
python3 - "$RUNS" "$kernel" "$initrd" "$(vessel_find_jdk)/bin/java" <<'PY'
import base64, os, statistics, subprocess, sys, time
runs, kernel, initrd, java = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
script = "echo BENCH-START; seq 1 200000 | md5sum; echo BENCH-END"
words = " ".join("'" + w.replace("'", "'\\''") + "'" for w in ["sh", "-c", script])
cmdparam = "vessel.cmd=" + base64.b64encode(words.encode()).decode()
append = "console=ttyS0 earlycon=sbi panic=-1 quiet " + cmdparam
mem_mib = 256
systems = {
    # Vessel adds its own console=/quiet arguments; the command goes in as the same vessel.cmd parameter.
    "vessel": ["bin/vessel", "vm", "run", "--memory", f"{mem_mib}m", "--cpus", "1", "--kernel", kernel,
               "--initrd", initrd, "--", "sh", "-c", script],
    # The same CLI on a JVM with C2: bin/vessel's launcher stops at C1 (-XX:TieredStopAtLevel=1) for fast
    # container verbs, which costs the CPU interpreter a lot.
    "vessel-c2": [java, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", "vessel-cli/target/dist/lib/*",
                  "dev.vessel.cli.VesselMain", "vm", "run", "--memory", f"{mem_mib}m", "--cpus", "1", "--kernel", kernel,
                  "--initrd", initrd, "--", "sh", "-c", script],
    "qemu": ["qemu-system-riscv64", "-M", "virt", "-bios", "default", "-m", f"{mem_mib}M", "-smp", "1",
             "-nographic", "-no-reboot", "-kernel", kernel, "-initrd", initrd, "-append", append],
}

def one(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, VESSEL_REBUILD="no"))
    marks, buf = {}, b""
    while True:
        d = p.stdout.read1(4096) if hasattr(p.stdout, "read1") else p.stdout.read(1)
        if not d:
            break
        buf += d
        now = time.monotonic() - t0
        for m in (b"BENCH-START", b"BENCH-END"):
            if m not in marks and m in buf:
                marks[m] = now
    _, status, ru = os.wait4(p.pid, 0)
    total = time.monotonic() - t0
    missing = [m.decode() for m in (b"BENCH-START", b"BENCH-END") if m not in marks]
    if missing or p.returncode not in (0, None) or status != 0:
        sys.exit(f"{cmd[0]}: run failed (missing {missing}); console tail: {buf[-800:]!r}")
    return {"boot to the command (s)": marks[b"BENCH-START"],
            "`seq 1 200000 \\| md5sum` (s)": marks[b"BENCH-END"] - marks[b"BENCH-START"],
            "total to power-off (s)": total,
            # QEMU touches guest RAM lazily, Vessel's RAM segment may not: compare totals, not "beyond RAM".
            "peak RSS (MiB)": ru.ru_maxrss / 1024}

results = {}
for name, cmd in systems.items():
    samples = [one(cmd) for _ in range(runs)]
    results[name] = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
print(f"kernel {kernel}\ninitrd {initrd}\nmedian of {runs}, load average {os.getloadavg()[0]:.1f}\n")
print("| measure | vessel | vessel (C2) | qemu TCG | vessel/qemu | vessel (C2)/qemu |\n|---|---:|---:|---:|---:|---:|")
for k in results["vessel"]:
    v, c, q = results["vessel"][k], results["vessel-c2"][k], results["qemu"][k]
    print(f"| {k} | {v:.2f} | {c:.2f} | {q:.2f} | {v / q:.2f} | {c / q:.2f} |")
PY
