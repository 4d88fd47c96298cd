package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.orEmpty;
import static dev.vessel.runtime.spec.Problems.q;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks of {@code linux} outside resources and seccomp, and of what depends on namespaces. */
final class LinuxChecks {

    /** The kernel refuses more lines in uid_map/gid_map (Linux 4.15+). */
    static final int MAX_MAPPINGS = 340;
    private static final List<String> PROPAGATIONS = List.of("private", "rprivate", "slave", "rslave",
            "shared", "rshared", "unbindable", "runbindable");
    private static final Set<String> DEVICE_TYPES = Set.of("c", "b", "u", "p");
    private static final List<String> CLOCKS = List.of("monotonic", "boottime");

    private LinuxChecks() {}

    static void check(Spec spec, Problems out) {
        Linux linux = spec.linux() == null ? emptyLinux() : spec.linux();
        namespaces(orEmpty(linux.namespaces()), out);
        userMappings(linux, out);
        if (spec.hostname() != null && !spec.hostname().isEmpty() && !linux.hasNamespace(Namespaces.UTS)) {
            out.add("hostname", q(spec.hostname()) + " needs a UTS namespace; add {\"type\": \"uts\"} to linux.namespaces");
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty() && !linux.hasNamespace(Namespaces.UTS)) {
            out.add("domainname", q(spec.domainname()) + " needs a UTS namespace; add {\"type\": \"uts\"} to linux.namespaces");
        }
        timeOffsets(linux, out);
        Sysctls.check(linux, out);
        devices(orEmpty(linux.devices()), out);
        String propagation = linux.rootfsPropagation();
        if (propagation != null && !propagation.isEmpty() && !PROPAGATIONS.contains(propagation)) {
            out.add("linux.rootfsPropagation", q(propagation) + " is not a propagation type"
                    + Problems.choices(propagation, PROPAGATIONS));
        }
        if ((!orEmpty(linux.maskedPaths()).isEmpty() || !orEmpty(linux.readonlyPaths()).isEmpty())
                && !linux.hasNamespace(Namespaces.MOUNT)) {
            // Masking /proc entries in the host's mount namespace would mask them for the host.
            out.add(orEmpty(linux.maskedPaths()).isEmpty() ? "linux.readonlyPaths" : "linux.maskedPaths",
                    "needs a mount namespace of the container's own; add {\"type\": \"mount\"} to linux.namespaces");
        }
        absolutePaths("linux.maskedPaths", linux.maskedPaths(), out);
        absolutePaths("linux.readonlyPaths", linux.readonlyPaths(), out);
        String cg = linux.cgroupsPath();
        if (cg != null && Problems.hasDotDot(cg)) {
            out.add("linux.cgroupsPath", q(cg) + " contains \"..\"; a cgroup path must stay below the cgroup root");
        }
        if (linux.personality() != null && !Problems.in(List.of("LINUX", "LINUX32"), linux.personality().domain())) {
            out.add("linux.personality.domain", Problems.notA(linux.personality().domain(), "supported") + "; use LINUX or LINUX32");
        }
        netDevices(linux, out);
        String closID = linux.intelRdt() == null ? null : linux.intelRdt().closID();
        if (closID != null && (closID.equals(".") || closID.equals("..") || closID.contains("/"))) {
            // The CLOS id names a directory under /sys/fs/resctrl.
            out.add("linux.intelRdt.closID", q(closID) + " is not a resctrl group name; use a plain name without \"/\"");
        }
    }

