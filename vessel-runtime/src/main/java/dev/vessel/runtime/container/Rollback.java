package dev.vessel.runtime.container;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions registered as each kernel object is made (state dir, cgroup, process), run in
 * reverse order when a later step fails, so a failed create leaves nothing behind.
 */
final class Rollback implements AutoCloseable {

    private final Deque<Runnable> undo = new ArrayDeque<>();
    private boolean committed;

    void add(Runnable action) {
        undo.push(action);
    }

    void commit() {
        committed = true;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                // Keep undoing the rest; the original error is what the user needs to see.
                System.err.println("vessel-runtime: warning: cleanup step failed: " + e.getMessage());
            }
        }
    }
}
