package dev.vessel.runtime.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The config.json written by {@code vessel-runtime spec}: the same document as {@code runc spec}
 * (runc 1.1's {@code specconv.Example} and {@code ToRootless}) so that bundles, tutorials and
 * scripts written for runc work unchanged. Only {@code ociVersion} differs: it is the spec
 * version Vessel implements.
 */
public final class DefaultSpec {

    private static final List<String> CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private DefaultSpec() {}

    /** The spec for this host: a cgroup namespace where the host has cgroup v2 only, as runc does. */
    public static Spec forHost(boolean rootless, long euid, long egid) {
        boolean unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        Spec spec = example(unified);
        return rootless ? toRootless(spec, euid, egid) : spec;
    }

    /** runc's example spec; {@code cgroupNamespace} adds one (runc does on cgroup v2 hosts). */
    public static Spec example(boolean cgroupNamespace) {
        ProcessSpec process = new ProcessSpec(true, null, new ProcessSpec.User(0, 0, null, null, null),
                List.of("sh"),
                null,
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
                "/",
                new ProcessSpec.Capabilities(CAPS, CAPS, null, CAPS, CAPS),
                List.of(new ProcessSpec.Rlimit("RLIMIT_NOFILE", 1024, 1024)),
                true, null, null, null, null, null, null);
        List<Mount> mounts = List.of(
                new Mount("/proc", "proc", "proc", null),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        List<Linux.Namespace> namespaces = new ArrayList<>(List.of(
                new Linux.Namespace(Namespaces.PID), new Linux.Namespace(Namespaces.NETWORK),
                new Linux.Namespace(Namespaces.IPC), new Linux.Namespace(Namespaces.UTS),
                new Linux.Namespace(Namespaces.MOUNT)));
        if (cgroupNamespace) {
            namespaces.add(new Linux.Namespace(Namespaces.CGROUP));
        }
        // Deny every device; the runtime then allows its default set (null, zero, tty, ...).
        LinuxResources resources = new LinuxResources(
                List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, null, null, null, null);
        Linux linux = new Linux(null, null, null, null, resources, null, List.copyOf(namespaces), null, null, null,
                List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                null, null, null, null);
        return new Spec(Spec.VERSION, process, new Spec.Root("rootfs", true), "runc", null, mounts, null, null, linux);
    }

    /**
     * runc's rootless conversion: a user namespace mapping only the caller's ids to root, no
     * network namespace (an unprivileged user could not configure it), /sys bound from the host
     * (sysfs cannot be mounted without owning a network namespace), no uid=/gid= mount options
     * (those ids are unmapped) and no cgroup settings (an unprivileged user may not own any).
     */
    public static Spec toRootless(Spec spec, long euid, long egid) {
        Linux linux = spec.linux();
        List<Linux.Namespace> namespaces = new ArrayList<>();
        for (Linux.Namespace ns : Problems.orEmpty(linux.namespaces())) {
            if (!ns.type().equals(Namespaces.NETWORK) && !ns.type().equals(Namespaces.USER)) {
                namespaces.add(ns);
            }
        }
        namespaces.add(new Linux.Namespace(Namespaces.USER));
        List<Mount> mounts = new ArrayList<>();
        for (Mount m : Problems.orEmpty(spec.mounts())) {
            if (Path.of(m.destination()).normalize().toString().equals("/sys")) {
                mounts.add(new Mount("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
                continue;
            }
            List<String> options = null;
            if (m.options() != null) {
                options = m.options().stream().filter(o -> !o.startsWith("gid=") && !o.startsWith("uid=")).toList();
            }
            mounts.add(new Mount(m.destination(), m.type(), m.source(), options, m.uidMappings(), m.gidMappings()));
        }
        Linux rootless = new Linux(
                List.of(new Linux.IdMapping(0, euid, 1)), List.of(new Linux.IdMapping(0, egid, 1)),
                linux.timeOffsets(), linux.sysctl(), null, linux.cgroupsPath(), List.copyOf(namespaces),
                linux.devices(), linux.seccomp(), linux.rootfsPropagation(), linux.maskedPaths(),
                linux.readonlyPaths(), linux.mountLabel(), linux.intelRdt(), linux.personality(), linux.netDevices());
        return spec.withMounts(List.copyOf(mounts)).withLinux(rootless);
    }
}
