package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupDirs;
import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupLayout;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupPath;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.cgroups.FreezerState;
import dev.vessel.runtime.spec.LinuxResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cgroup v1 (runc's {@code fs}): one directory per mounted hierarchy, each controller writing
 * its own files. In hybrid mode it also creates and joins the cgroup in the controller-less
 * cgroup2 tree (key {@code ""}), which systemd uses to track processes.
 */
public final class V1Manager implements CgroupManager {
    /** runc's order: cpuset before anything that could need its cpus, freezer last. */
    static final List<V1Controller> CONTROLLERS = List.of(new V1Cpuset(), new V1Devices(), new V1Memory(),
            new V1Cpu(), new V1Cpuacct(), new V1Pids(), new V1Blkio(), new V1Hugetlb(), new V1NetCls(),
            new V1NetPrio(), new V1Rdma(), new V1Freezer());
    private static final String WHO = "cgroup v1";

    private final String path;
    private final Path root;
    /** Hierarchy key (controller, "name=systemd", or "" for cgroup2) → directory. */
    private final Map<String, Path> paths = new LinkedHashMap<>();
    /** Each distinct directory → the mount point of its hierarchy. */
    private final Map<Path, CgroupLayout.Hierarchy> hierarchies = new LinkedHashMap<>();
    private final List<Path> created = new ArrayList<>();

    /** @param root the filesystem root ("/" on a host) under which /proc is read */
    public V1Manager(CgroupLayout layout, CgroupPath path, Path root) {
        this.path = path.value();
        this.root = root;
        for (CgroupLayout.Hierarchy h : layout.v1()) {
            // Join every controller hierarchy and systemd's named one, like runc; other named
            // hierarchies belong to whoever made them.
            boolean join = h.controllers().contains("name=systemd")
                    || h.controllers().stream().anyMatch(c -> !c.startsWith("name="));
            if (!join) {
                continue;
            }
            String key = h.controllers().iterator().next();
            Path dir = path.in(h, layout.self().get(key));
            hierarchies.put(dir, h);
            for (String c : h.controllers()) {
                paths.put(c, dir);
            }
        }
        if (layout.mode() == CgroupLayout.Mode.HYBRID) {
            Path dir = path.in(layout.unified(), layout.self().get(""));
            hierarchies.put(dir, layout.unified());
            paths.put("", dir);
        }
    }

    /**
     * The manager of a cgroup made earlier, from its saved {@link #paths()}: a relative
     * cgroupsPath depends on the cgroup of the process that resolved it, which a later
     * {@code delete} or {@code update} may not share.
     */
    public static V1Manager reopen(CgroupLayout layout, Map<String, Path> saved, Path root) {
        return new V1Manager(layout, saved, root);
    }

    private V1Manager(CgroupLayout layout, Map<String, Path> saved, Path root) {
        this.root = root;
        String label = null;
        for (Map.Entry<String, Path> e : saved.entrySet()) {
            CgroupLayout.Hierarchy h = e.getKey().isEmpty() ? layout.unified() : layout.v1(e.getKey());
            if (h == null || !e.getValue().startsWith(h.mountPoint())) {
                throw new CgroupException("saved cgroup path " + e.getValue() + " for \"" + e.getKey()
                        + "\" is not in a hierarchy mounted on this host: was the host's cgroup layout changed?");
            }
            hierarchies.put(e.getValue(), h);
            paths.put(e.getKey(), e.getValue());
            if (label == null || e.getKey().equals("memory")) {
                label = "/" + h.mountPoint().relativize(e.getValue());
            }
        }
        this.path = label == null ? "/" : label;
    }

    @Override
    public void apply(int pid) {
        Map<String, String> before = procCgroup(pid);
        List<Path> made = new ArrayList<>();
        List<Path> joined = new ArrayList<>();
        try {
            for (Map.Entry<Path, CgroupLayout.Hierarchy> e : hierarchies.entrySet()) {
                made.addAll(CgroupDirs.mkdirs(WHO, e.getValue().mountPoint(), e.getKey()));
            }
            Path cpuset = paths.get("cpuset");
            if (cpuset != null) {
                new V1Cpuset().prepare(hierarchies.get(cpuset).mountPoint(), cpuset);
            }
            for (Path dir : hierarchies.keySet()) {
                CgroupFiles.write(WHO + " " + key(dir), dir, "cgroup.procs", Integer.toString(pid));
                joined.add(dir);
            }
        } catch (RuntimeException e) {
            moveBack(pid, joined, before);
            CgroupDirs.removeCreated(made);
            throw e;
        }
        created.addAll(made);
    }

    /** Best effort: the process goes back where it was so the directories we made can go. */
    private void moveBack(int pid, List<Path> joined, Map<String, String> before) {
        for (Path dir : joined) {
            CgroupLayout.Hierarchy h = hierarchies.get(dir);
            String was = before.get(key(dir));
            if (was == null) {
                continue;
            }
            Path back = h.mountPoint();
            for (String part : stripRoot(was, h.root()).split("/")) {
                if (!part.isEmpty()) {
                    back = back.resolve(part);
                }
            }
            try {
                CgroupFiles.write(WHO, back, "cgroup.procs", Integer.toString(pid));
            } catch (CgroupException e) {
                // The process may be gone; then the directory is empty and removal works anyway.
            }
        }
    }

    /** A cgroup path from /proc/PID/cgroup, relative to what the hierarchy's mount shows. */
    private static String stripRoot(String cgroup, String mountRoot) {
        return !mountRoot.equals("/") && cgroup.startsWith(mountRoot) ? cgroup.substring(mountRoot.length()) : cgroup;
    }

    private Map<String, String> procCgroup(int pid) {
        try {
            return CgroupLayout.parseSelf(Files.readString(root.resolve("proc/" + pid + "/cgroup")));
        } catch (IOException e) {
            throw new CgroupException(WHO + ": reading /proc/" + pid + "/cgroup: process " + pid
                    + " does not exist (or has exited)", "ESRCH", e);
        }
    }

    private String key(Path dir) {
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            if (e.getValue().equals(dir)) {
                return e.getKey();
            }
        }
        return "";
    }

    @Override
    public void set(LinuxResources r) {
        if (r.unified() != null && !r.unified().isEmpty()) {
            throw new CgroupException("linux.resources.unified needs cgroup v2, but this host runs its controllers "
                    + "on cgroup v1: set the equivalent linux.resources fields instead");
        }
        for (V1Controller c : CONTROLLERS) {
            if (!c.requested(r)) {
                continue;
            }
            Path dir = paths.get(c.name());
            if (dir == null) {
                throw new CgroupException("cannot set " + c.name() + " limits: the " + c.name()
                        + " controller is not mounted (cgroup v1) on this host; remove those fields or mount it");
            }
            c.set(dir, r);
        }
    }

    @Override
    public void freeze() {
        V1Freezer.freeze(require("freezer"));
    }

    @Override
    public void thaw() {
        V1Freezer.thaw(require("freezer"));
    }

    @Override
    public FreezerState state() {
        Path dir = paths.get("freezer");
        return dir == null ? FreezerState.THAWED : V1Freezer.state(dir);
    }

    private Path require(String controller) {
        Path dir = paths.get(controller);
        if (dir == null) {
            throw new CgroupException("the " + controller + " controller is not mounted (cgroup v1) on this host");
        }
        return dir;
    }

    /** The freezer's tree when there is one: it is the one {@code kill --all} freezes. */
    @Override
    public List<Integer> pids() {
        for (String key : new String[] {"freezer", "pids", "memory"}) {
            if (paths.containsKey(key)) {
                return CgroupDirs.pidsRecursive(WHO + " " + key, paths.get(key));
            }
        }
        if (hierarchies.isEmpty()) {
            return List.of();
        }
        return CgroupDirs.pidsRecursive(WHO, hierarchies.keySet().iterator().next());
    }

    @Override
    public CgroupStats stats() {
        Path cpu = paths.get("cpu");
        Path cpuacct = paths.get("cpuacct");
        Path memory = paths.get("memory");
        Path pids = paths.get("pids");
        Path blkio = paths.get("blkio");
        Path hugetlb = paths.get("hugetlb");
        return new CgroupStats(
                new CgroupStats.Cpu(
                        cpuacct == null ? new CgroupStats.CpuUsage(0, List.of(), List.of(), List.of(), 0, 0) : V1Cpuacct.usage(cpuacct),
                        cpu == null ? new CgroupStats.Throttling(0, 0, 0) : V1Cpu.throttling(cpu)),
                memory == null ? null : V1Memory.stats(memory),
                pids == null ? null : V1Pids.stats(pids),
                blkio == null ? null : V1Blkio.stats(blkio),
                hugetlb == null ? Map.of() : V1Hugetlb.stats(hugetlb));
    }

    @Override
    public long oomKillCount() {
        Path memory = paths.get("memory");
        return memory == null || !Files.isDirectory(memory) ? 0 : V1Memory.oomKills(memory);
    }

    @Override
    public void destroy() {
        for (Path dir : hierarchies.keySet()) {
            CgroupDirs.removeTree(WHO + " " + key(dir), dir);
        }
        // Parents this manager made (e.g. /vessel) go too, unless another container uses them.
        CgroupDirs.removeCreated(created);
        created.clear();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, Path> paths() {
        return Collections.unmodifiableMap(paths);
    }
}
