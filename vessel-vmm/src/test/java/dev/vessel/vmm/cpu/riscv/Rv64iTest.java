package dev.vessel.vmm.cpu.riscv;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Rv64iTest {

    @Test
    void baseIntegerInstructions() {
        RiscvPrograms.Program p = RiscvPrograms.assemble("rv64i.S");
        try (RiscvPrograms.Run r = RiscvPrograms.run(p, 1).assertPassed()) {
            assertEquals(42, r.hart(0).x(10));
            assertEquals(0x1234567890abcdefL, r.readLong(p.symbol("result")));
        }
    }
}
