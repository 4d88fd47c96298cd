package dev.vessel.vmm.cpu.riscv;

import org.junit.jupiter.api.Test;

class TrapsTest {

    @Test
    void exceptionsCausesAndDelegation() {
        try (var r = RiscvPrograms.run("traps.S")) {
            r.assertPassed();
        }
    }
}
