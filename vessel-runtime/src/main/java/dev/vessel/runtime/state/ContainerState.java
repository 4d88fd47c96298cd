package dev.vessel.runtime.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What the runtime remembers of one container between invocations ({@code state.json} under
 * the runtime root). A superset of the OCI state: the status is not stored but derived from the
 * process ({@code pid} + {@code pidStartTime} guard against pid reuse), the freezer and the
 * exec fifo, as runc does.
 *
 * @param pidStartTime field 22 of /proc/PID/stat when the container process was created
 * @param cgroupsPath  linux.cgroupsPath as given
 * @param cgroupPaths  the container's cgroup directory per hierarchy, as made at create
 * @param created      RFC 3339 creation time
 * @param noNewKeyring create's --no-new-keyring: exec then keeps the caller's session keyring too
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerState(
        String ociVersion,
        String id,
        int pid,
        long pidStartTime,
        String bundle,
        String rootfs,
        String cgroupsPath,
        Map<String, String> cgroupPaths,
        String created,
        Map<String, String> annotations,
        boolean noNewKeyring) {
}
