package dev.vessel.vmm.machine;

import dev.vessel.vmm.guest.GuestAssets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots the cached riscv64 Linux kernel and busybox initramfs on the software CPU until /init
 * reports its marker and powers off. Skipped when the guest assets have not been built (they
 * take minutes; {@code GuestAssets.kernel()} builds them).
 */
@Tag("vm")
class LinuxBootIT {

    @Test
    void bootsToInitAndPowersOff() throws Exception {
        String out = boot(1, List.of("uname", "-m"));
        assertTrue(out.contains("riscv64"), "uname -m output missing:\n" + tail(out));
    }

    @Test
    void bootsTwoHartsWithSbiHsm() throws Exception {
        String out = boot(2, List.of("nproc"));
        assertTrue(out.contains("smp: Brought up 1 node, 2 CPUs"), "secondary hart did not come up:\n" + tail(out));
        assertTrue(out.contains("VESSEL-INIT-READY\r\n2\r\n") || out.contains("VESSEL-INIT-READY\n2\n"),
                "nproc did not print 2:\n" + tail(out));
    }

    static String tail(String out) {
        return out.substring(Math.max(0, out.length() - 3000));
    }

    static String boot(int cpus, List<String> command) throws Exception {
        return boot(cpus, command, b -> { });
    }

    static String boot(int cpus, List<String> command, java.util.function.Consumer<MachineBuilder> devices) throws Exception {
        GuestAssets assets = GuestAssets.standard();
        Path kernel = assets.kernelPath();
        Assumptions.assumeTrue(Files.isRegularFile(kernel), "no cached guest kernel at " + kernel);
        Assumptions.assumeTrue(Files.isRegularFile(assets.busyboxPath()), "no cached busybox at " + assets.busyboxPath());
        Path initrd = assets.initramfs(command);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                if (Boolean.getBoolean("vessel.vm.console")) {
                    System.out.write(b);
                }
            }

            @Override
            public void flush() {
                System.out.flush();
            }
        };
        MachineBuilder builder = Machine.builder().kernel(Files.readAllBytes(kernel)).initrd(Files.readAllBytes(initrd))
                .memory(256L << 20).cpus(cpus)
                .bootargs("console=ttyS0 earlycon=sbi panic=-1")
                .console(tee, null);
        devices.accept(builder);
        long start = System.nanoTime();
        try (Machine m = builder.build()) {
            ExitStatus status = m.run(Duration.ofSeconds(Integer.getInteger("vessel.vm.timeout", 300)));
            String out = console.toString(StandardCharsets.UTF_8);
            System.out.printf("%d hart(s): boot + %s took %.1f s, %d instructions on hart 0%n", cpus, command,
                    (System.nanoTime() - start) / 1e9, m.hart(0).instructionsRetired());
            assertTrue(out.contains("VESSEL-INIT-READY"), "no /init marker; status " + status + "; console tail:\n" + tail(out));
            assertTrue(out.contains("VESSEL-EXIT=0"), "command failed:\n" + tail(out));
            assertEquals(ExitStatus.powerOff(0), status);
            return out;
        }
    }
}
