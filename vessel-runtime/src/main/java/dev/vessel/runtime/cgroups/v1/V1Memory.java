package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code memory}: limit, reservation (soft limit), memory+swap, kernel limits, swappiness, OOM
 * killer. In v1 the OCI {@code swap} is the memory+swap total, which is exactly what
 * {@code memory.memsw.limit_in_bytes} holds.
 */
final class V1Memory implements V1Controller {
    static final String LIMIT = "memory.limit_in_bytes";
    static final String MEMSW = "memory.memsw.limit_in_bytes";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.Memory m = r.memory();
        return m != null && (m.limit() != null || m.reservation() != null || m.swap() != null
                || m.kernelTCP() != null || m.swappiness() != null || Boolean.TRUE.equals(m.disableOOMKiller()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.Memory m = r.memory();
        if (m == null) {
            return;
        }
        setLimitAndSwap(dir, m.limit() == null ? 0 : m.limit(), m.swap() == null ? 0 : m.swap());
        // memory.kernel is ignored, as runc ignores it: since Linux 5.16 the kernel accepts a write
        // to memory.kmem.limit_in_bytes, does nothing with it and logs a deprecation warning.
        // The TCP buffer limit still works (deprecated too); only where the file exists.
        if (m.kernelTCP() != null && m.kernelTCP() != 0 && CgroupFiles.exists(dir, "memory.kmem.tcp.limit_in_bytes")) {
            CgroupFiles.write(who(), dir, "memory.kmem.tcp.limit_in_bytes", Long.toString(m.kernelTCP()));
        }
        if (m.reservation() != null && m.reservation() != 0) {
            CgroupFiles.write(who(), dir, "memory.soft_limit_in_bytes", Long.toString(m.reservation()));
        }
        if (m.swappiness() != null) {
            if (m.swappiness() < 0 || m.swappiness() > 100) {
                throw new CgroupException("linux.resources.memory.swappiness " + m.swappiness()
                        + " is out of range: use 0-100");
            }
            CgroupFiles.write(who(), dir, "memory.swappiness", Long.toString(m.swappiness()));
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            CgroupFiles.write(who(), dir, "memory.oom_control", "1");
        }
    }

    /**
     * The kernel keeps memsw ≥ limit at every moment, so the order of the two writes depends
     * on whether we raise or lower: raising memsw first when it grows past the current limit,
     * else the limit first (runc's {@code setMemoryAndSwap}).
     */
    private void setLimitAndSwap(Path dir, long limit, long swap) {
        boolean hasMemsw = CgroupFiles.exists(dir, MEMSW);
        if (limit == -1 && swap == 0 && hasMemsw) {
            swap = -1; // unlimited memory with swap left unset means unlimited swap too
        }
        if (swap != 0 && !hasMemsw) {
            throw new CgroupException(who() + ": linux.resources.memory.swap needs " + MEMSW
                    + ", which this kernel lacks (boot with swapaccount=1, or remove swap)");
        }
        if (limit != 0 && swap != 0) {
            long current = CgroupFiles.readLong(who(), dir, LIMIT);
            if (swap == -1 || Long.compareUnsigned(current, swap) < 0) {
                writeSwap(dir, swap);
                writeLimit(dir, limit);
                return;
            }
        }
        writeLimit(dir, limit);
        writeSwap(dir, swap);
    }

    private void writeLimit(Path dir, long limit) {
        if (limit == 0) {
            return;
        }
        try {
            CgroupFiles.write(who(), dir, LIMIT, Long.toString(limit));
        } catch (CgroupException e) {
            if ("EBUSY".equals(e.errno())) {
                long usage = CgroupFiles.readLong(who(), dir, "memory.usage_in_bytes");
                throw new CgroupException(e.getMessage() + " (the container uses more than that: " + usage
                        + " bytes now)", e.errno(), e);
            }
            if ("EINVAL".equals(e.errno()) && CgroupFiles.exists(dir, MEMSW)) {
                throw new CgroupException(e.getMessage() + " (memory.limit must not exceed memory.swap, "
                        + "which is the memory+swap total)", e.errno(), e);
            }
            throw e;
        }
    }

    private void writeSwap(Path dir, long swap) {
        if (swap == 0) {
            return;
        }
        try {
            CgroupFiles.write(who(), dir, MEMSW, Long.toString(swap));
        } catch (CgroupException e) {
            if ("EINVAL".equals(e.errno())) {
                throw new CgroupException(e.getMessage() + " (memory.swap is the memory+swap total in cgroup v1 "
                        + "and must be at least memory.limit)", e.errno(), e);
            }
            throw e;
        }
    }

    static CgroupStats.Memory stats(Path dir) {
        String who = "cgroup v1 memory";
        Map<String, Long> raw = CgroupFiles.readKeyValues(who, dir, "memory.stat");
        return new CgroupStats.Memory(raw.getOrDefault("total_cache", raw.getOrDefault("cache", 0L)),
                entry(dir, "memory"), entry(dir, "memory.memsw"), entry(dir, "memory.kmem"),
                entry(dir, "memory.kmem.tcp"), raw, oomKills(dir));
    }

    private static CgroupStats.MemoryEntry entry(Path dir, String prefix) {
        String who = "cgroup v1 memory";
        if (!CgroupFiles.exists(dir, prefix + ".usage_in_bytes")) {
            return new CgroupStats.MemoryEntry(0, 0, 0, 0);
        }
        return new CgroupStats.MemoryEntry(
                CgroupFiles.readLong(who, dir, prefix + ".limit_in_bytes"),
                CgroupFiles.readLong(who, dir, prefix + ".usage_in_bytes"),
                CgroupFiles.readLong(who, dir, prefix + ".max_usage_in_bytes"),
                CgroupFiles.readLong(who, dir, prefix + ".failcnt"));
    }

    /** "oom_kill N" of memory.oom_control (Linux 4.13+), 0 on older kernels. */
    static long oomKills(Path dir) {
        return CgroupFiles.readKeyValues("cgroup v1 memory", dir, "memory.oom_control").getOrDefault("oom_kill", 0L);
    }
}
