package dev.vessel.runtime.cgroups;

import dev.vessel.runtime.RuntimeError;

/**
 * A cgroup operation failed. The message is meant for the user as is: it names the cgroup
 * version and controller, the file, the value, the errno and, where we know one, what to do.
 * {@link #errno()} is the errno name ({@code EBUSY}) or {@code null} when the failure did not
 * come from the kernel (bad input, missing controller).
 */
public class CgroupException extends RuntimeError {
    private final String errno;

    public CgroupException(String message) {
        super(message);
        this.errno = null;
    }

    public CgroupException(String message, String errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    public String errno() {
        return errno;
    }
}
