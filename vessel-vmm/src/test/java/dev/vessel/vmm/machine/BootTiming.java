package dev.vessel.vmm.machine;

import dev.vessel.vmm.guest.GuestAssets;
import dev.vessel.vmm.guest.GuestConsole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times a boot of the cached guest: host seconds to the /init marker and in total, and the
 * instructions executed. A main for benchmarks and profiling, not a test:
 * {@code java -cp target/classes:target/test-classes dev.vessel.vmm.machine.BootTiming [cpus] [command...]}.
 */
public final class BootTiming {

    private BootTiming() {
    }

    public static void main(String[] args) throws Exception {
        int cpus = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        List<String> cmd = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("uname", "-a");
        GuestAssets assets = GuestAssets.standard();
        Path initrd = assets.initramfs(cmd);
        GuestConsole console = new GuestConsole(System.out, Boolean.getBoolean("vessel.vm.showBoot"));
        long start = System.nanoTime();
        try (Machine m = Machine.builder().kernel(Files.readAllBytes(assets.kernelPath()))
                .initrd(Files.readAllBytes(initrd)).memory(256L << 20).cpus(cpus)
                .bootargs("console=ttyS0 earlycon=sbi panic=-1 quiet").console(console, null).build()) {
            System.out.printf("[machine built after %.2f s]%n", (System.nanoTime() - start) / 1e9);
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    if (console.awaitReady(600, TimeUnit.SECONDS)) {
                        System.out.printf("[init marker after %.2f s]%n", (console.readyNanos() - start) / 1e9);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ExitStatus status = m.run(Duration.ofMinutes(10));
            waiter.interrupt();
            long instructions = 0;
            long cpu = 0;
            for (int i = 0; i < m.cpus(); i++) {
                instructions += m.hart(i).instructionsRetired();
                cpu += m.hart(i).cpuTimeNanos();
            }
            System.out.printf("[hart threads: %.2f s CPU, %.1f MIPS per CPU second]%n", cpu / 1e9, instructions * 1e3 / cpu);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[%s after %.2f s, %d instructions, %.1f MIPS]%n", status.message(), seconds,
                    instructions, instructions / seconds / 1e6);
        }
    }
}
