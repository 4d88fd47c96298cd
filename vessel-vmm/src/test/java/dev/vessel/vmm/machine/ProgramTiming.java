package dev.vessel.vmm.machine;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Runs a flat bare-metal program image and prints the interpreter's speed (a main, not a test). */
public final class ProgramTiming {

    private ProgramTiming() {
    }

    public static void main(String[] args) throws Exception {
        byte[] image = Files.readAllBytes(Path.of(args[0]));
        for (int round = 0; round < (args.length > 1 ? Integer.parseInt(args[1]) : 3); round++) {
            try (Machine m = Machine.builder().program(image).memory(64L << 20)
                    .console(new ByteArrayOutputStream(), null).build()) {
                long start = System.nanoTime();
                ExitStatus status = m.run(Duration.ofMinutes(5));
                double s = (System.nanoTime() - start) / 1e9;
                long n = m.hart(0).instructionsRetired();
                System.out.printf("%s: %d instructions in %.2f s wall, %.2f s CPU: %.0f MIPS per CPU second%n",
                        status.kind(), n, s, m.hart(0).cpuTimeNanos() / 1e9, n * 1e3 / m.hart(0).cpuTimeNanos());
            }
        }
    }
}
