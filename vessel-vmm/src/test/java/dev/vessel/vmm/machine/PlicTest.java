package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.IrqLine;
import dev.vessel.vmm.bus.MmioBus;
import dev.vessel.vmm.cpu.riscv.Hart;
import dev.vessel.vmm.cpu.riscv.HartHost;
import dev.vessel.vmm.cpu.riscv.TimeBase;
import dev.vessel.vmm.memory.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PLIC claim/complete, priorities, thresholds and level-triggered lines, register by register. */
class PlicTest {

    private static final int SEIP = 9, MEIP = 11;
    private final GuestMemory memory = new GuestMemory(0x8000_0000L, 1 << 20);
    private final Hart[] harts = new Hart[2];
    private final Plic plic;

    PlicTest() {
        HartHost host = new HartHost() {
            public boolean supervisorCall(Hart h) {
                return false;
            }

            public boolean firmwareless() {
                return false;
            }

            public void fatal(Hart h, String message, Throwable cause) {
            }
        };
        for (int i = 0; i < 2; i++) {
            harts[i] = new Hart(i, memory, new MmioBus(), new TimeBase(), host);
        }
        plic = new Plic(harts);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private boolean pending(int hart, int bit) {
        return (harts[hart].pendingInterrupts() & (1L << bit)) != 0;
    }

    @Test
    void claimCompleteAndLevelTriggering() {
        IrqLine line = plic.line(5);
        plic.write(4 * 5, 4, 1);                      // priority of source 5
        plic.write(0x2000 + 0x80 * 3, 4, 1 << 5);     // enable for context 3: hart 1, S-mode
        line.set(true);
        assertEquals(true, pending(1, SEIP));
        assertEquals(false, pending(1, MEIP));
        assertEquals(false, pending(0, SEIP));
        assertEquals(1L << 5, plic.read(0x1000, 4));  // pending bits
        assertEquals(5, plic.read(0x200000 + 0x1000 * 3 + 4, 4)); // claim
        assertEquals(false, pending(1, SEIP));        // in service
        assertEquals(0, plic.read(0x200000 + 0x1000 * 3 + 4, 4)); // nothing else to claim
        plic.write(0x200000 + 0x1000 * 3 + 4, 4, 5);  // complete while the line is still high
        assertEquals(true, pending(1, SEIP));
        line.set(false);
        assertEquals(false, pending(1, SEIP));
    }

    @Test
    void thresholdAndPriorityOrder() {
        IrqLine low = plic.line(3);
        IrqLine high = plic.line(7);
        plic.write(4 * 3, 4, 2);
        plic.write(4 * 7, 4, 5);
        plic.write(0x2000, 4, (1 << 3) | (1 << 7));   // context 0: hart 0, M-mode
        plic.write(0x200000, 4, 2);                   // threshold 2: priority 2 is masked
        low.set(true);
        assertEquals(false, pending(0, MEIP));
        high.set(true);
        assertEquals(true, pending(0, MEIP));
        assertEquals(7, plic.read(0x200004, 4));      // highest priority first
        assertEquals(false, pending(0, MEIP));        // source 3 stays below the threshold
        plic.write(0x200000, 4, 0);
        assertEquals(true, pending(0, MEIP));
        assertEquals(3, plic.read(0x200004, 4));
    }
}
