package dev.vessel.vmm.devices.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class Uart16550Test {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean irq;
    int irqEdges;
    final Uart16550 uart = new Uart16550(out, level -> {
        irq = level;
        irqEdges++;
    });

    int rd(int reg) {
        return (int) uart.read(reg, 1);
    }

    void wr(int reg, int v) {
        uart.write(reg, 1, v);
    }

    @Test
    void transmitsToTheOutputStream() {
        for (byte b : "hi\n".getBytes()) {
            wr(Uart16550.RBR_THR, b);
        }
        assertEquals("hi\n", out.toString(StandardCharsets.US_ASCII));
        int lsr = rd(Uart16550.LSR);
        assertTrue((lsr & Uart16550.LSR_THRE) != 0 && (lsr & Uart16550.LSR_TEMT) != 0, "transmitter empty");
    }

    @Test
    void divisorLatchSharesOffsetsWithDataAndIer() {
        wr(Uart16550.LCR, 0x83);
        wr(Uart16550.RBR_THR, 0x34);
        wr(Uart16550.IER, 0x12);
        assertEquals(0x34, rd(Uart16550.RBR_THR));
        assertEquals(0x12, rd(Uart16550.IER));
        wr(Uart16550.LCR, 0x03);
        assertEquals(0, rd(Uart16550.IER), "IER untouched by divisor writes");
        assertEquals(0, out.size(), "divisor write is not a transmit");
        assertEquals(0x03, rd(Uart16550.LCR));
    }

    @Test
    void scratchRegisterHoldsAByte() {
        wr(Uart16550.SCR, 0xA5);
        assertEquals(0xA5, rd(Uart16550.SCR));
    }

    @Test
    void receiveRaisesDataReadyAndRxInterrupt() {
        assertEquals(Uart16550.IIR_NO_INT, rd(Uart16550.IIR_FCR) & 0x0F);
        wr(Uart16550.IER, Uart16550.IER_RDI);
        assertEquals(2, uart.receive("ab".getBytes(), 0, 2));
        assertTrue(irq);
        assertTrue((rd(Uart16550.LSR) & Uart16550.LSR_DR) != 0);
        assertEquals(Uart16550.IIR_RDI, rd(Uart16550.IIR_FCR) & 0x0F);
        assertEquals('a', rd(Uart16550.RBR_THR));
        assertTrue(irq, "still data");
        assertEquals('b', rd(Uart16550.RBR_THR));
        assertFalse(irq);
        assertEquals(0, rd(Uart16550.LSR) & Uart16550.LSR_DR);
    }

    @Test
    void rxInterruptMaskedWhenIerClear() {
        uart.receive(new byte[] {1}, 0, 1);
        assertFalse(irq);
        wr(Uart16550.IER, Uart16550.IER_RDI);
        assertTrue(irq);
        wr(Uart16550.IER, 0);
        assertFalse(irq);
    }

    @Test
    void thrEmptyInterruptOnEnableAndAfterEachByte() {
        wr(Uart16550.IER, Uart16550.IER_THRI);
        assertTrue(irq, "enabling ETBEI with an empty THR interrupts");
        assertEquals(Uart16550.IIR_THRI, rd(Uart16550.IIR_FCR) & 0x0F);
        assertFalse(irq, "reading IIR acknowledges THRE");
        assertEquals(Uart16550.IIR_NO_INT, rd(Uart16550.IIR_FCR) & 0x0F);
        wr(Uart16550.RBR_THR, 'x');
        assertTrue(irq, "THR drained again");
    }

    @Test
    void rxHasPriorityOverThre() {
        wr(Uart16550.IER, Uart16550.IER_RDI | Uart16550.IER_THRI);
        uart.receive(new byte[] {7}, 0, 1);
        assertEquals(Uart16550.IIR_RDI, rd(Uart16550.IIR_FCR) & 0x0F);
        rd(Uart16550.RBR_THR);
        assertEquals(Uart16550.IIR_THRI, rd(Uart16550.IIR_FCR) & 0x0F);
    }

    @Test
    void fifoControlReportsAndClears() {
        wr(Uart16550.IIR_FCR, Uart16550.FCR_ENABLE);
        assertEquals(0xC0, rd(Uart16550.IIR_FCR) & 0xC0);
        uart.receive(new byte[] {1, 2, 3}, 0, 3);
        wr(Uart16550.IIR_FCR, Uart16550.FCR_ENABLE | Uart16550.FCR_CLEAR_RX);
        assertEquals(0, rd(Uart16550.LSR) & Uart16550.LSR_DR);
    }

    @Test
    void overrunReportedOnceInLsr() {
        byte[] big = new byte[Uart16550.RX_CAPACITY + 10];
        assertEquals(Uart16550.RX_CAPACITY, uart.receive(big, 0, big.length));
        assertEquals(0, uart.receiveSpace());
        assertTrue((rd(Uart16550.LSR) & Uart16550.LSR_OE) != 0);
        assertEquals(0, rd(Uart16550.LSR) & Uart16550.LSR_OE, "cleared by the read");
    }

    @Test
    void loopbackRoutesTxToRxAndModemLines() {
        wr(Uart16550.MCR, Uart16550.MCR_LOOP | Uart16550.MCR_RTS | Uart16550.MCR_OUT2);
        assertEquals(Uart16550.MSR_CTS | Uart16550.MSR_DCD, rd(Uart16550.MSR));
        wr(Uart16550.RBR_THR, 0x5A);
        assertEquals(0, out.size());
        assertEquals(0x5A, rd(Uart16550.RBR_THR));
        wr(Uart16550.MCR, 0);
        assertEquals(Uart16550.MSR_CTS | Uart16550.MSR_DSR | Uart16550.MSR_DCD, rd(Uart16550.MSR));
    }

    @Test
    void concurrentWritersLoseNoBytes() throws Exception {
        int threads = 4, each = 5000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    wr(Uart16550.RBR_THR, 'z');
                    rd(Uart16550.LSR);
                }
            });
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(threads * each, out.size());
    }
}
