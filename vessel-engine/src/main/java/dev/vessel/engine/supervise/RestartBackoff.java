package dev.vessel.engine.supervise;

import java.time.Duration;
import java.util.Objects;

/**
 * The wait before a restart, as Docker's restart manager computes it: 100 ms before the first
 * restart, doubled before each consecutive one, at most one minute. A container that ran for
 * at least 10 s before it exited is taken to have started successfully, so its next wait is
 * back to 100 ms: a crash loop backs off, an occasional crash does not.
 *
 * <p>One per container, owned by the reconcile loop (not thread-safe). A start by the user
 * begins with a fresh back-off ({@link #reset()}), as Docker replaces its restart manager then.
 */
public final class RestartBackoff {

    public static final Duration FIRST = Duration.ofMillis(100);
    public static final Duration MAX = Duration.ofMinutes(1);
    public static final Duration RAN_LONG_ENOUGH = Duration.ofSeconds(10);

    // ZERO means "no restart yet since the last reset".
    private Duration current = Duration.ZERO;

    /**
     * The wait before the restart that follows an exit.
     *
     * @param ranFor how long the container ran before it exited
     */
    public Duration next(Duration ranFor) {
        Objects.requireNonNull(ranFor, "ranFor");
        if (ranFor.compareTo(RAN_LONG_ENOUGH) >= 0) {
            current = Duration.ZERO;
        }
        Duration doubled = current.isZero() ? FIRST : current.multipliedBy(2);
        current = doubled.compareTo(MAX) > 0 ? MAX : doubled;
        return current;
    }

    /** Forgets the consecutive restarts: the next wait is 100 ms. */
    public void reset() {
        current = Duration.ZERO;
    }

    /** The wait last returned by {@link #next}; zero if none since the last reset. */
    public Duration current() {
        return current;
    }
}
