package dev.vessel.engine.supervise;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The health of one run of a container, from its probe results, by Docker's rules. It begins
 * {@code starting}; a success makes it {@code healthy}; {@code retries} consecutive counted
 * failures make it {@code unhealthy}. While it is still starting (no success yet), a failure
 * that began within the start period does not count: a slow start is not a failure.
 *
 * <p>One per run: a restarted container begins again with a new one, in {@code starting}.
 * Owned by the reconcile loop (not thread-safe).
 */
public final class HealthState {

    /** How many results are kept, as Docker's {@code State.Health.Log}. */
    public static final int MAX_LOG_ENTRIES = 5;

    public enum Status {
        STARTING, HEALTHY, UNHEALTHY;

        /** Docker's name: "starting", "healthy", "unhealthy". */
        public String statusName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One probe's result. Output longer than {@value #MAX_OUTPUT_BYTES} bytes (UTF-8) is cut
     * there and ends with "...", as Docker stores it; the cut keeps whole characters.
     *
     * @param exitCode 0 healthy, anything else a failure; -1 for a probe that timed out or
     *                 could not run
     */
    public record Result(Instant start, Instant end, int exitCode, String output) {

        public static final int MAX_OUTPUT_BYTES = 4096;
        private static final String CUT_MARK = "...";

        public Result {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            output = cut(Objects.requireNonNull(output, "output"));
        }

        /** The result Docker records for a probe killed at its timeout. */
        public static Result timedOut(Instant start, Instant end, Duration timeout) {
            return new Result(start, end, -1, "Health check exceeded timeout (" + GoDuration.format(timeout) + ")");
        }

        private static String cut(String output) {
            byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= MAX_OUTPUT_BYTES) {
                return output;
            }
            // Already cut (a result read back from the store): cutting again would eat into the mark.
            if (output.endsWith(CUT_MARK) && bytes.length - CUT_MARK.length() <= MAX_OUTPUT_BYTES) {
                return output;
            }
            int end = MAX_OUTPUT_BYTES;
            while ((bytes[end] & 0xC0) == 0x80) { // bytes[end] continues a character: back off to its start
                end--;
            }
            return new String(bytes, 0, end, StandardCharsets.UTF_8) + CUT_MARK;
        }
    }

    /**
     * What one result did.
     *
     * @param actionDue whether the config's on-failure action is to be taken now: only on the
     *                  change to unhealthy, and never for {@link HealthConfig.OnFailure#NONE}
     */
    public record Transition(Status from, Status to, boolean actionDue) {

        /** Whether the status changed, i.e. a health_status event is due. */
        public boolean changed() {
            return from != to;
        }

        /** Docker's event action for the change: "health_status: unhealthy". */
        public String eventAction() {
            return "health_status: " + to.statusName();
        }
    }

    private final HealthConfig config;
    private final Deque<Result> log = new ArrayDeque<>(MAX_LOG_ENTRIES);
    private Status status = Status.STARTING;
    private int failingStreak;

    public HealthState(HealthConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Takes one probe result into account.
     *
     * @param containerStarted when this run of the container started; the start period counts from it
     */
    public Transition record(Result r, Instant containerStarted) {
        Objects.requireNonNull(r, "r");
        Status from = status;
        if (log.size() == MAX_LOG_ENTRIES) {
            log.removeFirst();
        }
        log.addLast(r);
        if (r.exitCode() == 0) {
            failingStreak = 0;
            status = Status.HEALTHY;
        } else if (!(status == Status.STARTING && inStartPeriod(r.start(), containerStarted))) {
            // Once healthy, a failure counts even within the start period (Docker's rule).
            failingStreak++;
            if (failingStreak >= config.retries()) {
                status = Status.UNHEALTHY;
            }
        }
        boolean becameUnhealthy = status == Status.UNHEALTHY && from != Status.UNHEALTHY;
        return new Transition(from, status, becameUnhealthy && config.onFailure() != HealthConfig.OnFailure.NONE);
    }

    /**
     * How long to wait before the next probe: the start interval while the container is in its
     * start period and has not yet succeeded, the interval otherwise.
     */
    public Duration nextDelay(Instant now, Instant containerStarted) {
        return status == Status.STARTING && inStartPeriod(now, containerStarted)
                ? config.startInterval()
                : config.interval();
    }

    private boolean inStartPeriod(Instant at, Instant containerStarted) {
        return Duration.between(containerStarted, at).compareTo(config.startPeriod()) < 0;
    }

    public HealthConfig config() {
        return config;
    }

    public Status status() {
        return status;
    }

    /** Docker's name of the status: "starting", "healthy", "unhealthy". */
    public String statusName() {
        return status.statusName();
    }

    /** Consecutive counted failures; 0 after a success. */
    public int failingStreak() {
        return failingStreak;
    }

    /** The last {@value #MAX_LOG_ENTRIES} results, oldest first. */
    public List<Result> log() {
        return List.copyOf(log);
    }
}
