package dev.vessel.runtime.container;

/** OCI container status, as `state` prints it. */
public enum Status {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    public String oci() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
