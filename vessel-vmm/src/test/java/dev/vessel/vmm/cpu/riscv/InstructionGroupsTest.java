package dev.vessel.vmm.cpu.riscv;

import org.junit.jupiter.api.Test;

/**
 * One assembled, self-checking program per instruction group: each check sets its number in
 * gp and a failing one powers the machine off with that number as the status.
 */
class InstructionGroupsTest {

    @Test
    void multiplyDivide() {
        try (var r = RiscvPrograms.run("rv64m.S")) {
            r.assertPassed();
        }
    }

    @Test
    void atomics() {
        try (var r = RiscvPrograms.run("rv64a.S")) {
            r.assertPassed();
        }
    }

    @Test
    void compressed() {
        try (var r = RiscvPrograms.run("compressed.S")) {
            r.assertPassed();
        }
    }

    @Test
    void floatingPoint() {
        try (var r = RiscvPrograms.run("fpu.S")) {
            r.assertPassed();
        }
    }
}
