package dev.vessel.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.supervise.HealthConfig;
import dev.vessel.engine.supervise.HealthState;
import dev.vessel.linux.Fds;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ExecOptions;
import dev.vessel.runtime.plan.InitSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Docker's health checks, run by the engine: each probe is an exec of the check's command in
 * the container (stdout and stderr captured, killed at its timeout), its result goes through
 * {@link HealthState}; a change of status is stored and announced ({@code health_status: X}),
 * and {@code --health-on-failure} (kill, restart, stop) is carried out when it becomes
 * unhealthy, on any host (podman needs systemd for that).
 */
final class HealthChecks implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Watch(HealthState state, Instant started, ScheduledFuture<?> next) {}

    private final ContainerService containers;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("vessel-health").factory());
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    HealthChecks(ContainerService containers) {
        this.containers = containers;
    }

    /** The container's check: its request's flags over its image's HEALTHCHECK; empty for none. */
    static Optional<HealthConfig> config(RunRequest r, dev.vessel.image.Image img) {
        Optional<HealthConfig> image = Optional.empty();
        var hc = img.config() == null || img.config().config() == null ? null : img.config().config().healthcheck();
        if (hc != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(hc, Map.class);
            image = HealthConfig.fromImage(m);
        }
        return HealthConfig.fromFlags(r.healthCmd(), r.healthInterval(), r.healthTimeout(), r.healthRetries(),
                r.healthStartPeriod(), r.healthStartInterval(), r.healthOnFailure(), Boolean.TRUE.equals(r.noHealthcheck()),
                image);
    }

    /** Starts probing a container that has just started (or was adopted) running since {@code started}. */
    void watch(String id, HealthConfig config, Instant started) {
        HealthState state = new HealthState(config);
        ScheduledFuture<?> next = timers.schedule(() -> probe(id), state.nextDelay(Instant.now(), started).toMillis(),
                TimeUnit.MILLISECONDS);
        Watch old = watches.put(id, new Watch(state, started, next));
        if (old != null) {
            old.next().cancel(false);
        }
    }

    /** Stops probing (the container exited or is removed). */
    void forget(String id) {
        Watch w = watches.remove(id);
        if (w != null) {
            w.next().cancel(false);
        }
    }

    /** The last results (at most 5), oldest first; empty without a check. */
    List<HealthState.Result> log(String id) {
        Watch w = watches.get(id);
        return w == null ? List.of() : w.state().log();
    }

    private void probe(String id) {
        Watch w = watches.get(id);
        if (w == null) {
            return;
        }
        HealthState.Result result;
        try {
            result = run(id, w.state().config());
        } catch (RuntimeException e) {
            // not running any more (its exit forgets the watch), or the runtime refused: try again later
            reschedule(id, w);
            return;
        }
        HealthState.Transition t;
        synchronized (w.state()) {
            t = w.state().record(result, w.started());
        }
        if (t.changed()) {
            containers.store.find(id).ifPresent(rec -> containers.store.update(rec.withHealth(t.to().statusName())));
            containers.events.emit("container", t.eventAction(), id, Map.of("name", id));
        }
        if (t.actionDue()) {
            act(id, w.state().config().onFailure());
            return;
        }
        reschedule(id, w);
    }

    private void reschedule(String id, Watch w) {
        if (watches.get(id) != w) {
            return; // forgotten or replaced meanwhile
        }
        ScheduledFuture<?> next = timers.schedule(() -> probe(id), w.state().nextDelay(Instant.now(), w.started()).toMillis(),
                TimeUnit.MILLISECONDS);
        watches.replace(id, w, new Watch(w.state(), w.started(), next));
    }

    /** --health-on-failure, once the container became unhealthy. */
    private void act(String id, HealthConfig.OnFailure action) {
        containers.events.emit("container", "health_action", id, Map.of("onFailure", action.name().toLowerCase()));
        Thread.ofVirtual().name("vessel-health-action-" + id).start(() -> {
            try {
                switch (action) {
                    case KILL -> containers.kill(id, Signals.SIGKILL);
                    case STOP -> containers.stop(id, 10);
                    case RESTART -> containers.restartNow(id);
                    case NONE -> { }
                }
            } catch (RuntimeException e) {
                System.err.println("vessel engine: health action " + action + " on " + id + ": " + e.getMessage());
            }
        });
    }

    /** One probe: the check's command exec'd in the container, its output captured, killed at the timeout. */
    private HealthState.Result run(String id, HealthConfig config) {
        Instant start = Instant.now();
        Path pidFile = containers.storage.containers().resolve(id).resolve("health.pid");
        Fds.Pair pipe = Fds.pipe();
        int in = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        CompletableFuture<String> output;
        CompletableFuture<Integer> code = new CompletableFuture<>();
        try {
            Files.deleteIfExists(pidFile);
            InputStream out = Files.newInputStream(Path.of("/proc/self/fd/" + pipe.first()));
            output = new CompletableFuture<>();
            CompletableFuture<String> o = output;
            Thread.ofVirtual().name("vessel-health-out-" + id).start(() -> o.complete(read(out)));
            int writeEnd = pipe.second();
            Thread.ofVirtual().name("vessel-health-" + id).start(() -> {
                try {
                    code.complete(containers.runtime.exec(new ExecOptions(id, null, config.argv(), null, List.of(), false, null,
                            List.of(), false, pidFile, false, List.of(), 0, null, false, null, null,
                            new InitSession.Stdio(in, writeEnd, writeEnd))));
                } catch (RuntimeError.CommandFailed e) {
                    code.complete(e.getMessage().contains("not found") ? 127 : 126);
                } catch (RuntimeException e) {
                    code.completeExceptionally(e);
                }
            });
            code.whenComplete((c, x) -> {
                Fds.close(writeEnd); // the reader sees EOF once the probe's own copies are gone too
                Fds.close(in);
            });
        } catch (IOException e) {
            Fds.close(pipe.second());
            Fds.close(in);
            throw new RuntimeError("health check of " + id + ": " + e.getMessage());
        } finally {
            Fds.close(pipe.first()); // the stream has its own descriptor of the pipe
        }
        try {
            int status = code.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return new HealthState.Result(start, Instant.now(), status, text(output));
        } catch (TimeoutException e) {
            killProbe(pidFile);
            return HealthState.Result.timedOut(start, Instant.now(), config.timeout());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RuntimeError(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeError("interrupted");
        }
    }

    private static void killProbe(Path pidFile) {
        try {
            int pid = Integer.parseInt(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException e) {
            // it had not started yet, or has just ended
        }
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (b.size() < HealthState.Result.MAX_OUTPUT_BYTES + 16) {
                    b.write(buf, 0, n);
                }
            }
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String text(CompletableFuture<String> output) {
        try {
            return output.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
