package dev.vessel.runtime.plan;

import dev.vessel.linux.Errno;

/**
 * vessel-init could not carry out the plan. When an op failed, this names the op's index, the
 * spec field it came from, the op itself and the errno:
 * {@code mounts[2].destination: Mount[source="/nonexistent", ...] failed: ENOENT (No such file or directory)}.
 */
public final class LaunchException extends RuntimeException {

    private final int index;
    private final String label;
    private final Op op;
    private final int errno;

    /** A failed op, as reported by ERROR(index, errno). */
    LaunchException(int index, LaunchPlan.Step step, int errno) {
        super(step.label() + ": " + OpText.describe(step.op()) + " failed: " + Errno.describe(errno));
        this.index = index;
        this.label = step.label();
        this.op = step.op();
        this.errno = errno;
    }

    /** A failure of the helper or the plan as a whole: no op to blame. */
    LaunchException(String message, int errno) {
        super(errno == 0 ? message : message + ": " + Errno.describe(errno));
        this.index = -1;
        this.label = null;
        this.op = null;
        this.errno = errno;
    }

    /** Index of the failed op in the plan, -1 when no single op failed. */
    public int index() {
        return index;
    }

    /** The spec field the failed op came from, or null. */
    public String label() {
        return label;
    }

    /** The failed op, or null. */
    public Op op() {
        return op;
    }

    /** The errno reported, 0 when there was none (e.g. the helper died). */
    public int errno() {
        return errno;
    }

    /** The errno as an enum, or null. */
    public Errno errnoValue() {
        return errno == 0 ? null : Errno.of(errno);
    }
}
