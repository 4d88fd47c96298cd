package dev.vessel.vmm.machine;

import dev.vessel.vmm.cpu.riscv.RiscvPrograms;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Boots a small S-mode program the way a kernel is booted and drives the Java SBI from it. */
class SbiTest {

    @Test
    void supervisorBinaryInterface() throws Exception {
        RiscvPrograms.Program p = RiscvPrograms.assemble("sbi.S", 0x8020_0000L);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.builder().kernel(p.image()).cpus(2).memory(64L << 20)
                .console(console, null).build()) {
            ExitStatus status = m.run(Duration.ofSeconds(20));
            assertEquals(ExitStatus.powerOff(0), status,
                    "failing check = status code; hart 0 pc=0x" + Long.toHexString(m.hart(0).pc()));
            assertEquals("OK\n", console.toString(StandardCharsets.US_ASCII));
        }
    }
}
