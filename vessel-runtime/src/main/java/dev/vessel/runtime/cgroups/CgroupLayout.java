package dev.vessel.runtime.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How cgroups are mounted on this host, read from {@code /proc/self/mountinfo}, and where the
 * calling process sits in them, read from {@code /proc/self/cgroup}.
 *
 * <ul>
 *   <li>{@link Mode#V2}: cgroup2 mounted at {@code /sys/fs/cgroup} (unified);
 *   <li>{@link Mode#V1}: one cgroup (v1) mount per controller group, no cgroup2;
 *   <li>{@link Mode#HYBRID}: v1 controllers plus a cgroup2 mount (systemd puts it at
 *       {@code /sys/fs/cgroup/unified}) that holds no controller we use; like runc we use v1 for
 *       every controller and also join the cgroup2 tree so the process is tracked there.
 * </ul>
 *
 * @param v1 the v1 hierarchies (empty in V2 mode)
 * @param unified the cgroup2 mount (null in V1 mode)
 * @param self this process's cgroup per hierarchy key: each v1 controller ({@code memory},
 *     {@code name=systemd}) and {@code ""} for cgroup2
 */
public record CgroupLayout(Mode mode, List<Hierarchy> v1, Hierarchy unified, Map<String, String> self) {

    public enum Mode { V1, V2, HYBRID }

    /**
     * One mounted hierarchy.
     *
     * @param mountPoint where it is mounted, already resolved under the root given to {@link #parse}
     * @param root the cgroup mounted there (mountinfo field 4; "/" unless in a container)
     * @param controllers v1 controllers and {@code name=} names; empty for cgroup2
     */
    public record Hierarchy(Path mountPoint, String root, Set<String> controllers) {}

    /** Controllers cgroup v1 knows; other superblock options (rw, xattr, ...) are not controllers. */
    static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
            "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    /**
     * @param root the filesystem root the mount points are relative to ({@code /} on a host,
     *     a temporary directory in tests)
     */
    public static CgroupLayout parse(String mountinfo, String procSelfCgroup, Path root) {
        List<Hierarchy> v1 = new ArrayList<>();
        Set<Set<String>> seen = new LinkedHashSet<>();
        Hierarchy unifiedAtTop = null;
        Hierarchy unifiedElsewhere = null;
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            int dash = indexOf(f, "-");
            if (dash < 6 || f.length < dash + 3) {
                throw new CgroupException("cannot parse mountinfo line: " + line);
            }
            String fstype = f[dash + 1];
            String cgroupRoot = unescape(f[3]);
            String mountPoint = unescape(f[4]);
            Path dir = root.resolve(mountPoint.substring(1));
            if (fstype.equals("cgroup2")) {
                Hierarchy h = new Hierarchy(dir, cgroupRoot, Set.of());
                if (mountPoint.equals("/sys/fs/cgroup")) {
                    unifiedAtTop = h;
                } else if (unifiedElsewhere == null) {
                    unifiedElsewhere = h;
                }
            } else if (fstype.equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String opt : f[dash + 3].split(",")) {
                    if (V1_CONTROLLERS.contains(opt) || opt.startsWith("name=")) {
                        controllers.add(opt);
                    }
                }
                // A hierarchy bind-mounted twice is one hierarchy: keep its first mount.
                if (!controllers.isEmpty() && seen.add(controllers)) {
                    v1.add(new Hierarchy(dir, cgroupRoot, Set.copyOf(controllers)));
                }
            }
        }
        Map<String, String> self = parseSelf(procSelfCgroup);
        if (unifiedAtTop != null) {
            return new CgroupLayout(Mode.V2, List.of(), unifiedAtTop, self);
        }
        if (v1.isEmpty()) {
            if (unifiedElsewhere != null) {
                return new CgroupLayout(Mode.V2, List.of(), unifiedElsewhere, self);
            }
            throw new CgroupException("no cgroup filesystem is mounted (mountinfo has neither cgroup nor cgroup2); "
                    + "mount cgroup2 at /sys/fs/cgroup");
        }
        return new CgroupLayout(unifiedElsewhere == null ? Mode.V1 : Mode.HYBRID, List.copyOf(v1), unifiedElsewhere, self);
    }

    /** {@code /proc/self/cgroup}: "id:controller,controller:path" per line; cgroup2 is "0::path". */
    public static Map<String, String> parseSelf(String text) {
        Map<String, String> self = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(":", 3);
            if (f.length != 3) {
                throw new CgroupException("cannot parse /proc/self/cgroup line: " + line);
            }
            if (f[1].isEmpty()) {
                self.put("", f[2]);
            } else {
                for (String c : f[1].split(",")) {
                    self.put(c, f[2]);
                }
            }
        }
        return self;
    }

    /** The v1 hierarchy holding {@code controller}, or null when it is not mounted. */
    public Hierarchy v1(String controller) {
        for (Hierarchy h : v1) {
            if (h.controllers().contains(controller)) {
                return h;
            }
        }
        return null;
    }

    private static int indexOf(String[] f, String s) {
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
