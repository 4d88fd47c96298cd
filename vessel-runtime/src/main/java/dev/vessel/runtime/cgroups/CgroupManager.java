package dev.vessel.runtime.cgroups;

import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The cgroup(s) of one container, whatever the host's cgroup version: the shape of runc's
 * {@code cgroups.Manager}. Callers never ask which version is behind it; get one from
 * {@link CgroupManagers#create}.
 *
 * <p>A manager can be made for a cgroup that already exists (for {@code delete}, {@code kill
 * --all}, {@code update}, {@code events}): nothing is created until {@link #apply}.
 */
public interface CgroupManager {

    /**
     * Creates the container's cgroup in every hierarchy and moves {@code pid} into it. On
     * failure the pid is moved back where it was and every directory this call made is
     * removed again, so nothing is left behind.
     */
    void apply(int pid);

    /**
     * Writes the limits. Absent (null) fields leave the kernel's value alone, so this is also
     * {@code update} on a running container.
     */
    void set(LinuxResources resources);

    /** Freezes every task of the cgroup and waits until the kernel reports it frozen. */
    void freeze();

    void thaw();

    FreezerState state();

    /** Every pid in the cgroup and its descendants (for {@code ps} and {@code kill --all}). */
    List<Integer> pids();

    CgroupStats stats();

    /** Processes the kernel's OOM killer has killed in this cgroup; 0 when unknown. */
    long oomKillCount();

    /**
     * Removes the container's cgroup directories (and any cgroups the container made inside
     * them). Kills nothing: the caller stops the processes first. A missing directory is not
     * an error, a busy one is retried for about a second.
     */
    void destroy();

    /** The cgroup's path inside the hierarchies, as {@code /proc/PID/cgroup} shows it. */
    String path();

    /**
     * Directory per hierarchy: v1 controller name ({@code memory}, {@code name=systemd}) or
     * {@code ""} for the cgroup v2 (unified) hierarchy.
     */
    Map<String, Path> paths();
}
