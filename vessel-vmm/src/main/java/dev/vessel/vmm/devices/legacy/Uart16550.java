package dev.vessel.vmm.devices.legacy;

import dev.vessel.vmm.bus.IrqLine;
import dev.vessel.vmm.bus.MmioDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A 16550A UART used as the guest console, with byte-wide registers at offsets 0..7.
 *
 * <p>Transmission is instantaneous: a byte written to THR goes straight to {@code out}, so the
 * transmitter is always empty and THRE re-arms right after each write (as QEMU's model does).
 * Received bytes come from the host through {@link #receive} into a bounded FIFO. All register
 * access and {@code receive} are serialized on this object: several vCPU threads and the host's
 * console reader call in concurrently.
 */
public final class Uart16550 implements MmioDevice {

    public static final int WINDOW_SIZE = 8;
    /** Host-side receive buffer; the real chip has 16 bytes, the guest cannot tell the difference. */
    static final int RX_CAPACITY = 4096;

    // Register offsets.
    static final int RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    static final int IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
    static final int IIR_NO_INT = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06;
    static final int IIR_FIFO_ENABLED = 0xC0;
    static final int FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02;
    static final int LCR_DLAB = 0x80;
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    static final int MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08;
    static final int MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;

    private final OutputStream out;
    private final IrqLine irq;

    private final byte[] rx = new byte[RX_CAPACITY];
    private int rxHead;
    private int rxCount;

    private int ier;
    private int lcr = 0x03; // 8N1, as after a hardware reset
    private int mcr = MCR_OUT2;
    private int lsrErrors;
    private int msr = MSR_DCD | MSR_DSR | MSR_CTS;
    private int scr;
    private int fcr;
    private int divisor = 12; // 9600 baud at 1.8432 MHz; only stored, timing is not modelled
    /** THRE interrupt pending: set when THR empties or ETBEI is enabled, cleared by THR write or IIR read. */
    private boolean thrIpending;
    private boolean irqLevel;

    public Uart16550(OutputStream out, IrqLine irq) {
        this.out = out;
        this.irq = irq;
    }

    @Override
    public synchronized long read(long offset, int size) {
        // The device tree declares reg-io-width 1; a wider access is treated as one to its low byte.
        int value = switch ((int) offset) {
            case RBR_THR -> (lcr & LCR_DLAB) != 0 ? divisor & 0xFF : popRx();
            case IER -> (lcr & LCR_DLAB) != 0 ? (divisor >>> 8) & 0xFF : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> readLsr();
            case MSR -> readMsr();
            case SCR -> scr;
            default -> 0;
        };
        update();
        return value & 0xFF;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value & 0xFF;
        switch ((int) offset) {
            case RBR_THR -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xFF00) | v;
                } else {
                    transmit(v);
                }
            }
            case IER -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0x00FF) | (v << 8);
                } else {
                    int old = ier;
                    ier = v & 0x0F;
                    // Enabling ETBEI with an empty transmitter raises THRE at once (8250 behaviour
                    // the Linux driver probes for in serial8250_do_startup).
                    if ((ier & IER_THRI) != 0 && (old & IER_THRI) == 0) {
                        thrIpending = true;
                    }
                }
            }
            case IIR_FCR -> {
                if ((v & FCR_CLEAR_RX) != 0) {
                    rxHead = 0;
                    rxCount = 0;
                }
                fcr = v & 0xC9; // keep enable, DMA mode, trigger level; clear bits self-clear
            }
            case LCR -> lcr = v;
            case MCR -> mcr = v & 0x1F;
            case LSR, MSR -> { } // read-only; factory test writes are ignored
            case SCR -> scr = v;
            default -> { }
        }
        update();
    }

    /**
     * Queues bytes typed on the host for the guest. Returns how many were accepted; the rest must
     * be offered again later (the caller applies back-pressure instead of losing input).
     */
    public synchronized int receive(byte[] data, int off, int len) {
        int n = Math.min(len, RX_CAPACITY - rxCount);
        for (int i = 0; i < n; i++) {
            rx[(rxHead + rxCount + i) % RX_CAPACITY] = data[off + i];
        }
        rxCount += n;
        if (n < len) {
            lsrErrors |= LSR_OE;
        }
        update();
        return n;
    }

    /** Free space in the receive FIFO, for a console reader that waits instead of overrunning. */
    public synchronized int receiveSpace() {
        return RX_CAPACITY - rxCount;
    }

    private void transmit(int b) {
        thrIpending = false;
        if ((mcr & MCR_LOOP) != 0) {
            if (rxCount < RX_CAPACITY) {
                rx[(rxHead + rxCount) % RX_CAPACITY] = (byte) b;
                rxCount++;
            } else {
                lsrErrors |= LSR_OE;
            }
        } else {
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                // The console sink went away (terminal closed): the guest keeps running, output is
                // dropped, as a UART with no cable attached would do.
            }
        }
        // The transmitter drains instantly, so THR is empty again.
        thrIpending = true;
    }

    private int popRx() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rx[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % RX_CAPACITY;
        rxCount--;
        return b;
    }

    private int readLsr() {
        int lsr = LSR_THRE | LSR_TEMT | lsrErrors;
        if (rxCount > 0) {
            lsr |= LSR_DR;
        }
        lsrErrors = 0; // error bits clear on read
        return lsr;
    }

    private int readMsr() {
        if ((mcr & MCR_LOOP) != 0) {
            // Loopback wires the modem outputs back to the inputs; the 8250 driver checks this.
            int m = 0;
            if ((mcr & MCR_RTS) != 0) m |= MSR_CTS;
            if ((mcr & MCR_DTR) != 0) m |= MSR_DSR;
            if ((mcr & MCR_OUT1) != 0) m |= MSR_RI;
            if ((mcr & MCR_OUT2) != 0) m |= MSR_DCD;
            return m;
        }
        int value = msr;
        msr &= ~(MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD);
        return value;
    }

    private int pendingIir() {
        if ((ier & IER_RLSI) != 0 && (lsrErrors & LSR_OE) != 0) {
            return IIR_RLSI;
        }
        if ((ier & IER_RDI) != 0 && rxCount > 0) {
            return IIR_RDI;
        }
        if ((ier & IER_THRI) != 0 && thrIpending) {
            return IIR_THRI;
        }
        if ((ier & IER_MSI) != 0 && (msr & 0x0F) != 0) {
            return IIR_MSI;
        }
        return IIR_NO_INT;
    }

    private int readIir() {
        int iir = pendingIir();
        if (iir == IIR_THRI) {
            thrIpending = false; // reading IIR acknowledges a THRE interrupt
        }
        return iir | ((fcr & FCR_ENABLE) != 0 ? IIR_FIFO_ENABLED : 0);
    }

    private void update() {
        boolean level = pendingIir() != IIR_NO_INT;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }
}
