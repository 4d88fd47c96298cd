package dev.vessel.runtime.launch;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.Hooks;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.Namespaces;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated spec into the ordered steps {@code vessel-init} executes: namespaces to
 * join and to create, then in the child the rootfs, the pivot, the process identity and the
 * exec. This is where every decision about a container's start-up is made; the helper only
 * follows the list.
 */
public final class PlanBuilder {

    static final long CLONE_NEWTIME = 0x80, CLONE_NEWCGROUP = 0x02000000L, CLONE_NEWUSER = 0x10000000L,
            CLONE_NEWNS = 0x00020000L;

    /** How the container's process starts: waiting for `start` on the fifo, or at once. */
    /**
     * @param cgroups the container's cgroup directory per hierarchy (CgroupManager.paths()), bound into a
     *                "cgroup" mount on v1 hosts; null when unknown
     */
    /**
     * @param sessionKeyring the session keyring the container joins ({@link #sessionKeyring}), null to keep the
     *                       caller's (--no-new-keyring)
     */
    public record Options(Path bundle, Path rootfs, String execFifo, boolean noPivot, int preserveFds, boolean monitor,
                          Map<String, Path> cgroups, int consoleFd, String sessionKeyring) {}

    /** KEY_USR_SEARCH and KEY_OTH_SEARCH of the keyring permission mask (linux/key.h). */
    static final int KEY_USR_SEARCH = 0x80000, KEY_OTH_SEARCH = 0x8;

    private PlanBuilder() {}

    /** runc's name for a container's session keyring, so exec can join the one create made. */
    public static String sessionKeyring(String containerId) {
        return "_ses." + containerId;
    }

    public static List<LaunchPlan.Step> container(Spec spec, Options o) {
        List<LaunchPlan.Step> out = new ArrayList<>();
        Linux linux = spec.linux() == null ? emptyLinux() : spec.linux();
        long cloneFlags = 0;
        boolean newCgroupNs = false;
        // Join existing namespaces first, user namespace first of all: the others are owned by it.
        List<Linux.Namespace> nss = linux.namespaces() == null ? List.of() : linux.namespaces();
        for (String type : Namespaces.TYPES) {
            for (int i = 0; i < nss.size(); i++) {
                Linux.Namespace ns = nss.get(i);
                if (!type.equals(ns.type())) {
                    continue;
                }
                if (ns.path() != null && !ns.path().isEmpty()) {
                    out.add(new LaunchPlan.Step(new Op.SetNs(ns.path(), (int) Namespaces.cloneFlag(type)),
                            "linux.namespaces[" + i + "].path (" + ns.path() + ")"));
                } else if (type.equals(Namespaces.TIME)) {
                    out.add(new LaunchPlan.Step(new Op.Unshare(CLONE_NEWTIME), "linux.namespaces[" + i + "] (time)"));
                    String offsets = timeOffsets(linux.timeOffsets());
                    if (!offsets.isEmpty()) {
                        out.add(new LaunchPlan.Step(new Op.WriteFile("/proc/self/timens_offsets", offsets), "linux.timeOffsets"));
                    }
                } else if (type.equals(Namespaces.CGROUP)) {
                    // Unshared by the child after it joined its cgroup, so the namespace's root is that cgroup.
                    newCgroupNs = true;
                } else {
                    cloneFlags |= Namespaces.cloneFlag(type);
                }
            }
        }
        boolean userns = linux.hasNamespace(Namespaces.USER);
        out.add(new LaunchPlan.Step(new Op.Clone(cloneFlags), "linux.namespaces"));
        if ((cloneFlags & CLONE_NEWUSER) != 0) {
            out.add(new LaunchPlan.Step(new Op.BecomeRoot(), "linux.uidMappings"));
        }
        if (newCgroupNs) {
            out.add(new LaunchPlan.Step(new Op.Unshare(CLONE_NEWCGROUP), "linux.namespaces (cgroup)"));
        }
        if (o.sessionKeyring() != null) {
            // As runc: not the caller's keyring; searchable by the container's processes, by uid without a user
            // namespace, by anyone with one (its uids are not the owner's as the kernel sees them).
            out.add(keyring(o.sessionKeyring(), userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH));
        }
        if (!o.monitor() && o.consoleFd() < 0) {
            // A detached container must not share the caller's session (its terminal's signals).
            out.add(new LaunchPlan.Step(new Op.SetSid(false), "process"));
        }
        if (spec.hostname() != null && !spec.hostname().isEmpty()) {
            out.add(new LaunchPlan.Step(new Op.SetHostname(spec.hostname()), "hostname (" + spec.hostname() + ")"));
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty()) {
            out.add(new LaunchPlan.Step(new Op.SetDomainname(spec.domainname()), "domainname (" + spec.domainname() + ")"));
        }
        String root = o.rootfs().toString();
        // Devices and mount points get exactly the modes asked for; the process's umask comes later.
        out.add(new LaunchPlan.Step(new Op.Umask(0), "process.user.umask"));
        if (linux.hasNamespace(Namespaces.MOUNT)) {
            RootfsPlan.beforePivot(spec, o.bundle(), root, userns, o.cgroups(), out);
            if (o.consoleFd() >= 0) {
                out.add(new LaunchPlan.Step(new Op.MkFile(root, "/dev/console", 0666), "process.terminal"));
            }
            hooksBarrier(spec, out);
            out.add(new LaunchPlan.Step(o.noPivot() ? new Op.Chroot(root) : new Op.PivotRoot(root, true), "root.path (" + root + ")"));
        } else {
            // Without a mount namespace nothing may be mounted: that would change the host's table.
            hooksBarrier(spec, out);
            out.add(new LaunchPlan.Step(new Op.Chroot(root), "root.path (" + root + ")"));
        }
        if (o.consoleFd() >= 0) {
            console(o.consoleFd(), linux.hasNamespace(Namespaces.MOUNT) ? "/dev/console" : "", spec.process().consoleSize(), out);
        }
        RootfsPlan.afterPivot(spec, out);
        ProcessSpec p = spec.process();
        // Before the identity change and seccomp: a profile older than close_range(2) would
        // otherwise deny the very call that marks the runtime's descriptors close-on-exec.
        out.add(new LaunchPlan.Step(new Op.CloseFds(3 + o.preserveFds()), "--preserve-fds"));
        ProcessPlan.identity(p, linux.seccomp(), out, true);
        out.add(ProcessPlan.checkExec(p));
        if (o.execFifo() != null) {
            out.add(new LaunchPlan.Step(new Op.WaitStart(o.execFifo()), "exec fifo"));
        }
        out.add(ProcessPlan.exec(p));
        return out;
    }

