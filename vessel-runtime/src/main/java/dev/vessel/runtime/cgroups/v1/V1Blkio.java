package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code blkio}: proportional weight (CFQ's {@code blkio.weight} or, on kernels without CFQ,
 * BFQ's {@code blkio.bfq.weight}) and throttling per device.
 */
final class V1Blkio implements V1Controller {

    @Override
    public String name() {
        return "blkio";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.BlockIO b = r.blockIO();
        return b != null && (b.weight() != null || b.leafWeight() != null || notEmpty(b.weightDevice())
                || notEmpty(b.throttleReadBpsDevice()) || notEmpty(b.throttleWriteBpsDevice())
                || notEmpty(b.throttleReadIOPSDevice()) || notEmpty(b.throttleWriteIOPSDevice()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.BlockIO b = r.blockIO();
        if (b == null) {
            return;
        }
        boolean cfq = CgroupFiles.exists(dir, "blkio.weight");
        String weightFile = cfq ? "blkio.weight" : "blkio.bfq.weight";
        String weightDeviceFile = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
        if (b.weight() != null && b.weight() != 0) {
            requireFile(dir, weightFile, "linux.resources.blockIO.weight");
            CgroupFiles.write(who(), dir, weightFile, Integer.toString(b.weight()));
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            requireFile(dir, "blkio.leaf_weight", "linux.resources.blockIO.leafWeight");
            CgroupFiles.write(who(), dir, "blkio.leaf_weight", Integer.toString(b.leafWeight()));
        }
        if (b.weightDevice() != null) {
            for (LinuxResources.WeightDevice d : b.weightDevice()) {
                if (d.weight() != null && d.weight() != 0) {
                    requireFile(dir, weightDeviceFile, "linux.resources.blockIO.weightDevice");
                    CgroupFiles.write(who(), dir, weightDeviceFile, d.major() + ":" + d.minor() + " " + d.weight());
                }
                if (d.leafWeight() != null && d.leafWeight() != 0) {
                    requireFile(dir, "blkio.leaf_weight_device", "linux.resources.blockIO.weightDevice[].leafWeight");
                    CgroupFiles.write(who(), dir, "blkio.leaf_weight_device", d.major() + ":" + d.minor() + " " + d.leafWeight());
                }
            }
        }
        throttle(dir, "blkio.throttle.read_bps_device", b.throttleReadBpsDevice());
        throttle(dir, "blkio.throttle.write_bps_device", b.throttleWriteBpsDevice());
        throttle(dir, "blkio.throttle.read_iops_device", b.throttleReadIOPSDevice());
        throttle(dir, "blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice());
    }

    private void throttle(Path dir, String file, List<LinuxResources.ThrottleDevice> devices) {
        if (devices == null) {
            return;
        }
        for (LinuxResources.ThrottleDevice d : devices) {
            try {
                CgroupFiles.write(who(), dir, file, d.major() + ":" + d.minor() + " " + d.rate());
            } catch (CgroupException e) {
                if ("ENODEV".equals(e.errno())) {
                    throw new CgroupException(e.getMessage() + " (no block device " + d.major() + ":" + d.minor()
                            + " on this host; see /proc/partitions)", e.errno(), e);
                }
                throw e;
            }
        }
    }

    private void requireFile(Path dir, String file, String field) {
        if (!CgroupFiles.exists(dir, file)) {
            throw new CgroupException(who() + ": " + field + " needs " + file + ", which this kernel lacks "
                    + "(no CFQ or BFQ I/O scheduler): remove it");
        }
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    /**
     * Bytes and operations per device. The scheduler's counters (CFQ, then BFQ) when it has
     * any, else the throttle layer's, which sees every bio (runc's order).
     */
    static CgroupStats.Blkio stats(Path dir) {
        for (String prefix : new String[] {"blkio.", "blkio.bfq."}) {
            if (CgroupFiles.exists(dir, prefix + "io_service_bytes_recursive")) {
                List<CgroupStats.BlkioEntry> bytes = entries(dir, prefix + "io_service_bytes_recursive");
                if (!bytes.isEmpty()) {
                    return new CgroupStats.Blkio(bytes, entries(dir, prefix + "io_serviced_recursive"));
                }
            }
        }
        return new CgroupStats.Blkio(entries(dir, "blkio.throttle.io_service_bytes_recursive"),
                entries(dir, "blkio.throttle.io_serviced_recursive"));
    }

    /** "major:minor Op value" lines; the trailing "Total n" line is a sum, not an entry. */
    static List<CgroupStats.BlkioEntry> entries(Path dir, String file) {
        List<CgroupStats.BlkioEntry> out = new ArrayList<>();
        if (!CgroupFiles.exists(dir, file)) {
            return out;
        }
        for (String line : CgroupFiles.read("cgroup v1 blkio", dir, file).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                continue;
            }
            String[] mm = f[0].split(":");
            if (mm.length == 2) {
                out.add(new CgroupStats.BlkioEntry(Long.parseLong(mm[0]), Long.parseLong(mm[1]), f[1],
                        Long.parseUnsignedLong(f[2])));
            }
        }
        return out;
    }
}
