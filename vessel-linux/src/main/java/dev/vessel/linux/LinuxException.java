package dev.vessel.linux;

/**
 * A failed system call, thrown by the domain layer only. The message names the call with its
 * arguments as a reader would write them, then the errno name and text:
 * {@code kill(1234, SIGTERM): ESRCH (No such process)}.
 */
public final class LinuxException extends RuntimeException {

    private final String call;
    private final int errno;

    /** @param errno the positive errno value (a negated low-layer result is accepted too) */
    public LinuxException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    /** The call with its arguments, e.g. {@code kill(1234, SIGTERM)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The errno as an enum, or null for a number Linux does not define. */
    public Errno errnoValue() {
        return Errno.of(errno);
    }

    public boolean is(Errno e) {
        return errno == e.number();
    }

    /** Throws for a negative low-layer result, returns it otherwise. */
    static int check(int result, String call) {
        if (result < 0) {
            throw new LinuxException(call, -result);
        }
        return result;
    }

    static long check(long result, String call) {
        if (result < 0) {
            throw new LinuxException(call, (int) -result);
        }
        return result;
    }
}
