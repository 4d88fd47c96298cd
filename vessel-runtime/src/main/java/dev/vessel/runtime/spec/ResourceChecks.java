package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.orEmpty;
import static dev.vessel.runtime.spec.Problems.q;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks of {@code linux.resources} (also the document of {@code update --resources}): values
 * the kernel would refuse, and values it would take that cannot be meant (a 1 KiB memory
 * limit, 0 CPU shares). -1 means "unlimited" where the spec allows it.
 */
final class ResourceChecks {

    /** Below this no process starts: the limit is a typo (bytes meant as KiB or MiB). */
    static final long MIN_MEMORY = 4L << 20;
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB|TB|PB)");
    private static final Pattern UNIFIED_KEY = Pattern.compile("[a-z_]+\\.[A-Za-z0-9_.]+");

    private ResourceChecks() {}

    static void check(LinuxResources r, String base, Problems out) {
        if (r == null) {
            return;
        }
        deviceRules(orEmpty(r.devices()), join(base, "devices"), out);
        if (r.memory() != null) {
            memory(r.memory(), join(base, "memory"), out);
        }
        if (r.cpu() != null) {
            cpu(r.cpu(), join(base, "cpu"), out);
        }
        if (r.pids() != null && r.pids().limit() != null && (r.pids().limit() == 0 || r.pids().limit() < -1)) {
            out.add(join(base, "pids.limit"), r.pids().limit() + " is not a process limit; give a positive number or -1 for no limit");
        }
        if (r.blockIO() != null) {
            blockIO(r.blockIO(), join(base, "blockIO"), out);
        }
        List<LinuxResources.HugepageLimit> huge = orEmpty(r.hugepageLimits());
        for (int i = 0; i < huge.size(); i++) {
            String at = join(base, "hugepageLimits[" + i + "]");
            if (huge.get(i).pageSize() == null || !PAGE_SIZE.matcher(huge.get(i).pageSize()).matches()) {
                out.add(at + ".pageSize", q(huge.get(i).pageSize()) + " is not a page size; write it like \"2MB\" or \"1GB\"");
            }
            nonNegative(at + ".limit", huge.get(i).limit(), out);
        }
        if (r.network() != null) {
            if (r.network().classID() != null && (r.network().classID() < 0 || r.network().classID() > Unsigned.UINT32_MAX)) {
                out.add(join(base, "network.classID"), r.network().classID() + " is outside 0..4294967295");
            }
            List<LinuxResources.InterfacePriority> prios = orEmpty(r.network().priorities());
            for (int i = 0; i < prios.size(); i++) {
                nonNegative(join(base, "network.priorities[" + i + "].priority"), prios.get(i).priority(), out);
            }
        }
        if (r.rdma() != null) {
            for (Map.Entry<String, LinuxResources.Rdma> e : r.rdma().entrySet()) {
                String at = JsonPaths.field(join(base, "rdma"), e.getKey());
                if (e.getValue() != null) {
                    nonNegative(at + ".hcaHandles", e.getValue().hcaHandles(), out);
                    nonNegative(at + ".hcaObjects", e.getValue().hcaObjects(), out);
                }
            }
        }
        if (r.unified() != null) {
            for (String key : r.unified().keySet()) {
                if (!UNIFIED_KEY.matcher(key).matches() || key.contains("..")) {
                    out.add(JsonPaths.field(join(base, "unified"), key),
                            "is not a cgroup v2 file name; write it as <controller>.<file>, e.g. \"memory.high\"");
                }
            }
        }
    }

    private static void deviceRules(List<LinuxResources.DeviceRule> rules, String base, Problems out) {
        for (int i = 0; i < rules.size(); i++) {
            LinuxResources.DeviceRule d = rules.get(i);
            String at = base + "[" + i + "]";
            if (d.type() != null && !List.of("a", "c", "b").contains(d.type())) {
                out.add(at + ".type", q(d.type()) + " is not a device rule type; use a (all), c (char) or b (block)");
            }
            if (d.access() != null && !d.access().matches("[rwm]{0,3}")
                    || d.access() != null && d.access().chars().distinct().count() != d.access().length()) {
                out.add(at + ".access", q(d.access()) + " is not an access set; use letters from \"rwm\", each once");
            }
            if (d.major() != null && d.major() < -1 || d.minor() != null && d.minor() < -1) {
                out.add(at, "has a negative major or minor number; leave it out (or -1) to match all");
            }
        }
    }

    private static void memory(LinuxResources.Memory m, String base, Problems out) {
        Long limit = m.limit();
        if (limit != null && (limit == 0 || limit < -1)) {
            out.add(join(base, "limit"), limit + " is not a memory limit; give bytes (at least " + MIN_MEMORY
                    + ") or -1 for no limit");
        } else if (limit != null && limit > 0 && limit < MIN_MEMORY) {
            out.add(join(base, "limit"), limit + " bytes is below 4 MiB, too little for any process to start; give at least "
                    + MIN_MEMORY + " (the value is in bytes)");
        }
        unlimitedOrNonNegative(join(base, "reservation"), m.reservation(), out);
        unlimitedOrNonNegative(join(base, "swap"), m.swap(), out);
        unlimitedOrNonNegative(join(base, "kernel"), m.kernel(), out);
        unlimitedOrNonNegative(join(base, "kernelTCP"), m.kernelTCP(), out);
        if (limit != null && limit > 0 && m.swap() != null && m.swap() > 0 && m.swap() < limit) {
            out.add(join(base, "swap"), m.swap() + " is below memory.limit " + limit
                    + "; swap is memory plus swap, so give at least the limit (or -1 for unlimited swap)");
        }
        if (limit != null && limit > 0 && m.reservation() != null && m.reservation() > limit) {
            out.add(join(base, "reservation"), m.reservation() + " is above memory.limit " + limit + "; a soft limit above the hard one has no effect");
        }
        if (m.swappiness() != null && (m.swappiness() < 0 || m.swappiness() > 100)) {
            out.add(join(base, "swappiness"), m.swappiness() + " is outside 0..100");
        }
    }

    private static void cpu(LinuxResources.Cpu c, String base, Problems out) {
        if (c.shares() != null && (c.shares() < 2 || c.shares() > 262144)) {
            out.add(join(base, "shares"), c.shares() + " is outside 2..262144 (1024 is the default weight)");
        }
        if (c.quota() != null && c.quota() != -1 && c.quota() < 1000) {
            out.add(join(base, "quota"), c.quota() + " is not a CPU quota; give at least 1000 (microseconds per period) or -1 for no limit");
        }
        if (c.period() != null && (c.period() < 1000 || c.period() > 1_000_000)) {
            out.add(join(base, "period"), c.period() + " is outside 1000..1000000 microseconds (100000 is the default)");
        }
        if (c.burst() != null) {
            if (c.burst() < 0) {
                out.add(join(base, "burst"), c.burst() + " is negative");
            } else if (c.quota() != null && c.quota() > 0 && c.burst() > c.quota()) {
                out.add(join(base, "burst"), c.burst() + " is above quota " + c.quota() + "; the kernel allows a burst up to the quota");
            }
        }
        unlimitedOrNonNegative(join(base, "realtimeRuntime"), c.realtimeRuntime(), out);
        if (c.realtimePeriod() != null && c.realtimePeriod() <= 0) {
            out.add(join(base, "realtimePeriod"), c.realtimePeriod() + " is not a positive number of microseconds");
        } else if (c.realtimePeriod() != null && c.realtimeRuntime() != null && c.realtimeRuntime() > c.realtimePeriod()) {
            out.add(join(base, "realtimeRuntime"), c.realtimeRuntime() + " is above realtimePeriod " + c.realtimePeriod());
        }
        ProcessChecks.cpuList(join(base, "cpus"), c.cpus(), out);
        ProcessChecks.cpuList(join(base, "mems"), c.mems(), out);
        if (c.idle() != null && c.idle() != 0 && c.idle() != 1) {
            out.add(join(base, "idle"), c.idle() + " is not 0 or 1");
        }
    }

    private static void blockIO(LinuxResources.BlockIO b, String base, Problems out) {
        weight(join(base, "weight"), b.weight(), out);
        weight(join(base, "leafWeight"), b.leafWeight(), out);
        List<LinuxResources.WeightDevice> wd = orEmpty(b.weightDevice());
        for (int i = 0; i < wd.size(); i++) {
            String at = join(base, "weightDevice[" + i + "]");
            weight(at + ".weight", wd.get(i).weight(), out);
            weight(at + ".leafWeight", wd.get(i).leafWeight(), out);
        }
        throttle(join(base, "throttleReadBpsDevice"), b.throttleReadBpsDevice(), out);
        throttle(join(base, "throttleWriteBpsDevice"), b.throttleWriteBpsDevice(), out);
        throttle(join(base, "throttleReadIOPSDevice"), b.throttleReadIOPSDevice(), out);
        throttle(join(base, "throttleWriteIOPSDevice"), b.throttleWriteIOPSDevice(), out);
    }

    private static void weight(String path, Integer w, Problems out) {
        if (w != null && (w < 10 || w > 1000)) {
            out.add(path, w + " is outside 10..1000");
        }
    }

    private static void throttle(String path, List<LinuxResources.ThrottleDevice> list, Problems out) {
        List<LinuxResources.ThrottleDevice> l = orEmpty(list);
        for (int i = 0; i < l.size(); i++) {
            nonNegative(path + "[" + i + "].rate", l.get(i).rate(), out);
            if (l.get(i).major() < 0 || l.get(i).minor() < 0) {
                out.add(path + "[" + i + "]", "has a negative major or minor number");
            }
        }
    }

    /** {@code base.name}, or just {@code name} for a resources document of its own. */
    private static String join(String base, String name) {
        return base.isEmpty() ? name : base + "." + name;
    }

    private static void unlimitedOrNonNegative(String path, Long v, Problems out) {
        if (v != null && v < -1) {
            out.add(path, v + " is negative; give a number of bytes or -1 for no limit");
        }
    }

    private static void nonNegative(String path, Long v, Problems out) {
        if (v != null && v < 0) {
            out.add(path, v + " is negative");
        }
    }
}
