package dev.vessel.runtime.container;

import dev.vessel.linux.Processes;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupManagers;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.cgroups.FreezerState;
import dev.vessel.runtime.spec.ContainerId;
import dev.vessel.runtime.spec.LinuxResources;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecException;
import dev.vessel.runtime.spec.SpecParser;
import dev.vessel.runtime.spec.State;
import dev.vessel.runtime.state.ContainerState;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The verbs of the OCI runtime on containers that exist. Status is never stored: it is derived
 * each time from the process, the exec fifo and the freezer, as runc does, so it cannot go stale.
 */
public final class ContainerRuntime {

    private final StateStore store;
    private final Path initBinary;

    public ContainerRuntime(Path root, Path initBinary) {
        this.store = new StateStore(root);
        this.initBinary = initBinary;
    }

    public StateStore store() {
        return store;
    }

    public void create(CreateOptions o) {
        new Creator(store, initBinary).create(o);
    }

    /**
     * Creates and starts the container under a monitor of its own that outlives this process
     * and writes its exit to {@code o.exitRecord()} ({@link SupervisedContainer}): the engine's
     * way, where {@link #run} is runc's.
     */
    public SupervisedContainer supervise(CreateOptions o) {
        return new Creator(store, initBinary).supervise(o);
    }

    public int run(CreateOptions o, boolean detach, boolean keep) {
        return new Creator(store, initBinary).run(o, detach, keep, this);
    }

    public int exec(ExecOptions o) {
        ContainerState s = load(o.id());
        Status st = status(s);
        if (st == Status.PAUSED && !o.ignorePaused()) {
            throw new RuntimeError("container \"" + o.id() + "\" is paused: resume it first (or pass --ignore-paused)");
        }
        if (st != Status.RUNNING && st != Status.CREATED && st != Status.PAUSED) {
            throw new RuntimeError("cannot exec in container \"" + o.id() + "\": it is " + st.oci() + ", not running");
        }
        return new Executor(store, initBinary).exec(s, st, spec(s), cgroup(s), o);
    }

    public void start(String id) {
        try (StateStore.Lock l = store.lock(id)) {
            ContainerState s = load(id);
            Status st = status(s);
            if (st != Status.CREATED) {
                throw new RuntimeError("cannot start container \"" + id + "\": it is " + st.oci() + ", not created");
            }
            Spec spec = spec(s);
            byte[] state = StateStore.toJson(ociState(s, Status.CREATED));
            if (spec.hooks() != null) {
                ContainerHooks.run("startContainer", spec.hooks().startContainer(), s.pid(), cgroup(s), state, initBinary);
            }
            ExecFifo.release(store.dir(id).resolve(StateStore.EXEC_FIFO), s.pid(), s.pidStartTime());
            if (spec.hooks() != null) {
                HookRunner.run("poststart", spec.hooks().poststart(), StateStore.toJson(ociState(s, Status.RUNNING)));
            }
        }
    }

    public State state(String id) {
        ContainerState s = load(id);
        return ociState(s, status(s));
    }

    public List<ContainerSummary> list() {
        List<ContainerSummary> out = new ArrayList<>();
        for (String id : store.ids()) {
            ContainerState s;
            try {
                s = store.load(id);
            } catch (RuntimeError e) {
                continue; // deleted between listing and reading
            }
            Status st = status(s);
            out.add(new ContainerSummary(s.ociVersion(), s.id(), st == Status.STOPPED ? 0 : s.pid(), st.oci(), s.bundle(),
                    s.rootfs(), s.created(), "root", s.annotations()));
        }
        return out;
    }

    public void kill(String id, int signal, boolean all) {
        ContainerState s = load(id);
        CgroupManager cg = all ? cgroup(s) : null;
        Status st = status(s, cg);
        if (st == Status.STOPPED) {
            throw new RuntimeError("container \"" + id + "\" is not running (it is stopped)");
        }
        if (all) {
            for (int pid : cg.pids()) {
                Teardown.signal(pid, signal);
            }
            if (st == Status.PAUSED && signal == Signals.SIGKILL) {
                cg.thaw();
            }
        } else {
            Processes.kill(s.pid(), signal);
        }
    }

    public void delete(String id, boolean force) {
        ContainerState s;
        try {
            s = load(id); // validates the id first: --force below removes a directory named by it
        } catch (RuntimeError.NotFound e) {
            if (!force) {
                throw e;
            }
            // As runc: --force on a container without state succeeds (engines' cleanup paths,
            // e.g. containerd's shim after a --rm run, call it on containers already gone) and
            // removes what an aborted create may have left.
            store.remove(id);
            return;
        }
        try (StateStore.Lock l = store.lock(id)) {
            CgroupManager cg = cgroup(s);
            Status st = status(s, cg);
            if ((st == Status.RUNNING || st == Status.PAUSED) && !force) {
                throw new RuntimeError("cannot delete container \"" + id + "\": it is " + st.oci()
                        + "; stop it first or use --force");
            }
            if (st != Status.STOPPED) {
                Teardown.killAll(s, cg);
            }
            cg.destroy();
            Spec spec = specOrNull(s);
            store.remove(id);
            if (spec != null && spec.hooks() != null) {
                try {
                    HookRunner.run("poststop", spec.hooks().poststop(), StateStore.toJson(ociState(s, Status.STOPPED)));
                } catch (RuntimeError e) {
                    // The spec: a failing poststop hook is logged, the deletion still succeeds.
                    System.err.println("vessel-runtime: warning: " + e.getMessage());
                }
            }
        }
    }

