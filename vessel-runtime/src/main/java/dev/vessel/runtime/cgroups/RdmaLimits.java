package dev.vessel.runtime.cgroups;

import dev.vessel.runtime.spec.LinuxResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code linux.resources.rdma} as {@code rdma.max} lines, the same file and format in v1 and v2. */
public final class RdmaLimits {
    private RdmaLimits() {}

    public static boolean requested(LinuxResources r) {
        return r.rdma() != null && !r.rdma().isEmpty();
    }

    /** One "mlx4_0 hca_handle=2 hca_object=2000" line per device; a key left out keeps its value. */
    public static List<String> lines(Map<String, LinuxResources.Rdma> rdma) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, LinuxResources.Rdma> e : new TreeMap<>(rdma).entrySet()) {
            String dev = e.getKey();
            if (dev.isEmpty() || dev.contains(" ") || dev.contains("/") || dev.contains("\n")) {
                throw new CgroupException("linux.resources.rdma key \"" + dev + "\" is not an RDMA device name "
                        + "(see /sys/class/infiniband)");
            }
            LinuxResources.Rdma l = e.getValue();
            if (l == null || (l.hcaHandles() == null && l.hcaObjects() == null)) {
                continue;
            }
            StringBuilder line = new StringBuilder(dev);
            if (l.hcaHandles() != null) {
                line.append(" hca_handle=").append(l.hcaHandles());
            }
            if (l.hcaObjects() != null) {
                line.append(" hca_object=").append(l.hcaObjects());
            }
            out.add(line.toString());
        }
        return out;
    }
}
