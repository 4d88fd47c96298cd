package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/** {@code linux.seccomp}: the filter the seccomp compiler turns into BPF. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Seccomp(
        String defaultAction,
        @JsonDeserialize(using = Unsigned.Uint32.class) Long defaultErrnoRet,
        List<String> architectures,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<Syscall> syscalls) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Syscall(
            List<String> names,
            String action,
            @JsonDeserialize(using = Unsigned.Uint32.class) Long errnoRet,
            List<Arg> args) {}

    /** A comparison of syscall argument {@code index}; value/valueTwo are uint64 bit patterns. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Arg(
            @JsonDeserialize(using = Unsigned.Uint32.class) long index,
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) long value,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT)
            @JsonDeserialize(using = Unsigned.Uint64.class) @JsonSerialize(using = Unsigned.Uint64Writer.class) long valueTwo,
            String op) {}
}
