package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/**
 * {@code memory}: {@code memory.max}, {@code memory.low} (reservation) and
 * {@code memory.swap.max}. OCI's swap is the memory+swap total (a v1 notion), v2 limits swap
 * alone, so v2 gets {@code swap - limit} as runc does.
 */
final class V2Memory implements V2Controller {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.Memory m = r.memory();
        return m != null && (nonZero(m.limit()) || nonZero(m.reservation()) || nonZero(m.swap())
                || nonZero(m.kernelTCP()) || m.swappiness() != null || Boolean.TRUE.equals(m.disableOOMKiller()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.Memory m = r.memory();
        if (nonZero(m.kernelTCP())) {
            throw new CgroupException("linux.resources.memory.kernelTCP has no cgroup v2 equivalent: remove it");
        }
        // runc treats -1 as "unset" here: it is what Docker sends when the user did not choose.
        if (m.swappiness() != null && m.swappiness() != -1) {
            throw new CgroupException("linux.resources.memory.swappiness has no cgroup v2 equivalent "
                    + "(the kernel uses vm.swappiness for every cgroup): remove it");
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            throw new CgroupException("linux.resources.memory.disableOOMKiller has no cgroup v2 equivalent: remove it");
        }
        long limit = m.limit() == null ? 0 : m.limit();
        long swap = m.swap() == null ? 0 : m.swap();
        if (Boolean.TRUE.equals(m.checkBeforeUpdate()) && limit > 0) {
            long current = CgroupFiles.readLong(who(), dir, "memory.current");
            if (current > limit) {
                throw new CgroupException("linux.resources.memory.limit " + limit + " is below the container's "
                        + "current usage " + current + " (checkBeforeUpdate is set): free memory first or raise the limit");
            }
        }
        String swapValue = swapMax(limit, swap);
        // Swap first: lowering memory.max below usage makes the kernel swap out, and a smaller
        // swap.max written afterwards could then not hold what was just swapped.
        if (swapValue != null) {
            try {
                CgroupFiles.write(who(), dir, "memory.swap.max", swapValue);
            } catch (CgroupException e) {
                // No swap accounting (no swap or CONFIG_MEMCG_SWAP off): "no limit" and "no swap"
                // already hold.
                if (!("ENOENT".equals(e.errno()) && (swapValue.equals("max") || swapValue.equals("0")))) {
                    throw e;
                }
            }
        }
        if (limit != 0) {
            CgroupFiles.write(who(), dir, "memory.max", limit == -1 ? "max" : Long.toString(limit));
        }
        if (nonZero(m.reservation())) {
            CgroupFiles.write(who(), dir, "memory.low", m.reservation() == -1 ? "max" : Long.toString(m.reservation()));
        }
    }

    /** The memory.swap.max value for OCI limit and memory+swap, or null to leave it alone. */
    static String swapMax(long limit, long swap) {
        if (swap == 0) {
            return null;
        }
        if (swap == -1) {
            return "max";
        }
        if (limit == 0 || limit == -1) {
            throw new CgroupException("linux.resources.memory.swap " + swap + " needs a memory.limit: in cgroup v2 "
                    + "the swap limit is swap minus limit");
        }
        if (swap < limit) {
            throw new CgroupException("linux.resources.memory.swap " + swap + " is below memory.limit " + limit
                    + ": swap is the memory+swap total, so it must be at least the limit");
        }
        return Long.toString(swap - limit);
    }

    private static boolean nonZero(Long v) {
        return v != null && v != 0;
    }

    static CgroupStats.Memory stats(Path dir) {
        String who = "cgroup v2 memory";
        var raw = CgroupFiles.readKeyValues(who, dir, "memory.stat");
        long usage = CgroupFiles.readLong(who, dir, "memory.current");
        long peak = CgroupFiles.readLongOrZero(who, dir, "memory.peak");
        long limit = CgroupFiles.readLong(who, dir, "memory.max");
        var events = CgroupFiles.readKeyValues(who, dir, "memory.events");
        CgroupStats.MemoryEntry mem = new CgroupStats.MemoryEntry(limit, usage, peak, events.getOrDefault("max", 0L));
        CgroupStats.MemoryEntry swap = new CgroupStats.MemoryEntry(0, 0, 0, 0);
        if (CgroupFiles.exists(dir, "memory.swap.current")) {
            // runc reports swap as memory+swap, the v1 meaning, so consumers see one unit.
            long swapUsage = CgroupFiles.readLong(who, dir, "memory.swap.current");
            long swapLimit = CgroupFiles.readLong(who, dir, "memory.swap.max");
            long total = limit == CgroupStats.UNLIMITED || swapLimit == CgroupStats.UNLIMITED ? CgroupStats.UNLIMITED
                    : limit + swapLimit;
            swap = new CgroupStats.MemoryEntry(total, usage + swapUsage, 0, 0);
        }
        return new CgroupStats.Memory(raw.getOrDefault("file", 0L), mem, swap, new CgroupStats.MemoryEntry(0,
                raw.getOrDefault("kernel", raw.getOrDefault("kernel_stack", 0L) + raw.getOrDefault("slab", 0L)), 0, 0),
                new CgroupStats.MemoryEntry(0, raw.getOrDefault("sock", 0L), 0, 0), raw, events.getOrDefault("oom_kill", 0L));
    }
}
