package dev.vessel.engine;

import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.supervise.RestartPolicy;
import dev.vessel.linux.Fds;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.container.SupervisedContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What the engine does on start-up: brings the store and the host back in line. Containers
 * still running are adopted (watched through a pidfd, their exit read from the record their
 * monitor writes); those that exited while the engine was down get their exit recorded and
 * their restart policy applied; runs the engine did not finish ("created") are removed with
 * all they made; {@code always} containers start again.
 */
final class Reconciler {

    private final ContainerService containers;

    Reconciler(ContainerService containers) {
        this.containers = containers;
    }

    void reconcile() {
        for (ContainerRecord rec : containers.store.list()) {
            try {
                reconcile(rec);
            } catch (RuntimeException e) {
                System.err.println("vessel engine: reconciling container " + rec.id() + ": " + e.getMessage());
            }
        }
    }

    private void reconcile(ContainerRecord rec) {
        String id = rec.id();
        Path dir = containers.storage.containers().resolve(id);
        boolean alive = containers.runtime.store().exists(id) && containers.runtime.isAlive(id);
        switch (rec.state()) {
            // A run that the engine did not finish: undo all of it, as its own failure would have.
            case "created" -> containers.discard(id, true);
            case "running", "paused", "removing" -> {
                if (alive) {
                    adopt(rec);
                } else {
                    Optional<SupervisedContainer.Exit> exit = record(dir);
                    containers.exited(id, exit.map(SupervisedContainer.Exit::code).orElse(255),
                            exit.map(SupervisedContainer.Exit::time).orElse(Instant.now()));
                }
            }
            case "restarting" -> containers.restart(id);
            case "exited" -> {
                if (RestartPolicy.parse(rec.restartPolicy()).startWithEngine(rec.stoppedByUser())) {
                    containers.store.update(rec.withState("restarting"));
                    containers.restart(id);
                }
            }
            default -> { }
        }
    }

    /** Watches a container this engine did not start: its pidfd becomes readable when it exits. */
    private void adopt(ContainerRecord rec) {
        int pidfd;
        try {
            pidfd = Processes.pidfdOpen(rec.pid());
        } catch (LinuxException e) {
            // ESRCH: it exited between the check and now; its record says how.
            Optional<SupervisedContainer.Exit> exit = record(containers.storage.containers().resolve(rec.id()));
            containers.exited(rec.id(), exit.map(SupervisedContainer.Exit::code).orElse(255), Instant.now());
            return;
        }
        Path dir = containers.storage.containers().resolve(rec.id());
        containers.watchHealth(rec);
        Thread.ofPlatform().daemon().name("vessel-adopted-" + rec.id()).start(() -> {
            try {
                while ((Fds.poll(pidfd, Fds.POLLIN, -1) & Fds.POLLIN) == 0) {
                    // spurious wake-up: poll again
                }
            } finally {
                Fds.close(pidfd);
            }
            // The monitor writes the record just after the exit: give it a moment.
            Optional<SupervisedContainer.Exit> exit = Optional.empty();
            for (int i = 0; i < 200 && exit.isEmpty(); i++) {
                exit = record(dir);
                if (exit.isEmpty()) {
                    sleep(25);
                }
            }
            containers.exited(rec.id(), exit.map(SupervisedContainer.Exit::code).orElse(255),
                    exit.map(SupervisedContainer.Exit::time).orElse(Instant.now()));
        });
    }

    private static Optional<SupervisedContainer.Exit> record(Path dir) {
        try {
            return SupervisedContainer.readRecord(dir.resolve(ContainerService.EXIT_RECORD));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
