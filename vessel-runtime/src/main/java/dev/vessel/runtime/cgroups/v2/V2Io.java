package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code io}: the OCI blockIO fields. Weight goes to BFQ's {@code io.bfq.weight} (same
 * 10–1000 scale as v1) when BFQ is there, else to {@code io.weight} converted to 1–10000;
 * throttles become {@code io.max} keys.
 */
final class V2Io implements V2Controller {

    @Override
    public String name() {
        return "io";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.BlockIO b = r.blockIO();
        return b != null && ((b.weight() != null && b.weight() != 0) || notEmpty(b.weightDevice())
                || notEmpty(b.throttleReadBpsDevice()) || notEmpty(b.throttleWriteBpsDevice())
                || notEmpty(b.throttleReadIOPSDevice()) || notEmpty(b.throttleWriteIOPSDevice()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.BlockIO b = r.blockIO();
        boolean bfq = CgroupFiles.exists(dir, "io.bfq.weight");
        if (b.weight() != null && b.weight() != 0) {
            if (bfq) {
                CgroupFiles.write(who(), dir, "io.bfq.weight", Integer.toString(b.weight()));
            } else {
                CgroupFiles.write(who(), dir, "io.weight", Long.toString(ioWeight(b.weight())));
            }
        }
        if (b.weightDevice() != null) {
            for (LinuxResources.WeightDevice d : b.weightDevice()) {
                if (d.weight() == null || d.weight() == 0) {
                    continue;
                }
                if (bfq) {
                    CgroupFiles.write(who(), dir, "io.bfq.weight", d.major() + ":" + d.minor() + " " + d.weight());
                } else {
                    CgroupFiles.write(who(), dir, "io.weight", d.major() + ":" + d.minor() + " " + ioWeight(d.weight()));
                }
            }
        }
        max(dir, "rbps", b.throttleReadBpsDevice());
        max(dir, "wbps", b.throttleWriteBpsDevice());
        max(dir, "riops", b.throttleReadIOPSDevice());
        max(dir, "wiops", b.throttleWriteIOPSDevice());
    }

    private void max(Path dir, String key, List<LinuxResources.ThrottleDevice> devices) {
        if (devices == null) {
            return;
        }
        for (LinuxResources.ThrottleDevice d : devices) {
            // io.max keeps the other keys of the device, so one write per key is enough.
            CgroupFiles.write(who(), dir, "io.max", d.major() + ":" + d.minor() + " " + key + "="
                    + (d.rate() == 0 ? "max" : Long.toString(d.rate())));
        }
    }

    /** blkio weight 10–1000 to io.weight 1–10000, runc's linear mapping. */
    static long ioWeight(long blkioWeight) {
        long w = Math.clamp(blkioWeight, 10, 1000);
        return 1 + (w - 10) * 9999 / 990;
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    /** io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device, as runc's Read/Write entries. */
    static CgroupStats.Blkio stats(Path dir) {
        List<CgroupStats.BlkioEntry> bytes = new ArrayList<>();
        List<CgroupStats.BlkioEntry> ios = new ArrayList<>();
        if (!CgroupFiles.exists(dir, "io.stat")) {
            return new CgroupStats.Blkio(bytes, ios);
        }
        for (String line : CgroupFiles.read("cgroup v2 io", dir, "io.stat").split("\n")) {
            String[] f = line.trim().split("\\s+");
            String[] mm = f[0].split(":");
            if (mm.length != 2) {
                continue;
            }
            long major = Long.parseLong(mm[0]);
            long minor = Long.parseLong(mm[1]);
            for (int i = 1; i < f.length; i++) {
                String[] kv = f[i].split("=");
                if (kv.length != 2) {
                    continue;
                }
                long v = Long.parseUnsignedLong(kv[1]);
                switch (kv[0]) {
                    case "rbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                    case "wbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                    case "rios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                    case "wios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                    default -> { } // discard counters have no runc field
                }
            }
        }
        return new CgroupStats.Blkio(bytes, ios);
    }
}