    public void pause(String id) {
        ContainerState s = load(id);
        CgroupManager cg = cgroup(s);
        Status st = status(s, cg);
        if (st != Status.RUNNING && st != Status.CREATED) {
            throw new RuntimeError("cannot pause container \"" + id + "\": it is " + st.oci());
        }
        cg.freeze();
    }

    public void resume(String id) {
        ContainerState s = load(id);
        CgroupManager cg = cgroup(s);
        if (status(s, cg) != Status.PAUSED) {
            throw new RuntimeError("cannot resume container \"" + id + "\": it is not paused");
        }
        cg.thaw();
    }

    public void update(String id, LinuxResources r) {
        ContainerState s = load(id);
        if (status(s) == Status.STOPPED) {
            throw new RuntimeError("cannot update container \"" + id + "\": it is stopped");
        }
        try {
            dev.vessel.runtime.spec.SpecValidator.validateResources(r);
        } catch (SpecException e) {
            throw new RuntimeError(e.getMessage());
        }
        cgroup(s).set(r);
    }

    public CgroupStats stats(String id) {
        return cgroup(load(id)).stats();
    }

    public long oomKills(String id) {
        return cgroup(load(id)).oomKillCount();
    }

    public boolean isAlive(String id) {
        return store.exists(id) && status(store.load(id)) != Status.STOPPED;
    }

    public List<Integer> pids(String id) {
        return cgroup(load(id)).pids();
    }

    ContainerState load(String id) {
        validateId(id);
        return store.load(id);
    }

    /** The caller's terminal size (on stdin) as a process.consoleSize, or null without a terminal. */
    public static dev.vessel.runtime.spec.ProcessSpec.ConsoleSize callerTerminalSize() {
        return ConsoleProxy.callerSize();
    }

    /** The container id rules (runc's), as a one-line error. */
    public static void validateId(String id) {
        try {
            ContainerId.validate(id);
        } catch (SpecException e) {
            throw new RuntimeError(e.getMessage());
        }
    }

    Status status(ContainerState s) {
        return status(s, null);
    }

    /**
     * As {@link #status(ContainerState)}, asking the freezer of {@code cg} when the caller has
     * made the container's cgroup manager already (making one reads mountinfo), else of a new one.
     */
    Status status(ContainerState s, CgroupManager cg) {
        if (!ProcessInfo.isAlive(s.pid(), s.pidStartTime())) {
            return Status.STOPPED;
        }
        if (Files.exists(store.dir(s.id()).resolve(StateStore.EXEC_FIFO))) {
            return Status.CREATED;
        }
        try {
            if ((cg != null ? cg : cgroup(s)).state() == FreezerState.FROZEN) {
                return Status.PAUSED;
            }
        } catch (RuntimeException e) {
            // No freezer to ask (cgroup gone): the process is alive, so it runs.
        }
        return Status.RUNNING;
    }

    static State ociState(ContainerState s, Status st) {
        return new State(s.ociVersion(), s.id(), st.oci(), st == Status.STOPPED ? 0 : s.pid(), s.bundle(), s.annotations());
    }

    /**
     * The container's cgroup from the directories saved at create: a relative cgroupsPath
     * resolves against the caller's own cgroup, which differs between invocations.
     */
    CgroupManager cgroup(ContainerState s) {
        if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty()) {
            java.util.Map<String, java.nio.file.Path> paths = new java.util.HashMap<>();
            s.cgroupPaths().forEach((k, v) -> paths.put(k, java.nio.file.Path.of(v)));
            return CgroupManagers.reopen(paths, java.nio.file.Path.of("/"));
        }
        return CgroupManagers.create(s.cgroupsPath(), s.id());
    }

    Spec spec(ContainerState s) {
        Spec spec = specOrNull(s);
        if (spec == null) {
            throw new RuntimeError("container \"" + s.id() + "\": its saved config.json is missing or unreadable");
        }
        return spec;
    }

    private Spec specOrNull(ContainerState s) {
        try {
            return SpecParser.parse(store.dir(s.id()).resolve(StateStore.CONFIG_FILE));
        } catch (SpecException e) {
            return null;
        }
    }

    static void writePidFile(Path pidFile, int pid) {
        if (pidFile == null) {
            return;
        }
        Path tmp = pidFile.resolveSibling("." + pidFile.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Integer.toString(pid));
            Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RuntimeError("--pid-file " + pidFile + ": " + e.getMessage());
        }
    }
}
