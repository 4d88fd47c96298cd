package dev.vessel.runtime.cgroups;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What {@code runc events --stats} prints as {@code data}: field names and units are runc's
 * ({@code types/events.go}) so tools that parse runc's output parse ours. Times are
 * nanoseconds, sizes bytes. A limit of "max"/unlimited is {@link #UNLIMITED} as in runc
 * (Go's {@code math.MaxUint64}, printed unsigned).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CgroupStats(
        @JsonProperty("cpu") Cpu cpu,
        @JsonProperty("memory") Memory memory,
        @JsonProperty("pids") Pids pids,
        @JsonProperty("blkio") Blkio blkio,
        @JsonProperty("hugetlb") Map<String, Hugetlb> hugetlb) {

    /** runc's {@code math.MaxUint64}: as a Java long it is -1; print it with {@link Long#toUnsignedString}. */
    public static final long UNLIMITED = -1L;

    public record Cpu(@JsonProperty("usage") CpuUsage usage, @JsonProperty("throttling") Throttling throttling) {}

    public record CpuUsage(
            @JsonProperty("total") long total,
            @JsonProperty("percpu") List<Long> percpu,
            @JsonProperty("percpu_kernel") List<Long> percpuKernel,
            @JsonProperty("percpu_user") List<Long> percpuUser,
            @JsonProperty("kernel") long kernel,
            @JsonProperty("user") long user) {}

    public record Throttling(
            @JsonProperty("periods") long periods,
            @JsonProperty("throttledPeriods") long throttledPeriods,
            @JsonProperty("throttledTime") long throttledTime) {}

    public record MemoryEntry(
            @JsonProperty("limit") @JsonSerialize(using = Unsigned.class) long limit,
            @JsonProperty("usage") long usage,
            @JsonProperty("max") long max,
            @JsonProperty("failcnt") long failcnt) {}

    /** {@code oomKill} is ours (runc has it only in its {@code oom} event); readers of runc's JSON ignore it. */
    public record Memory(
            @JsonProperty("cache") long cache,
            @JsonProperty("usage") MemoryEntry usage,
            @JsonProperty("swap") MemoryEntry swap,
            @JsonProperty("kernel") MemoryEntry kernel,
            @JsonProperty("kernelTCP") MemoryEntry kernelTcp,
            @JsonProperty("raw") Map<String, Long> raw,
            @JsonProperty("oomKill") long oomKill) {}

    public record Pids(@JsonProperty("current") long current, @JsonProperty("limit") long limit) {}

    public record BlkioEntry(
            @JsonProperty("major") long major,
            @JsonProperty("minor") long minor,
            @JsonProperty("op") String op,
            @JsonProperty("value") long value) {}

    public record Blkio(
            @JsonProperty("ioServiceBytesRecursive") List<BlkioEntry> ioServiceBytesRecursive,
            @JsonProperty("ioServicedRecursive") List<BlkioEntry> ioServicedRecursive) {}

    public record Hugetlb(
            @JsonProperty("usage") long usage,
            @JsonProperty("max") long max,
            @JsonProperty("failcnt") long failcnt) {}

    /** Writes a long as Go's uint64 would print it, so {@link #UNLIMITED} reads 18446744073709551615 as in runc. */
    public static final class Unsigned extends StdSerializer<Long> {
        public Unsigned() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
        }
    }
}
