package dev.vessel.runtime.cgroups;

/** What {@code runc pause}/{@code resume} and {@code state} see of a cgroup. */
public enum FreezerState {
    FROZEN,
    THAWED
}
