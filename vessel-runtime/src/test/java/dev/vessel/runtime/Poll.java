package dev.vessel.runtime;

import java.time.Duration;

/**
 * Waits for state that settles asynchronously (a process that has yet to write, exit or be
 * frozen) by asking until it holds, instead of sleeping a guessed time: on a loaded machine
 * a test then only takes longer, it does not fail. The limit is generous; the caller asserts
 * the outcome, so a condition that never holds still fails the test, with its message.
 */
public final class Poll {
    /** The default limit: far beyond any wait on an idle machine. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Poll() {}

    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Asks {@code c} every 10 ms until it holds or {@link #LIMIT} has passed; returns its last answer. */
    public static boolean until(Condition c) throws Exception {
        return until(LIMIT, c);
    }

    /** Asks {@code c} every 10 ms until it holds or {@code limit} has passed; returns its last answer. */
    public static boolean until(Duration limit, Condition c) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() - end > 0) {
                return c.holds();
            }
            Thread.sleep(10);
        }
        return true;
    }
}
