package dev.vessel.runtime.launch;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.Mount;
import dev.vessel.runtime.spec.MountOptions;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The filesystem half of a plan: propagation, the rootfs bind, every spec mount, devices,
 * /dev symlinks, pivot_root, then masked and read-only paths and a read-only root. Targets are
 * resolved in the rootfs by vessel-init (RESOLVE_IN_ROOT), so here they stay container paths.
 */
final class RootfsPlan {

    static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096,
            MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;

    /** The devices every container gets (runc's AllowedDevices that are created): char 1:3 ... 5:0, mode 0666. */
    private static final List<Object[]> DEFAULT_DEVICES = List.of(
            new Object[] {"/dev/null", 1, 3}, new Object[] {"/dev/zero", 1, 5}, new Object[] {"/dev/full", 1, 7},
            new Object[] {"/dev/random", 1, 8}, new Object[] {"/dev/urandom", 1, 9}, new Object[] {"/dev/tty", 5, 0});

    private static final int S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    private RootfsPlan() {}

    /** Everything before the pivot. {@code root} is the rootfs as a host path. */
    static void beforePivot(Spec spec, Path bundle, String root, boolean userns, Map<String, Path> cgroups,
                            List<LaunchPlan.Step> out) {
        Linux linux = spec.linux();
        long propagation = propagation(linux == null ? null : linux.rootfsPropagation());
        out.add(new LaunchPlan.Step(new Op.Mount("", false, "", "/", "", MS_REC | propagation, ""), "linux.rootfsPropagation"));
        if (propagation == MS_SHARED) {
            // pivot_root refuses a new root whose parent mount is shared; as runc does, make the
            // parent private (which also keeps the container's mounts from reaching the host).
            out.add(new LaunchPlan.Step(new Op.Mount("", false, "", mountPointOf(Path.of(root)), "", MS_PRIVATE, ""),
                    "linux.rootfsPropagation (parent of root.path)"));
        }
        out.add(new LaunchPlan.Step(new Op.Mount(root, false, "", root, "", MS_BIND | MS_REC, ""), "root.path (" + root + ")"));
        boolean devIsBound = false;
        List<Mount> mounts = spec.mounts() == null ? List.of() : spec.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            String field = "mounts[" + i + "] (" + m.destination() + ")";
            MountOptions.Parsed o = MountOptions.parse(m.options());
            boolean bind = o.bind() || "bind".equals(m.type());
            if (bind) {
                Path src = bundle.resolve(m.source() == null ? "" : m.source()).normalize();
                if (m.destination().equals("/dev")) {
                    devIsBound = true;
                }
                if (Files.isDirectory(src)) {
                    out.add(new LaunchPlan.Step(new Op.MkdirAll(root, m.destination(), 0755), field));
                } else {
                    out.add(new LaunchPlan.Step(new Op.MkFile(root, m.destination(), 0644), field));
                }
                out.add(new LaunchPlan.Step(new Op.Mount(src.toString(), false, root, m.destination(), "",
                        MS_BIND | (o.recursive() ? MS_REC : 0), ""), field));
                long remount = o.flags() & ~(MS_BIND | MS_REC | MS_REMOUNT);
                if (remount != 0) {
                    out.add(new LaunchPlan.Step(new Op.Mount("", false, root, m.destination(), "",
                            MS_BIND | MS_REMOUNT | remount, ""), field + " options"));
                }
            } else if ("cgroup".equals(m.type()) && cgroups != null && !cgroups.keySet().equals(java.util.Set.of(""))) {
                cgroupV1(m, o, root, cgroups, field, out);
            } else {
                out.add(new LaunchPlan.Step(new Op.MkdirAll(root, m.destination(), 0755), field));
                String type = m.type() == null ? "none" : m.type();
                out.add(new LaunchPlan.Step(new Op.Mount(m.source() == null ? type : m.source(), false, root, m.destination(),
                        type, o.flags(), o.data()), field));
            }
            for (long p : o.propagation()) {
                out.add(new LaunchPlan.Step(new Op.Mount("", false, root, m.destination(), "", p, ""), field + " propagation"));
            }
        }
        if (!devIsBound) {
            devices(spec, root, userns, out);
        }
        if (spec.process() != null && spec.process().cwd() != null) {
            out.add(new LaunchPlan.Step(new Op.MkdirAll(root, spec.process().cwd(), 0755), "process.cwd (" + spec.process().cwd() + ")"));
        }
    }

    /**
     * A "cgroup" mount on a v1 or hybrid host: one cgroupfs per hierarchy cannot be mounted anew
     * with other controller sets (EBUSY), and must not show the host's tree. As runc does: a
     * tmpfs, and in it each hierarchy's directory of this container, bound read-only.
     */
    private static void cgroupV1(Mount m, MountOptions.Parsed o, String root, Map<String, Path> cgroups, String field,
                                 List<LaunchPlan.Step> out) {
        String dest = m.destination();
        out.add(new LaunchPlan.Step(new Op.MkdirAll(root, dest, 0755), field));
        out.add(new LaunchPlan.Step(new Op.Mount("tmpfs", false, root, dest, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "mode=755"), field));
        for (Map.Entry<String, Path> e : new java.util.TreeMap<>(cgroups).entrySet()) {
            String name = e.getKey().isEmpty() ? "unified" : e.getKey().startsWith("name=") ? e.getKey().substring(5) : e.getKey();
            String sub = dest + "/" + name;
            out.add(new LaunchPlan.Step(new Op.MkdirAll(root, sub, 0755), field + " " + name));
            out.add(new LaunchPlan.Step(new Op.Mount(e.getValue().toString(), false, root, sub, "", MS_BIND | MS_REC, ""),
                    field + " " + name));
            long flags = o.flags() & ~(MS_BIND | MS_REC | MS_REMOUNT);
            if (flags != 0) {
                out.add(new LaunchPlan.Step(new Op.Mount("", false, root, sub, "", MS_BIND | MS_REMOUNT | flags, ""),
                        field + " " + name + " options"));
            }
        }
        if (o.readonly()) {
            out.add(new LaunchPlan.Step(new Op.Mount("", false, root, dest, "", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
                    | MS_NOEXEC, "mode=755"), field + " options"));
        }
    }

    private static void devices(Spec spec, String root, boolean userns, List<LaunchPlan.Step> out) {
        for (Object[] d : DEFAULT_DEVICES) {
            device(root, (String) d[0], S_IFCHR | 0666, (int) d[1], (int) d[2], 0, 0, userns, "default device " + d[0], out);
        }
        List<Linux.Device> devs = spec.linux() == null || spec.linux().devices() == null ? List.of() : spec.linux().devices();
        for (int i = 0; i < devs.size(); i++) {
            Linux.Device d = devs.get(i);
            int type = switch (d.type()) {
                case "b" -> S_IFBLK;
                case "p" -> S_IFIFO;
                default -> S_IFCHR;
            };
            int mode = d.fileMode() == null ? 0666 : (int) (long) d.fileMode();
            device(root, d.path(), type | (mode & 07777), (int) d.major(), (int) d.minor(),
                    d.uid() == null ? 0 : (int) (long) d.uid(), d.gid() == null ? 0 : (int) (long) d.gid(), userns,
                    "linux.devices[" + i + "] (" + d.path() + ")", out);
        }
        String[][] links = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
            {"/proc/self/fd/2", "/dev/stderr"}, {"pts/ptmx", "/dev/ptmx"}};
        for (String[] l : links) {
            out.add(new LaunchPlan.Step(new Op.Symlink(root, l[0], l[1]), "default /dev symlink " + l[1]));
        }
    }

    /** mknod, or in a user namespace (where mknod is refused) a bind mount of the host's node, as runc does. */
    static void device(String root, String path, int mode, int major, int minor, int uid, int gid, boolean userns,
                               String field, List<LaunchPlan.Step> out) {
        if (userns) {
            out.add(new LaunchPlan.Step(new Op.MkFile(root, path, 0644), field));
            out.add(new LaunchPlan.Step(new Op.Mount(path, false, root, path, "", MS_BIND, ""), field));
        } else {
            // Nodes below a subdirectory (podman --privileged passes /dev/cpu/0/cpuid, /dev/net/tun...):
            // make the parents first, as runc does.
            String parent = path.substring(0, Math.max(path.lastIndexOf('/'), 0));
            if (!parent.isEmpty() && !parent.equals("/dev")) {
                out.add(new LaunchPlan.Step(new Op.MkdirAll(root, parent, 0755), field));
            }
            out.add(new LaunchPlan.Step(new Op.Mknod(root, path, mode, makedev(major, minor), uid, gid), field));
        }
    }

    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** After the pivot (or chroot): paths are now the container's own. */
    static void afterPivot(Spec spec, List<LaunchPlan.Step> out) {
        Linux linux = spec.linux();
        String prop = linux == null ? null : linux.rootfsPropagation();
        if (prop != null && !prop.isEmpty()) {
            // Applied to the new root only now: before the pivot its parent had to stay private.
            long flags = propagation(prop) | (prop.startsWith("r") ? MS_REC : 0);
            out.add(new LaunchPlan.Step(new Op.Mount("", false, "", "/", "", flags, ""), "linux.rootfsPropagation"));
        }
        if (linux != null && linux.sysctl() != null) {
            linux.sysctl().forEach((k, v) -> out.add(new LaunchPlan.Step(new Op.WriteFile("/proc/sys/" + k.replace('.', '/'), v),
                    "linux.sysctl[\"" + k + "\"]")));
        }
        if (linux != null && linux.maskedPaths() != null) {
            for (int i = 0; i < linux.maskedPaths().size(); i++) {
                out.add(new LaunchPlan.Step(new Op.MaskPath(linux.maskedPaths().get(i)), "linux.maskedPaths[" + i + "]"));
            }
        }
        if (linux != null && linux.readonlyPaths() != null) {
            for (int i = 0; i < linux.readonlyPaths().size(); i++) {
                out.add(new LaunchPlan.Step(new Op.ReadonlyPath(linux.readonlyPaths().get(i)), "linux.readonlyPaths[" + i + "]"));
            }
        }
        if (spec.root() != null && spec.root().readonly()) {
            out.add(new LaunchPlan.Step(new Op.Mount("", false, "", "/", "", MS_BIND | MS_REMOUNT | MS_RDONLY, ""), "root.readonly"));
        }
    }

    /** The mount point that holds {@code path}: the longest mount point in /proc/self/mountinfo above it. */
    static String mountPointOf(Path path) {
        String best = "/";
        try {
            String p = path.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                String mp = unescape(f[4]);
                if ((p.equals(mp) || p.startsWith(mp.endsWith("/") ? mp : mp + "/")) && mp.length() > best.length()) {
                    best = mp;
                }
            }
        } catch (java.io.IOException e) {
            return "/";
        }
        return best;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static long propagation(String value) {
        if (value == null || value.isEmpty()) {
            return MS_SLAVE;
        }
        return switch (value) {
            case "private", "rprivate" -> MS_PRIVATE;
            case "slave", "rslave" -> MS_SLAVE;
            case "shared", "rshared" -> MS_SHARED;
            case "unbindable", "runbindable" -> 1 << 17;
            default -> throw new dev.vessel.runtime.RuntimeError("linux.rootfsPropagation \"" + value
                    + "\" is not valid: use shared, slave, private or unbindable (r-prefixed forms too)");
        };
    }
}
