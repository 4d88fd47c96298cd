package dev.vessel.engine;

import java.util.List;

/**
 * The body of {@code POST /v1/containers}: docker run's flags, named as the {@code vessel run}
 * options are. Unknown fields are refused by name (the API's JSON reader), so a typo never
 * silently drops a limit. {@code autoRemove} is {@code --rm}: the engine removes the container
 * when it exits.
 */
public record RunRequest(String image, String name, List<String> command, List<String> env, String workdir, String user,
                         String memory, String cpus, Long pidsLimit, String hostname, Boolean readOnly,
                         List<String> securityOpt, String restart, String userns, List<String> uidmap,
                         List<String> gidmap, Boolean autoRemove, String healthCmd, String healthInterval,
                         String healthTimeout, Integer healthRetries, String healthStartPeriod,
                         String healthStartInterval, String healthOnFailure, Boolean noHealthcheck) {

    public RunRequest {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
        uidmap = uidmap == null ? List.of() : List.copyOf(uidmap);
        gidmap = gidmap == null ? List.of() : List.copyOf(gidmap);
    }
}
