package dev.vessel.vmm.cpu.riscv;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class InterruptsTest {

    @Test
    void clintTimerSoftwareInterruptAndSstc() {
        try (var r = RiscvPrograms.run("timer.S")) {
            r.assertPassed();
        }
    }

    @Test
    void twoHartsShareCountersAtomically() {
        RiscvPrograms.Program p = RiscvPrograms.assemble("multihart.S");
        try (var r = RiscvPrograms.run(p, 2).assertPassed()) {
            assertTrue(r.hart(1).instructionsRetired() > 10_000, "hart 1 ran its share");
        }
    }
}
