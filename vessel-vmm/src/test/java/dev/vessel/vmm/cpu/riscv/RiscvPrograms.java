package dev.vessel.vmm.cpu.riscv;

import dev.vessel.vmm.machine.ExitStatus;
import dev.vessel.vmm.machine.Machine;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Assembles the test programs in src/test/resources/riscv with Debian's
 * binutils-riscv64-linux-gnu at test time, links them at the start of RAM and runs them on a
 * machine in bare mode. Tests are skipped (not passed) when the assembler is missing.
 */
public final class RiscvPrograms {

    public static final String AS = "riscv64-linux-gnu-as";
    private static final Path RESOURCES = Path.of("src/test/resources/riscv");

    /** An assembled program: the flat image loaded at 0x8000_0000 and its symbols. */
    public record Program(byte[] image, Map<String, Long> symbols) {
        public long symbol(String name) {
            Long v = symbols.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no symbol " + name);
            }
            return v;
        }
    }

    private RiscvPrograms() {
    }

    public static void assumeToolchain() {
        Assumptions.assumeTrue(onPath(AS), AS + " is not installed (apt-get install -y binutils-riscv64-linux-gnu)");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Assembles {@code name} (a file under src/test/resources/riscv). */
    public static Program assemble(String name) {
        return assemble(name, 0x8000_0000L);
    }

    /** Assembles {@code name} linked to run at {@code textAddress}. */
    public static Program assemble(String name, long textAddress) {
        assumeToolchain();
        try {
            Path dir = Files.createTempDirectory("vessel-riscv");
            try {
                Path obj = dir.resolve("p.o");
                Path elf = dir.resolve("p.elf");
                Path bin = dir.resolve("p.bin");
                exec(dir, AS, "-march=rv64gc", "-mabi=lp64d", "-I", RESOURCES.toAbsolutePath().toString(),
                        "-o", obj.toString(), RESOURCES.resolve(name).toAbsolutePath().toString());
                exec(dir, "riscv64-linux-gnu-ld", "--no-relax", "-nostdlib", "-static", "-Ttext=0x" + Long.toHexString(textAddress),
                        "-o", elf.toString(), obj.toString());
                exec(dir, "riscv64-linux-gnu-objcopy", "-O", "binary", elf.toString(), bin.toString());
                Map<String, Long> symbols = new HashMap<>();
                for (String line : exec(dir, "riscv64-linux-gnu-nm", elf.toString()).split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 3) {
                        symbols.put(f[2], Long.parseUnsignedLong(f[0], 16));
                    }
                }
                return new Program(Files.readAllBytes(bin), symbols);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String exec(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return out;
    }

    /** A finished run: the machine (still open, for inspecting state) and how it ended. */
    public record Run(Machine machine, ExitStatus status) implements AutoCloseable {
        public Hart hart(int i) {
            return machine.hart(i);
        }

        /** Fails with the failing check's number unless the program reached PASS. */
        public Run assertPassed() {
            if (status.kind() != ExitStatus.Kind.POWER_OFF || status.code() != 0) {
                Hart h = machine.hart(0);
                fail("program did not pass: " + status + " (check number = status code; a0=0x"
                        + Long.toHexString(h.x(10)) + " t0=0x" + Long.toHexString(h.x(5)) + " pc=0x" + Long.toHexString(h.pc()) + ")");
            }
            return this;
        }

        public long readLong(long gpa) {
            return machine.memory().slice(gpa, 8).get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }

        @Override
        public void close() {
            machine.close();
        }
    }

    public static Run run(Program program, int cpus) {
        Machine m = Machine.builder().program(program.image()).cpus(cpus).memory(64L << 20)
                .console(new java.io.ByteArrayOutputStream(), null).build();
        try {
            return new Run(m, m.run(Duration.ofSeconds(20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Run run(String name) {
        return run(assemble(name), 1);
    }
}
