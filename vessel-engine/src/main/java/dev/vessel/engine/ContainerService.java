package dev.vessel.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.engine.api.ApiError;
import dev.vessel.engine.container.ContainerBundle;
import dev.vessel.engine.container.ContainerIdMaps;
import dev.vessel.engine.container.Images;
import dev.vessel.engine.container.Loopback;
import dev.vessel.engine.container.RunFlags;
import dev.vessel.engine.container.SecurityOpts;
import dev.vessel.engine.container.Storage;
import dev.vessel.engine.container.UsernsAllocations;
import dev.vessel.engine.container.UsernsMode;
import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.store.Store;
import dev.vessel.engine.store.StoreException;
import dev.vessel.engine.supervise.RestartBackoff;
import dev.vessel.engine.supervise.RestartPolicy;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.linux.Fds;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.CreateOptions;
import dev.vessel.runtime.container.SupervisedContainer;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine's containers: each is a row in the store (its desired and last known state) and,
 * while it runs, a process under a monitor of its own (vessel-init in SUPERVISE mode) that
 * outlives the engine and writes the exit to {@code <bundle>/exit}. Every step that makes
 * something is undone when a later one fails; a row in state "created" is a run the engine
 * did not finish, and {@link Reconciler} removes it with all it made.
 */
public final class ContainerService implements AutoCloseable {

    /** The monitor's record of the exit, in the container's directory. */
    static final String EXIT_RECORD = "exit";

    private static final ObjectMapper JSON = new ObjectMapper();