    static Linux emptyLinux() {
        return new Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static void namespaces(List<Linux.Namespace> namespaces, Problems out) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < namespaces.size(); i++) {
            Linux.Namespace ns = namespaces.get(i);
            String at = "linux.namespaces[" + i + "]";
            if (ns == null) {
                out.add(at, "is null; remove it or give {\"type\": ...}");
                continue;
            }
            if (!Namespaces.isKnown(ns.type())) {
                out.add(at + ".type", Problems.notA(ns.type(), "a namespace type") + Problems.choices(ns.type(), Namespaces.TYPES));
            } else if (seen.putIfAbsent(ns.type(), i) != null) {
                out.add(at + ".type", q(ns.type()) + " is already listed at linux.namespaces[" + seen.get(ns.type())
                        + "]; list each type once");
            }
            if (ns.path() != null && !ns.path().isEmpty() && !Problems.isAbsolute(ns.path())) {
                out.add(at + ".path", q(ns.path()) + " is not an absolute path; give the namespace file, e.g. "
                        + "\"/proc/1234/ns/" + Namespaces.procName(String.valueOf(ns.type())) + "\"");
            }
        }
    }

    private static void userMappings(Linux linux, Problems out) {
        Linux.Namespace userns = linux.namespace(Namespaces.USER);
        boolean newUserns = userns != null && (userns.path() == null || userns.path().isEmpty());
        boolean hasUid = !orEmpty(linux.uidMappings()).isEmpty();
        boolean hasGid = !orEmpty(linux.gidMappings()).isEmpty();
        if (newUserns) {
            String example = "e.g. [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]";
            if (!hasUid) {
                out.add("linux.uidMappings", "is empty but a new user namespace is requested; map at least uid 0, " + example);
            }
            if (!hasGid) {
                out.add("linux.gidMappings", "is empty but a new user namespace is requested; map at least gid 0, " + example);
            }
        } else if (userns == null && (hasUid || hasGid)) {
            out.add(hasUid ? "linux.uidMappings" : "linux.gidMappings",
                    "is set but there is no user namespace; add {\"type\": \"user\"} to linux.namespaces or remove the mappings");
        }
        mappings(linux.uidMappings(), "linux.uidMappings", out);
        mappings(linux.gidMappings(), "linux.gidMappings", out);
    }

    /** What the kernel checks when uid_map is written: sizes, overflow, overlaps, count. */
    static void mappings(List<Linux.IdMapping> mappings, String path, Problems out) {
        List<Linux.IdMapping> list = orEmpty(mappings);
        if (list.size() > MAX_MAPPINGS) {
            out.add(path, "has " + list.size() + " entries; the kernel accepts at most " + MAX_MAPPINGS);
        }
        for (int i = 0; i < list.size(); i++) {
            Linux.IdMapping m = list.get(i);
            String at = path + "[" + i + "]";
            if (m == null) {
                out.add(at, "is null; give {\"containerID\", \"hostID\", \"size\"}");
                continue;
            }
            if (m.size() == 0) {
                out.add(at + ".size", "0 maps nothing; give the number of ids to map (at least 1)");
            } else if (m.containerID() + m.size() - 1 > Unsigned.UINT32_MAX || m.hostID() + m.size() - 1 > Unsigned.UINT32_MAX) {
                out.add(at + ".size", m.size() + " makes the range end beyond id 4294967295");
            }
            for (int j = 0; j < i; j++) {
                Linux.IdMapping o = list.get(j);
                if (o != null && m.size() > 0 && o.size() > 0
                        && (overlap(m.containerID(), m.size(), o.containerID(), o.size())
                        || overlap(m.hostID(), m.size(), o.hostID(), o.size()))) {
                    out.add(at, "overlaps " + path + "[" + j + "]; the kernel refuses overlapping id ranges");
                    break;
                }
            }
        }
    }

    private static boolean overlap(long a, long aSize, long b, long bSize) {
        return a < b + bSize && b < a + aSize;
    }

    private static void timeOffsets(Linux linux, Problems out) {
        Map<String, Linux.TimeOffset> offsets = linux.timeOffsets();
        if (offsets == null || offsets.isEmpty()) {
            return;
        }
        Linux.Namespace timens = linux.namespace(Namespaces.TIME);
        if (timens == null || (timens.path() != null && !timens.path().isEmpty())) {
            out.add("linux.timeOffsets", "needs a new time namespace; add {\"type\": \"time\"} (without a path) to linux.namespaces");
        }
        for (Map.Entry<String, Linux.TimeOffset> e : offsets.entrySet()) {
            String at = JsonPaths.field("linux.timeOffsets", e.getKey());
            if (!CLOCKS.contains(e.getKey())) {
                out.add(at, "is not a clock with an offset; use monotonic or boottime");
            } else if (e.getValue() != null && e.getValue().nanosecs() >= 1_000_000_000L) {
                out.add(at + ".nanosecs", e.getValue().nanosecs() + " is not below 1000000000; carry whole seconds into secs");
            }
        }
    }

    private static void devices(List<Linux.Device> devices, Problems out) {
        for (int i = 0; i < devices.size(); i++) {
            Linux.Device d = devices.get(i);
            String at = "linux.devices[" + i + "]";
            if (d == null) {
                out.add(at, "is null; remove it");
                continue;
            }
            if (!Problems.in(DEVICE_TYPES, d.type())) {
                out.add(at + ".type", Problems.notA(d.type(), "a device type") + "; use c (char), b (block), u (unbuffered char) or p (fifo)");
            }
            if (d.path() == null || !Problems.isAbsolute(d.path())) {
                out.add(at + ".path", q(d.path()) + " is not an absolute path; give the node's path in the container, e.g. \"/dev/fuse\"");
            } else if (Problems.hasDotDot(d.path())) {
                out.add(at + ".path", q(d.path()) + " contains \"..\"; write the path without \"..\" components");
            }
            if (!"p".equals(d.type()) && (d.major() < 0 || d.minor() < 0)) {
                out.add(at, "has a negative major or minor number (" + d.major() + ":" + d.minor() + ")");
            }
        }
    }

    private static void absolutePaths(String path, List<String> paths, Problems out) {
        List<String> list = orEmpty(paths);
        for (int i = 0; i < list.size(); i++) {
            if (!Problems.isAbsolute(list.get(i))) {
                out.add(path + "[" + i + "]", q(list.get(i)) + " is not an absolute path; write it from the container's root");
            }
        }
    }

    private static void netDevices(Linux linux, Problems out) {
        Map<String, Linux.NetDevice> devs = linux.netDevices();
        if (devs == null || devs.isEmpty()) {
            return;
        }
        if (!linux.hasNamespace(Namespaces.NETWORK)) {
            out.add("linux.netDevices", "needs a network namespace to move the devices into; add {\"type\": \"network\"}");
        }
        for (Map.Entry<String, Linux.NetDevice> e : devs.entrySet()) {
            String at = JsonPaths.field("linux.netDevices", e.getKey());
            if (!isInterfaceName(e.getKey())) {
                out.add(at, "is not a valid interface name (1-15 characters, no \"/\", \":\" or spaces)");
            }
            if (e.getValue() != null && e.getValue().name() != null && !e.getValue().name().isEmpty()
                    && !isInterfaceName(e.getValue().name())) {
                out.add(at + ".name", q(e.getValue().name()) + " is not a valid interface name (1-15 characters, no \"/\", \":\" or spaces)");
            }
        }
    }

    /** The kernel's dev_valid_name(): IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or whitespace. */
    private static boolean isInterfaceName(String name) {
        if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (char c : name.toCharArray()) {
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }
}
