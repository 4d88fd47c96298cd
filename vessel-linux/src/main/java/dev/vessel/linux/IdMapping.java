package dev.vessel.linux;

/**
 * One line of a user namespace's uid_map or gid_map: {@code size} ids from {@code containerId}
 * inside the namespace are {@code hostId}... outside it (user_namespaces(7)).
 */
public record IdMapping(long containerId, long hostId, long size) {

    /** The line as /proc/PID/uid_map takes it. */
    public String line() {
        return containerId + " " + hostId + " " + size + "\n";
    }
}
