package dev.vessel.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.runtime.ByteSize;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.LinuxResources;
import dev.vessel.runtime.spec.LinuxResources.BlockIO;
import dev.vessel.runtime.spec.LinuxResources.Cpu;
import dev.vessel.runtime.spec.LinuxResources.Memory;
import dev.vessel.runtime.spec.LinuxResources.Pids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns `update` flags and `--resources FILE` into one {@link LinuxResources}; flags win over the file. */
final class ResourceFlags {

    private ResourceFlags() {}

    static LinuxResources readFile(Path file) {
        try {
            byte[] bytes = file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
            return new ObjectMapper().readValue(bytes, LinuxResources.class);
        } catch (IOException e) {
            throw new RuntimeError("--resources " + file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    static LinuxResources merge(LinuxResources r, String memory, String reservation, String swap, Long shares, Long quota,
                                Long period, Long rtRuntime, Long rtPeriod, String cpus, String mems, Long pids, Integer weight) {
        Memory m = r.memory();
        if (memory != null || reservation != null || swap != null) {
            m = new Memory(
                    memory != null ? Long.valueOf(ByteSize.parse("--memory", memory)) : m == null ? null : m.limit(),
                    reservation != null ? Long.valueOf(ByteSize.parse("--memory-reservation", reservation)) : m == null ? null : m.reservation(),
                    swap != null ? Long.valueOf(ByteSize.parse("--memory-swap", swap)) : m == null ? null : m.swap(),
                    null, null, m == null ? null : m.swappiness(), m == null ? null : m.disableOOMKiller(), null, null);
        }
        Cpu c = r.cpu();
        if (shares != null || quota != null || period != null || rtRuntime != null || rtPeriod != null || cpus != null || mems != null) {
            c = new Cpu(
                    shares != null ? shares : c == null ? null : c.shares(),
                    quota != null ? quota : c == null ? null : c.quota(),
                    c == null ? null : c.burst(),
                    period != null ? period : c == null ? null : c.period(),
                    rtRuntime != null ? rtRuntime : c == null ? null : c.realtimeRuntime(),
                    rtPeriod != null ? rtPeriod : c == null ? null : c.realtimePeriod(),
                    cpus != null ? cpus : c == null ? null : c.cpus(),
                    mems != null ? mems : c == null ? null : c.mems(),
                    c == null ? null : c.idle());
        }
        Pids p = pids != null ? new Pids(pids) : r.pids();
        BlockIO b = r.blockIO();
        if (weight != null) {
            b = new BlockIO(weight, null, b == null ? null : b.weightDevice(), b == null ? null : b.throttleReadBpsDevice(),
                    b == null ? null : b.throttleWriteBpsDevice(), b == null ? null : b.throttleReadIOPSDevice(),
                    b == null ? null : b.throttleWriteIOPSDevice());
        }
        return new LinuxResources(r.devices(), m, c, p, b, r.hugepageLimits(), r.network(), r.rdma(), r.unified());
    }
}
