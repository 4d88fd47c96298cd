package dev.vessel.runtime.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupManagers;
import dev.vessel.runtime.launch.PlanBuilder;
import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.Namespaces;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecException;
import dev.vessel.runtime.spec.SpecParser;
import dev.vessel.runtime.spec.SpecValidator;
import dev.vessel.runtime.state.ContainerState;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * create and run: validate the bundle, make the state directory, the cgroup and the process
 * through vessel-init, each with its undo registered before the next step (DESIGN.md "State on
 * disk"), so any failure leaves no state file, cgroup or process behind.
 */
final class Creator {

    private final StateStore store;
    private final Path initBinary;

    Creator(StateStore store, Path initBinary) {
        this.store = store;
        this.initBinary = initBinary;
    }

    void create(CreateOptions o) {
        try (Launched l = launch(o, false, true)) {
            l.commit();
        }
    }

    int run(CreateOptions o, boolean detach, boolean keep, ContainerRuntime rt) {
        Launched l = launch(o, !detach, false);
        l.commit();
        if (detach) {
            l.close();
            return 0;
        }
        int code;
        ConsoleProxy console = l.consoleEnd >= 0 ? ConsoleProxy.receive(l.consoleEnd) : null;
        try (InterruptForwarder f = InterruptForwarder.install(l.state.pid())) {
            if (console != null) {
                console.rawMode();
            }
            code = l.helper.awaitExit();
        } finally {
            if (console != null) {
                console.close();
            }
            l.close();
        }
        if (!keep) {
            rt.delete(o.id(), true);
        }
        return code;
    }

    /**
     * Starts the container under a monitor that outlives this process (vessel-init in SUPERVISE
     * mode): it records the exit in {@code o.exitRecord()}. The caller owns the returned handle.
     */
    SupervisedContainer supervise(CreateOptions o) {
        if (o.exitRecord() == null) {
            throw new IllegalArgumentException("supervise needs CreateOptions.exitRecord");
        }
        Launched l = launch(o, false, false);
        l.commit();
        Helper helper = l.helper;
        l.helper = null; // the handle owns it now: closing l must not close the session
        l.close();
        return new SupervisedContainer(o.id(), l.state.pid(), helper);
    }

    /** A started container with its helper session; closing rolls back unless committed. */
    private static final class Launched implements AutoCloseable {
        final Rollback rollback = new Rollback();
        ContainerState state;
        Helper helper;
        /** Our end of the socket pair over which a foreground run's container sends its pty master; -1 without. */
        int consoleEnd = -1;

        void commit() {
            rollback.commit();
        }

        @Override
        public void close() {
            rollback.close();
            if (helper != null) {
                helper.close();
            }
            if (consoleEnd >= 0) {
                dev.vessel.linux.Fds.close(consoleEnd);
                consoleEnd = -1;
            }
        }
    }

    private Launched launch(CreateOptions o, boolean monitor, boolean waitForStart) {
        ContainerRuntime.validateId(o.id());
        Path config = o.bundle().resolve("config.json");
        Spec spec;
        int listen;
        try {
            spec = SpecParser.parse(config);
            SpecValidator.validate(spec);
            listen = SocketActivation.listenFds();
            spec = SocketActivation.apply(spec, listen);
        } catch (SpecException e) {
            throw new RuntimeError(e.getMessage());
        }
        Path rootfs = o.bundle().resolve(spec.root().path()).normalize();
        if (!Files.isDirectory(rootfs)) {
            throw new RuntimeError("root.path \"" + spec.root().path() + "\": " + rootfs
                    + " is not a directory; create the root filesystem there or fix config.json");
        }
        dev.vessel.runtime.launch.Unsupported.check(spec);
        dev.vessel.runtime.launch.MountTargets.check(rootfs, spec.mounts());
        boolean terminal = spec.process() != null && spec.process().terminal();
        if (terminal && o.consoleSocket() == null && !monitor) {
            throw new RuntimeError("process.terminal is true but no --console-socket was given: a detached container's "
                    + "terminal must go to a console socket (or set \"terminal\": false)");
        }
        Launched l = new Launched();
        try {
            Path dir = store.create(o.id());
            l.rollback.add(() -> store.remove(o.id()));
            Files.copy(config, dir.resolve(StateStore.CONFIG_FILE));
            String fifo = null;
            if (waitForStart) {
                Path f = dir.resolve(StateStore.EXEC_FIFO);
                ExecFifo.create(f);
                fifo = f.toString();
            }
            Linux linux = spec.linux();
            CgroupManager cg = CgroupManagers.create(linux == null ? null : linux.cgroupsPath(), o.id());
            // Registered before the process exists, so it runs after the process is killed (undo runs in reverse).
            l.rollback.add(cg::destroy);
            int socket = -1;
            if (terminal && o.consoleSocket() != null) {
                socket = Consoles.connect(o.consoleSocket());
            } else if (terminal) {
                dev.vessel.linux.Fds.Pair pair = dev.vessel.linux.Fds.socketPair(dev.vessel.linux.Fds.SOCK_STREAM);
                l.consoleEnd = pair.first();
                socket = pair.second();
            }
            List<LaunchPlan.Step> steps = PlanBuilder.container(spec, new PlanBuilder.Options(o.bundle(), rootfs, fifo, o.noPivot(),
                    listen + o.preserveFds(), monitor, cg.paths(), terminal ? 3 + listen + o.preserveFds() : -1,
                    o.noNewKeyring() ? null : PlanBuilder.sessionKeyring(o.id())));
            try {
                LaunchPlan.Mode mode = o.exitRecord() != null ? LaunchPlan.Mode.SUPERVISE
                        : monitor ? LaunchPlan.Mode.MONITOR : LaunchPlan.Mode.DETACH;
                l.helper = Helper.start(initBinary, steps, mode, o.exitRecord(), listen + o.preserveFds(),
                        socket >= 0 ? List.of(socket) : List.of(), o.stdio());
            } finally {
                if (socket >= 0) {
                    dev.vessel.linux.Fds.close(socket); // the helper has its copy
                }
            }
            int pid = l.helper.awaitPid();
            // Once the process exists, undoing means killing it, whether or not the helper still waits.
            l.rollback.add(() -> Teardown.killAndWait(pid));
            if (linux != null && linux.seccomp() != null) {
                // Arrives after GO, before READY: l.state is saved by then.
                l.helper.onSeccompListener(fd -> SeccompAgent.handOver(linux.seccomp(), fd, pid,
                        ContainerRuntime.ociState(l.state, Status.CREATING)));
            }
            IdMaps.write(pid, linux);
            if (o.beforeStart() != null) {
                o.beforeStart().accept(pid);
            }
            cg.apply(pid);
            cg.set(dev.vessel.runtime.launch.DeviceRules.forContainer(spec));
            if (spec.process() != null && spec.process().oomScoreAdj() != null) {
                Files.writeString(Path.of("/proc/" + pid + "/oom_score_adj"), spec.process().oomScoreAdj().toString());
            }
            ProcessInfo info = ProcessInfo.read(pid);
            l.state = new ContainerState(Spec.VERSION, o.id(), pid, info == null ? 0 : info.startTime(),
                    o.bundle().toString(), rootfs.toString(), linux == null ? null : linux.cgroupsPath(), asStrings(cg.paths()),
                    OffsetDateTime.now(ZoneOffset.UTC).toString(), spec.annotations(), o.noNewKeyring());
            store.save(l.state);
            l.helper.proceed();
            if (PlanBuilder.hasCreateHooks(spec)) {
                // The child stops at its SyncHooks barrier: mounts done, pivot not yet (the OCI lifecycle).
                l.helper.awaitHooks();
                byte[] st = StateStore.toJson(ContainerRuntime.ociState(l.state, Status.CREATING));
                HookRunner.run("prestart", spec.hooks().prestart(), st);
                HookRunner.run("createRuntime", spec.hooks().createRuntime(), st);
                // In the waiting child's namespaces, its mount namespace above all: they edit the mounted rootfs.
                ContainerHooks.run("createContainer", spec.hooks().createContainer(), pid, cg, st, initBinary);
                l.helper.resume();
            }
            l.helper.awaitReady();
            ContainerRuntime.writePidFile(o.pidFile(), pid);
            if (!waitForStart && spec.hooks() != null) {
                HookRunner.run("poststart", spec.hooks().poststart(),
                        StateStore.toJson(ContainerRuntime.ociState(l.state, Status.RUNNING)));
            }
            return l;
        } catch (IOException e) {
            l.close();
            throw new RuntimeError("container \"" + o.id() + "\": " + e.getMessage());
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private static java.util.Map<String, String> asStrings(java.util.Map<String, Path> paths) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        paths.forEach((k, v) -> m.put(k, v.toString()));
        return m;
    }

    static boolean hasNewUserNamespace(Linux linux) {
        Linux.Namespace ns = linux == null ? null : linux.namespace(Namespaces.USER);
        return ns != null && (ns.path() == null || ns.path().isEmpty());
    }
}
