package dev.vessel.runtime.cli;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** pause, resume, update. */
final class ResourceCommands {

    private ResourceCommands() {}

    @Command(name = "pause", description = "Freeze every process of the container.")
    static final class Pause extends ContainerVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            main.runtime().pause(id);
            return 0;
        }
    }

    @Command(name = "resume", description = "Thaw a paused container.")
    static final class Resume extends ContainerVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            main.runtime().resume(id);
            return 0;
        }
    }

    @Command(name = "update", description = "Change the resource limits of a container while it runs.")
    static final class Update extends ContainerVerb implements Callable<Integer> {
        @Option(names = {"--resources", "-r"}, description = "a linux.resources JSON file ('-' for stdin)")
        Path resources;

        @Option(names = "--memory", description = "memory limit in bytes (k, m, g suffixes)")
        String memory;

        @Option(names = "--memory-reservation", description = "memory soft limit")
        String memoryReservation;

        @Option(names = "--memory-swap", description = "memory + swap limit (-1: unlimited)")
        String memorySwap;

        @Option(names = "--cpu-shares", description = "relative cpu weight")
        Long cpuShares;

        @Option(names = "--cpu-quota", description = "cpu time in µs per period")
        Long cpuQuota;

        @Option(names = "--cpu-period", description = "cpu period in µs")
        Long cpuPeriod;

        @Option(names = "--cpu-rt-runtime", description = "realtime runtime in µs")
        Long cpuRtRuntime;

        @Option(names = "--cpu-rt-period", description = "realtime period in µs")
        Long cpuRtPeriod;

        @Option(names = "--cpuset-cpus", description = "CPUs allowed, e.g. 0-1")
        String cpusetCpus;

        @Option(names = "--cpuset-mems", description = "memory nodes allowed")
        String cpusetMems;

        @Option(names = "--pids-limit", description = "maximum number of tasks (-1: unlimited)")
        Long pidsLimit;

        @Option(names = "--blkio-weight", description = "block IO weight, 10-1000")
        Integer blkioWeight;

        @Option(names = "--kernel-memory", description = "not supported (deprecated by the kernel)")
        String kernelMemory;

        @Override
        public Integer call() {
            var rt = main.runtime();
            if (kernelMemory != null) {
                throw new RuntimeError("--kernel-memory is not supported: kernel memory limits are deprecated by Linux");
            }
            LinuxResources r = resources != null ? ResourceFlags.readFile(resources) : LinuxResources.empty();
            r = ResourceFlags.merge(r, memory, memoryReservation, memorySwap, cpuShares, cpuQuota, cpuPeriod,
                    cpuRtRuntime, cpuRtPeriod, cpusetCpus, cpusetMems, pidsLimit, blkioWeight);
            rt.update(id, r);
            return 0;
        }
    }
}