    final Storage storage;
    final Store store;
    final ContainerRuntime runtime;
    final ImageService images;
    final Events events;
    final HealthChecks health;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("vessel-restarts").factory());
    private final Map<String, RestartBackoff> backoffs = new ConcurrentHashMap<>();
    /** The exit codes of containers removed at their exit (--rm), for a wait that asks after the removal; a minute. */
    private final Map<String, Integer> removedExits = new ConcurrentHashMap<>();
    /** Whoever waits for a container's exit (stop, rm -f): completed by {@link #exited}. */
    private final Map<String, Object> exitMonitors = new ConcurrentHashMap<>();

    ContainerService(Storage storage, Store store, ImageService images, Events events) {
        this.storage = storage;
        this.store = store;
        this.runtime = new ContainerRuntime(storage.runtimeRoot(), storage.initBinary());
        this.images = images;
        this.events = events;
        this.health = new HealthChecks(this);
    }

    /** {@code vessel run -d}: makes the container and starts it under its monitor. */
    public ContainerRecord run(RunRequest r) {
        if (r.image() == null || r.image().isBlank()) {
            throw new ApiError(400, "field \"image\" is missing: name the image to run (e.g. busybox)", "image", r.image());
        }
        RestartPolicy policy;
        try {
            policy = RestartPolicy.parse(r.restart() == null ? "no" : r.restart());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), "restart", r.restart());
        }
        if (Boolean.TRUE.equals(r.autoRemove()) && !policy.toString().equals("no")) {
            throw new ApiError(400, "--rm with --restart " + policy + ": a container removed when it exits cannot be"
                    + " restarted; drop one of them", "autoRemove", true);
        }
        RunFlags flags;
        UsernsMode userns;
        try {
            userns = UsernsMode.parse(r.userns(), r.uidmap(), r.gidmap());
            flags = new RunFlags(r.name(), false, r.memory(), r.cpus(), r.pidsLimit(), r.hostname(), r.env(), r.workdir(),
                    r.user(), Boolean.TRUE.equals(r.readOnly()), r.command(), SecurityOpts.seccomp(r.securityOpt()));
            flags.check();
            if (r.name() != null) {
                ContainerRuntime.validateId(r.name());
            }
        } catch (RuntimeError e) {
            throw new ApiError(400, e.getMessage());
        }
        String id = flags.id();
        Image img;
        try {
            img = Images.resolve(images, r.image());
        } catch (RuntimeError e) {
            throw new ApiError(404, e.getMessage(), "image", r.image());
        }
        try {
            HealthChecks.config(r, img);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        Instant now = Instant.now();
        // The row first: it claims the name, and marks the run unfinished until it is "running".
        try {
            store.insert(new ContainerRecord(id, id, r.image(), json(r), "created", 0, null, now, null, null, 0,
                    policy.toString(), false, null));
        } catch (StoreException.Conflict e) {
            throw new ApiError(409, "the name \"" + id + "\" is already in use by a container: remove it (vessel rm " + id
                    + ") or choose another --name", "name", id);
        }
        boolean reserved = false;
        boolean created = false;
        boolean ok = false;
        try {
            ContainerBundle bundle = ContainerBundle.reserve(storage, id);
            reserved = true;
            ContainerIdMaps maps = UsernsAllocations.of(storage).assign(userns, bundle.dir());
            ContainerSnapshot snap = Images.snapshot(images, id, img, maps);
            Spec spec = flags.forImage(id, r.image(), img, snap, maps);
            bundle.write(spec);
            events.emit("container", "create", id, Map.of("image", r.image(), "name", id));
            created = true;
            ContainerRecord started = start(store.find(id).orElseThrow());
            ok = true;
            return started;
        } catch (RuntimeError.CommandFailed e) {
            throw new ApiError(422, e.getMessage(), "command", r.command().isEmpty() ? null : r.command().getFirst());
        } catch (RuntimeError e) {
            throw new ApiError(e.getMessage().contains("is already in use") ? 409 : 400, e.getMessage());
        } finally {
            if (!ok) {
                discard(id, reserved);
                if (created) {
                    events.emit("container", "destroy", id, Map.of("name", id));
                }
            }
        }
    }

    /**
     * Removes what a run made before it failed, the row last (it is what marks the run as
     * unfinished). {@code madeAny} false: the run failed before it reserved the container's
     * directory, so whatever bears its name on the host (a container `vessel run` kept) is not
     * its own and stays.
     */
    void discard(String id, boolean madeAny) {
        try {
            if (madeAny) {
                removeMade(id);
            }
        } finally {
            store.delete(id);
        }
    }

    /** What a container made on the host, but its row: runtime state, directory (bundle, log, id range), snapshot. */
    private void removeMade(String id) {
        if (runtime.store().exists(id)) {
            runtime.delete(id, true);
        }
        Path dir = storage.containers().resolve(id);
        if (Files.isDirectory(dir)) {
            new ContainerBundle(dir).remove(images);
        } else {
            Images.removeSnapshot(images, id);
        }
    }

    /**
     * Starts the container of {@code rec} (its bundle is written) under a new monitor; stdout
     * and stderr are appended to its log. Returns the row as it now is, running.
     */
    ContainerRecord start(ContainerRecord rec) {
        String id = rec.id();
        Path dir = storage.containers().resolve(id);
        try {
            Files.deleteIfExists(dir.resolve(EXIT_RECORD));
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot remove its old exit record: " + e.getMessage());
        }
        if (runtime.store().exists(id)) {
            runtime.delete(id, true); // the state of its previous run
        }
        int in = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        SupervisedContainer c;
        try {
            int log = Fds.open(dir.resolve(ContainerBundle.LOG).toString(),
                    Fds.O_WRONLY | Fds.O_CREAT | Fds.O_APPEND | Fds.O_CLOEXEC, 0640);
            try {
                c = runtime.supervise(new CreateOptions(id, dir, null, null, 0, false, false,
                        new InitSession.Stdio(in, log, log), Loopback::up, dir.resolve(EXIT_RECORD)));
            } finally {
                Fds.close(log);
            }
        } finally {
            Fds.close(in);
        }
        ContainerRecord running = rec.withState("running").withPid(c.pid()).withStarted(Instant.now()).withExitCode(null)
                .withFinished(null);
        store.update(running);
        events.emit("container", "start", id, Map.of("name", rec.name()));
        watchHealth(running);
        Thread.ofPlatform().daemon().name("vessel-watch-" + id).start(() -> {
            int code;
            try {
                code = c.awaitExit();
            } catch (RuntimeException e) {
                code = 255; // the monitor died without reporting: the exit is unknown
            } finally {
                c.close();
            }
            exited(id, code, Instant.now());
        });
        return running;
    }

    /**
     * The container's process ended (seen by its watcher, or found by {@link Reconciler}):
     * record it, and restart it after Docker's back-off if its policy says so.
     */
    void exited(String id, int code, Instant when) {
        Optional<ContainerRecord> found = store.find(id);
        if (found.isEmpty() || !found.get().id().equals(id)) {
            return; // removed meanwhile
        }
        ContainerRecord rec = found.get();
        health.forget(id);
        RestartPolicy policy = RestartPolicy.parse(rec.restartPolicy());
        boolean restart = policy.shouldRestart(code, rec.restartCount(), rec.stoppedByUser());
        ContainerRecord done = rec.withState(restart ? "restarting" : "exited").withExitCode(code).withFinished(when).withPid(0);
        store.update(done);
        events.emit("container", "die", id, Map.of("exitCode", Integer.toString(code), "name", rec.name()));
        Object monitor = exitMonitors.get(id);
        if (monitor != null) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
        if (!restart && !rec.state().equals("removing") && autoRemove(rec)) {
            removedExits.put(id, code);
            timers.schedule(() -> removedExits.remove(id), 1, TimeUnit.MINUTES);
            timers.execute(() -> {
                try {
                    remove(id, true);
                } catch (RuntimeException e) {
                    System.err.println("vessel engine: removing " + id + " after its exit (--rm): " + e.getMessage());
                }
            });
        }
        if (restart) {
            Duration ran = rec.started() == null ? Duration.ZERO : Duration.between(rec.started(), when);
            Duration delay = backoffs.computeIfAbsent(id, k -> new RestartBackoff()).next(ran);
            timers.schedule(() -> restart(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the container's health checks, if its request or its image has one. */
    void watchHealth(ContainerRecord rec) {
        try {
            RunRequest r = JSON.readValue(rec.config(), RunRequest.class);
            HealthChecks.config(r, Images.resolve(images, rec.image()))
                    .ifPresent(cfg -> health.watch(rec.id(), cfg, rec.started() == null ? Instant.now() : rec.started()));
        } catch (IOException | RuntimeException e) {
            System.err.println("vessel engine: no health check for " + rec.id() + ": " + e.getMessage());
        }
    }

    /** The last health check results of a container, oldest first. */
    public List<dev.vessel.engine.supervise.HealthState.Result> healthLog(String id) {
        return health.log(id);
    }

    /** {@code --health-on-failure=restart}: stop (10 s grace), then start again, whatever its restart policy. */
    void restartNow(String id) {
        stop(id, 10);
        ContainerRecord rec = inspect(id).withStoppedByUser(false);
        store.update(rec);
        events.emit("container", "restart", id, Map.of("name", rec.name())); // before the start, as restart() does
        start(rec.withRestartCount(rec.restartCount() + 1));
    }

    /** Whether the row's request asked for {@code --rm}. */
    private static boolean autoRemove(ContainerRecord rec) {
        try {
            return JSON.readTree(rec.config()).path("autoRemove").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** A scheduled restart: only if the container still waits for it (not stopped or removed meanwhile). */
    void restart(String id) {
        Optional<ContainerRecord> rec = store.find(id);
        if (rec.isEmpty() || !rec.get().state().equals("restarting")) {
            return;
        }
        // Announced before the start: once started, the container may die before start() returns,
        // and its "die" must not come before the "restart" that began its run.
        events.emit("container", "restart", id, Map.of("name", rec.get().name()));
        try {
            start(rec.get().withRestartCount(rec.get().restartCount() + 1));
        } catch (RuntimeException e) {
            store.update(rec.get().withState("exited"));
            events.emit("container", "restart-failed", id, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    public ContainerRecord inspect(String ref) {
        return store.find(ref).orElseThrow(() -> new ApiError(404, "no such container: " + ref + " (see vessel ps -a)",
                "id", ref));
    }

    /** The arguments its process runs with, from its bundle; empty if the bundle is gone or unreadable. */
    public List<String> processArgs(String id) {
        return new ContainerBundle(storage.containers().resolve(id)).processArgs();
    }

    public List<ContainerRecord> list() {
        return store.list();
    }

    /**
     * {@code docker wait}: blocks until the container is not running (a restart policy may
     * start it again afterwards) and answers its exit code.
     */
    public int waitForExit(String ref) {
        ContainerRecord rec = inspect(ref);
        while (!awaitExit(rec.id(), Duration.ofHours(1))) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ApiError(503, "the engine is stopping: wait again");
            }
        }
        Optional<ContainerRecord> done = store.find(rec.id());
        if (done.isEmpty()) {
            Integer code = removedExits.get(rec.id());
            return code == null ? 0 : code;
        }
        return done.get().exitCode() == null ? 0 : done.get().exitCode();
    }

    /** SIGTERM, then SIGKILL after {@code seconds}; a stopped container is never restarted by its policy. */
    public ContainerRecord stop(String ref, int seconds) {
        ContainerRecord rec = inspect(ref);
        store.update(rec.withStoppedByUser(true));
        if (rec.state().equals("restarting")) {
            store.update(store.find(rec.id()).orElseThrow().withState("exited"));
        } else if (rec.state().equals("running") && runtime.isAlive(rec.id())) {
            signal(rec.id(), Signals.SIGTERM, false);
            if (!awaitExit(rec.id(), Duration.ofSeconds(seconds))) {
                signal(rec.id(), Signals.SIGKILL, true);
                awaitExit(rec.id(), Duration.ofSeconds(10));
            }
        }
        events.emit("container", "stop", rec.id(), Map.of("name", rec.name()));
        return inspect(rec.id());
    }

    public void kill(String ref, int signal) {
        ContainerRecord rec = inspect(ref);
        if (!rec.state().equals("running") || !runtime.isAlive(rec.id())) {
            throw new ApiError(409, "container " + rec.name() + " is not running (" + rec.state() + "): nothing to kill");
        }
        if (!signal(rec.id(), signal, false)) {
            throw new ApiError(409, "container " + rec.name() + " exited before the signal reached it");
        }
        events.emit("container", "kill", rec.id(), Map.of("signal", Integer.toString(signal)));
    }

    /** Everything of the container: its process (with {@code force}), runtime state, snapshot, directory, row. */
    public void remove(String ref, boolean force) {
        ContainerRecord rec = inspect(ref);
        boolean alive = runtime.store().exists(rec.id()) && runtime.isAlive(rec.id());
        if (alive && !force) {
            throw new ApiError(409, "container " + rec.name() + " is running: stop it first (vessel stop " + rec.name()
                    + ") or remove it with -f", "id", rec.name());
        }
        store.update(rec.withStoppedByUser(true).withState(alive ? "removing" : rec.state().equals("restarting")
                ? "exited" : rec.state()));
        if (alive) {
            signal(rec.id(), Signals.SIGKILL, true);
            awaitExit(rec.id(), Duration.ofSeconds(10));
        }
        removeMade(rec.id());
        store.delete(rec.id());
        health.forget(rec.id());
        backoffs.remove(rec.id());
        events.emit("container", "destroy", rec.id(), Map.of("name", rec.name()));
    }

    /**
     * Signals the container; false if it had exited meanwhile (the kill then finds it stopped,
     * which is what the caller wanted anyway). Any other failure is the runtime's error.
     */
    private boolean signal(String id, int signal, boolean all) {
        try {
            runtime.kill(id, signal, all);
            return true;
        } catch (RuntimeError e) {
            if (runtime.store().exists(id) && runtime.isAlive(id)) {
                throw e;
            }
            return false;
        }
    }

    /** Waits until the row says the container is no longer running; false on timeout. */
    private boolean awaitExit(String id, Duration timeout) {
        Object monitor = exitMonitors.computeIfAbsent(id, k -> new Object());
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                // The watcher's exited() moves the row on from running (or removing) and notifies.
                Optional<ContainerRecord> rec = store.find(id);
                if (rec.isEmpty() || !(rec.get().state().equals("running") || rec.get().state().equals("removing"))) {
                    return true;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    monitor.wait(Math.min(100, Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        health.close();
        timers.shutdownNow();
    }
}
