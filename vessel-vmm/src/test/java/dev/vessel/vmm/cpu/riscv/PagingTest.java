package dev.vessel.vmm.cpu.riscv;

import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void sv39AndSv48() {
        try (var r = RiscvPrograms.run("paging.S")) {
            r.assertPassed();
        }
    }
}
