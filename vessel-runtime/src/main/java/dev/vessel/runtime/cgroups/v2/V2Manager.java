package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupDirs;
import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupLayout;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupPath;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.cgroups.FreezerState;
import dev.vessel.runtime.cgroups.devices.DeviceGate;
import dev.vessel.runtime.cgroups.devices.DevicePermission;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cgroup v2 (runc's {@code fs2}): one directory in the unified tree. Controllers must be
 * enabled in {@code cgroup.subtree_control} of every ancestor before their files appear, and
 * device access is an eBPF program attached to the directory rather than a file.
 */
public final class V2Manager implements CgroupManager {
    /** runc's order; unified last so its verbatim values win. */
    static final List<V2Controller> CONTROLLERS = List.of(new V2Pids(), new V2Memory(), new V2Io(), new V2Cpu(),
            new V2Cpuset(), new V2Hugetlb(), new V2Rdma(), new V2Unified());
    private static final String WHO = "cgroup v2";

    private final String path;
    private final CgroupLayout.Hierarchy unified;
    private final Path dir;
    private final DeviceGate devices;
    private final List<Path> created = new ArrayList<>();

    /** @param devices installs device rules (bpf(2) on a host; tests record what would be attached) */
    public V2Manager(CgroupLayout layout, CgroupPath path, DeviceGate devices) {
        this.path = path.value();
        this.unified = layout.unified();
        this.dir = path.in(unified, layout.self().get(""));
        this.devices = devices;
    }

    /** The manager of a cgroup made earlier, from its saved directory (see V1Manager#reopen). */
    public static V2Manager reopen(CgroupLayout layout, Path dir, DeviceGate devices) {
        if (!dir.startsWith(layout.unified().mountPoint())) {
            throw new CgroupException("saved cgroup path " + dir + " is not in the cgroup2 hierarchy mounted at "
                    + layout.unified().mountPoint() + ": was the host's cgroup layout changed?");
        }
        return new V2Manager(layout, dir, devices);
    }

    private V2Manager(CgroupLayout layout, Path dir, DeviceGate devices) {
        this.unified = layout.unified();
        this.dir = dir;
        this.devices = devices;
        this.path = "/" + unified.mountPoint().relativize(dir);
    }

    @Override
    public void apply(int pid) {
        // Joining is the last step and a single write: if anything fails, the process never
        // moved, and only the directories need undoing.
        List<Path> made = CgroupDirs.mkdirs(WHO, unified.mountPoint(), dir);
        try {
            enableControllers();
            CgroupFiles.write(WHO, dir, "cgroup.procs", Integer.toString(pid));
        } catch (RuntimeException e) {
            CgroupDirs.removeCreated(made);
            throw e;
        }
        created.addAll(made);
    }

    /**
     * Every controller the parent offers is enabled for the children, from the mount point down
     * to the container's parent (runc's {@code CreateCgroupPath}). All at once first; if the
     * kernel refuses (one controller unavailable, or processes in a non-root ancestor for
     * domain controllers), one by one, ignoring refusals: a limit that then cannot be set
     * fails in {@link #set} with a message naming its file.
     */
    private void enableControllers() {
        Path level = unified.mountPoint();
        for (Path part : unified.mountPoint().relativize(dir)) {
            if (CgroupFiles.exists(level, "cgroup.controllers")) {
                String available = CgroupFiles.read(WHO, level, "cgroup.controllers");
                if (!available.isEmpty()) {
                    String all = "+" + String.join(" +", available.split("\\s+"));
                    try {
                        CgroupFiles.write(WHO, level, "cgroup.subtree_control", all);
                    } catch (CgroupException e) {
                        for (String one : all.split(" ")) {
                            try {
                                CgroupFiles.write(WHO, level, "cgroup.subtree_control", one);
                            } catch (CgroupException ignored) {
                                // see the method comment
                            }
                        }
                    }
                }
            }
            level = level.resolve(part.toString());
        }
    }

    @Override
    public void set(LinuxResources r) {
        if (r.network() != null && ((r.network().classID() != null && r.network().classID() != 0)
                || (r.network().priorities() != null && !r.network().priorities().isEmpty()))) {
            // runc ignores these on v2; a user who asked for packet classification should know they get none.
            throw new CgroupException("linux.resources.network (net_cls classID, net_prio priorities) has no cgroup v2 "
                    + "equivalent: remove it, or match packets by cgroup path (iptables -m cgroup --path, nft socket cgroupv2)");
        }
        for (V2Controller c : CONTROLLERS) {
            if (!c.requested(r)) {
                continue;
            }
            try {
                c.set(dir, r);
            } catch (CgroupException e) {
                if ("ENOENT".equals(e.errno()) && Files.isDirectory(dir) && !c.name().equals("unified")) {
                    throw new CgroupException(e.getMessage() + " (the " + c.name() + " controller is not enabled for "
                            + dir + "; its parent's cgroup.subtree_control lacks it)", e.errno(), e);
                }
                throw e;
            }
        }
        if (r.devices() != null) {
            devices.install(dir, DevicePermission.effective(r.devices()));
        }
    }

    @Override
    public void freeze() {
        V2Freezer.set(dir, FreezerState.FROZEN);
    }

    @Override
    public void thaw() {
        V2Freezer.set(dir, FreezerState.THAWED);
    }

    @Override
    public FreezerState state() {
        return V2Freezer.state(dir);
    }

    @Override
    public List<Integer> pids() {
        return CgroupDirs.pidsRecursive(WHO, dir);
    }

    @Override
    public CgroupStats stats() {
        return V2Stats.read(dir);
    }

    @Override
    public long oomKillCount() {
        if (!CgroupFiles.exists(dir, "memory.events")) {
            return 0;
        }
        return CgroupFiles.readKeyValues(WHO, dir, "memory.events").getOrDefault("oom_kill", 0L);
    }

    @Override
    public void destroy() {
        CgroupDirs.removeTree(WHO, dir);
        CgroupDirs.removeCreated(created);
        created.clear();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, Path> paths() {
        return Map.of("", dir);
    }
}