    /**
     * exec: join every namespace of the container's process {@code pid} that differs from ours
     * (user first), then the process identity and the exec. The cgroup is joined by Java while
     * the child waits after the clone.
     */
    public static List<LaunchPlan.Step> exec(int pid, ProcessSpec p, dev.vessel.runtime.spec.Seccomp seccomp, int preserveFds, boolean monitor,
                                             int consoleFd, String sessionKeyring) {
        List<LaunchPlan.Step> out = new ArrayList<>();
        for (String type : Namespaces.TYPES) {
            String name = Namespaces.procName(type);
            Path theirs = Path.of("/proc/" + pid + "/ns/" + name);
            if (!sameNamespace(theirs, Path.of("/proc/self/ns/" + name))) {
                out.add(new LaunchPlan.Step(new Op.SetNs(theirs.toString(), (int) Namespaces.cloneFlag(type)),
                        "namespace " + type + " of container process " + pid));
            }
        }
        out.add(new LaunchPlan.Step(new Op.Clone(0), "exec"));
        if (sessionKeyring != null) {
            out.add(keyring(sessionKeyring, 0));
        }
        if (consoleFd >= 0) {
            console(consoleFd, "", p.consoleSize(), out);
        } else if (!monitor) {
            out.add(new LaunchPlan.Step(new Op.SetSid(false), "process"));
        }
        out.add(new LaunchPlan.Step(new Op.CloseFds(3 + preserveFds), "--preserve-fds"));
        ProcessPlan.identity(p, seccomp, out, false);
        out.add(ProcessPlan.checkExec(p));
        out.add(ProcessPlan.exec(p));
        return out;
    }

    /** Whether the container's plan stops at {@link Op.SyncHooks} for the hooks that run while it is created. */
    public static boolean hasCreateHooks(Spec spec) {
        Hooks h = spec.hooks();
        return h != null && (notEmpty(h.prestart()) || notEmpty(h.createRuntime()) || notEmpty(h.createContainer()));
    }

    /**
     * The OCI lifecycle's moment for prestart, createRuntime and createContainer: every mount is in
     * place and the old root is still reachable (hooks edit the rootfs, e.g. NVIDIA's CDI hooks), as
     * runc's prepareRootfs does it. No hooks, no barrier: it costs two messages.
     */
    private static void hooksBarrier(Spec spec, List<LaunchPlan.Step> out) {
        if (hasCreateHooks(spec)) {
            out.add(new LaunchPlan.Step(new Op.SyncHooks(), "hooks (prestart, createRuntime, createContainer)"));
        }
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static LaunchPlan.Step keyring(String name, int permSet) {
        return new LaunchPlan.Step(new Op.JoinSessionKeyring(name, 0xffffffff, permSet),
                "session keyring \"" + name + "\" (--no-new-keyring keeps the caller's)");
    }

    /** A pty made inside the container, its master sent over the console socket, the peer as stdio and controlling terminal. */
    private static void console(int fd, String consolePath, ProcessSpec.ConsoleSize size, List<LaunchPlan.Step> out) {
        out.add(new LaunchPlan.Step(new Op.Console(fd, consolePath, size == null ? 0 : (int) size.height(),
                size == null ? 0 : (int) size.width()), "process.terminal (--console-socket), process.consoleSize"));
        out.add(new LaunchPlan.Step(new Op.SetSid(true), "process.terminal"));
    }

    private static boolean sameNamespace(Path theirs, Path ours) {
        Path mine;
        try {
            mine = java.nio.file.Files.readSymbolicLink(ours);
        } catch (java.io.IOException e) {
            // This kernel lacks the namespace type (no time namespaces before 5.6): nothing to join.
            return true;
        }
        try {
            return java.nio.file.Files.readSymbolicLink(theirs).equals(mine);
        } catch (java.io.IOException e) {
            throw new dev.vessel.runtime.RuntimeError("cannot exec: the container's process is gone (" + theirs + ": "
                    + e.getMessage() + ")");
        }
    }

    private static String timeOffsets(Map<String, Linux.TimeOffset> offsets) {
        if (offsets == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        offsets.forEach((clock, off) -> b.append(clock).append(' ').append(off.secs()).append(' ')
                .append(off.nanosecs()).append('\n'));
        return b.toString();
    }

    private static Linux emptyLinux() {
        return new Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
