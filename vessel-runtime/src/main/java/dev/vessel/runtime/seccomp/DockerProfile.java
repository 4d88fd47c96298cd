package dev.vessel.runtime.seccomp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.vessel.runtime.spec.Seccomp;
import java.util.List;

/**
 * A seccomp profile in Docker's format ({@code docker run --security-opt seccomp=FILE}): the OCI
 * {@code linux.seccomp} fields plus {@code archMap} (the ABIs to filter, by host architecture)
 * and rules selected by {@code includes}/{@code excludes} (capabilities, host architecture,
 * minimum kernel). {@link SeccompProfiles} turns it into the OCI form for one container.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DockerProfile(
        String defaultAction,
        Long defaultErrnoRet,
        List<String> architectures,
        List<ArchMap> archMap,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<Rule> syscalls) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ArchMap(String architecture, List<String> subArchitectures) {}

    /** {@code name} is the older single-name form of {@code names}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rule(String name, List<String> names, String action, Long errnoRet, List<Seccomp.Arg> args,
                Selector includes, Selector excludes) {}

    /** arches are Go's names for the host (amd64, arm64, ...), as Docker matches them. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Selector(List<String> caps, List<String> arches, String minKernel) {}
}
