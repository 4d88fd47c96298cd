package dev.vessel.engine.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One container as the engine's database holds it.
 *
 * @param config        the create request as JSON; the store keeps it verbatim and never reads it
 * @param state         one of {@link #STATES}
 * @param pid           the container's init as the host sees it, 0 when it is not running
 * @param exitCode      null until the container has exited once
 * @param started       null until the first start
 * @param finished      null until the first exit
 * @param stoppedByUser set by "vessel stop" so that the restart policy does not undo it
 * @param health        null when the container has no health check
 */
public record ContainerRecord(String id, String name, String image, String config, String state, int pid,
                              Integer exitCode, Instant created, Instant started, Instant finished,
                              int restartCount, String restartPolicy, boolean stoppedByUser, String health) {

    /** The states of Docker's container model, which our users and the Docker API expect. */
    public static final Set<String> STATES =
            Set.of("created", "running", "paused", "restarting", "exited", "dead", "removing");

    public ContainerRecord {
        requireText("id", id);
        if (!id.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("container id \"" + id + "\" must be printable ASCII without spaces");
        }
        requireText("name", name);
        Objects.requireNonNull(image, "container image must not be null");
        Objects.requireNonNull(config, "container config must not be null (use \"{}\" for none)");
        Objects.requireNonNull(created, "container created time must not be null");
        Objects.requireNonNull(restartPolicy, "container restart policy must not be null (use \"no\")");
        if (state == null || !STATES.contains(state)) {
            throw new IllegalArgumentException("container " + id + ": state \"" + state
                    + "\" is not one of created, running, paused, restarting, exited, dead, removing");
        }
        if (pid < 0) {
            throw new IllegalArgumentException("container " + id + ": pid " + pid + " is negative (use 0 for none)");
        }
        if (restartCount < 0) {
            throw new IllegalArgumentException("container " + id + ": restart count " + restartCount + " is negative");
        }
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("container " + what + " must not be empty");
        }
    }

    /** The 12-character form users see in listings and messages, as in Docker. */
    public String shortId() {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    public ContainerRecord withName(String name) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withState(String state) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withPid(int pid) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withExitCode(Integer exitCode) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withStarted(Instant started) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withFinished(Instant finished) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withRestartCount(int restartCount) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withStoppedByUser(boolean stoppedByUser) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }

    public ContainerRecord withHealth(String health) {
        return new ContainerRecord(id, name, image, config, state, pid, exitCode, created, started, finished,
                restartCount, restartPolicy, stoppedByUser, health);
    }
}
