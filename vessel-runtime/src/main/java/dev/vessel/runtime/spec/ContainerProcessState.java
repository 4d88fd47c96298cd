package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a runtime sends to the seccomp agent at {@code linux.seccomp.listenerPath} (runtime-spec
 * config-linux.md "Seccomp", specs-go {@code ContainerProcessState}), with the descriptors named
 * in {@code fds} attached to the same message (SCM_RIGHTS), in that order.
 *
 * @param pid      the process whose filter the listener belongs to (the exec'd process for exec)
 * @param metadata {@code linux.seccomp.listenerMetadata}, absent when empty (Go's omitempty)
 * @param state    the container's OCI state
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerProcessState(
        String ociVersion,
        List<String> fds,
        int pid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String metadata,
        State state) {

    /** The name of the seccomp listener in {@code fds}. */
    public static final String SECCOMP_FD = "seccompFd";
}
