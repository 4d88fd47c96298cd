package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/**
 * {@code process}: what runs in the container. Named {@code ProcessSpec}, not {@code Process},
 * so that it never shadows {@link java.lang.Process} in code that uses both.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessSpec(
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        String commandLine,
        List<String> env,
        String cwd,
        Capabilities capabilities,
        List<Rlimit> rlimits,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noNewPrivileges,
        String apparmorProfile,
        Integer oomScoreAdj,
        Scheduler scheduler,
        String selinuxLabel,
        IoPriority ioPriority,
        CpuAffinity execCPUAffinity) {

    /** This process with {@code size} as its {@code consoleSize}. */
    public ProcessSpec withConsoleSize(ConsoleSize size) {
        return new ProcessSpec(terminal, size, user, args, commandLine, env, cwd, capabilities, rlimits, noNewPrivileges,
                apparmorProfile, oomScoreAdj, scheduler, selinuxLabel, ioPriority, execCPUAffinity);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConsoleSize(
            @JsonDeserialize(using = Unsigned.Uint32.class) long height,
            @JsonDeserialize(using = Unsigned.Uint32.class) long width) {}

    /** uid/gid are uint32 in the spec, hence {@code long}; absent means 0 as in runc. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(
            @JsonDeserialize(using = Unsigned.Uint32.class) long uid,
            @JsonDeserialize(using = Unsigned.Uint32.class) long gid,
            @JsonDeserialize(using = Unsigned.Uint32.class) Long umask,
            @JsonDeserialize(contentUsing = Unsigned.Uint32.class) List<Long> additionalGids,
            String username) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {}

    /** hard/soft are uint64: RLIM_INFINITY (2^64-1) is kept as the bit pattern -1L. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rlimit(
            String type,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) long hard,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) long soft) {}

    /** sched_setattr(2) parameters; runtime/deadline/period are nanoseconds (uint64). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scheduler(
            String policy,
            Integer nice,
            Integer priority,
            List<String> flags,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) Long runtime,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) Long deadline,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) Long period) {}

    /** ioprio_set(2): {@code class} is IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IoPriority(@JsonProperty("class") String ioClass, int priority) {}

    /** CPU lists (as in cpuset) for the exec'd process: before and after joining the cgroup. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CpuAffinity(String initial, @JsonProperty("final") String finalCpus) {}
}
