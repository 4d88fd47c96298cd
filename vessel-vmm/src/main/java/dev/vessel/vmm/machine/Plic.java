package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.IrqLine;
import dev.vessel.vmm.bus.MmioDevice;
import dev.vessel.vmm.cpu.riscv.Hart;

/**
 * The platform-level interrupt controller (SiFive PLIC layout) with sources 1..31 and two
 * contexts per hart: 2h for M-mode (MEIP) and 2h+1 for S-mode (SEIP). Lines are level-triggered
 * as QEMU models them: a source is pending while its line is high and it is not being served
 * (claimed and not yet completed).
 */
final class Plic implements MmioDevice {

    static final long BASE = 0x0c00_0000L;
    static final long SIZE = 0x60_0000L;
    static final int SOURCES = 32;
    private static final int MEI = 11, SEI = 9;

    private final Hart[] harts;
    private final int[] priority = new int[SOURCES];
    private final int[] enable;
    private final int[] threshold;
    private int level;
    private int pending;
    private int claimed;

    Plic(Hart[] harts) {
        this.harts = harts;
        this.enable = new int[harts.length * 2];
        this.threshold = new int[harts.length * 2];
    }

    /** The interrupt line of source {@code source} (1..31), for a device to drive. */
    IrqLine line(int source) {
        if (source < 1 || source >= SOURCES) {
            throw new IllegalArgumentException("PLIC source " + source + " is out of range 1.." + (SOURCES - 1));
        }
        return asserted -> setLevel(source, asserted);
    }

    private synchronized void setLevel(int source, boolean asserted) {
        int bit = 1 << source;
        if (asserted) {
            level |= bit;
            if ((claimed & bit) == 0) {
                pending |= bit;
            }
        } else {
            level &= ~bit;
            pending &= ~bit;
        }
        update();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset < 0x1000) {
            int s = (int) (offset >>> 2);
            return s < SOURCES ? priority[s] : 0;
        }
        if (offset == 0x1000) {
            return pending & 0xffffffffL;
        }
        if (offset >= 0x2000 && offset < 0x200000) {
            int ctx = (int) ((offset - 0x2000) >>> 7);
            return ctx < enable.length && ((offset - 0x2000) & 0x7f) == 0 ? enable[ctx] & 0xffffffffL : 0;
        }
        int ctx = (int) ((offset - 0x200000) >>> 12);
        if (offset < 0x200000 || ctx >= threshold.length) {
            return 0;
        }
        return switch ((int) (offset & 0xfff)) {
            case 0 -> threshold[ctx];
            case 4 -> claim(ctx);
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset < 0x1000) {
            int s = (int) (offset >>> 2);
            if (s > 0 && s < SOURCES) {
                priority[s] = (int) value & 7;
            }
        } else if (offset >= 0x2000 && offset < 0x200000) {
            int ctx = (int) ((offset - 0x2000) >>> 7);
            if (ctx < enable.length && ((offset - 0x2000) & 0x7f) == 0) {
                enable[ctx] = (int) value & ~1;
            }
        } else if (offset >= 0x200000) {
            int ctx = (int) ((offset - 0x200000) >>> 12);
            if (ctx < threshold.length) {
                switch ((int) (offset & 0xfff)) {
                    case 0 -> threshold[ctx] = (int) value & 7;
                    case 4 -> complete((int) value);
                    default -> { }
                }
            }
        }
        update();
    }

    private int claim(int ctx) {
        int best = bestSource(ctx);
        if (best != 0) {
            pending &= ~(1 << best);
            claimed |= 1 << best;
            update();
        }
        return best;
    }

    private void complete(int source) {
        if (source <= 0 || source >= SOURCES) {
            return;
        }
        int bit = 1 << source;
        claimed &= ~bit;
        if ((level & bit) != 0) {
            pending |= bit;
        }
    }

    private int bestSource(int ctx) {
        int candidates = pending & enable[ctx] & ~claimed;
        int best = 0;
        int bestPriority = threshold[ctx];
        while (candidates != 0) {
            int s = Integer.numberOfTrailingZeros(candidates);
            candidates &= candidates - 1;
            if (priority[s] > bestPriority) {
                best = s;
                bestPriority = priority[s];
            }
        }
        return best;
    }

    private void update() {
        for (int ctx = 0; ctx < enable.length; ctx++) {
            Hart h = harts[ctx >>> 1];
            int bit = (ctx & 1) == 0 ? MEI : SEI;
            if (bestSource(ctx) != 0) {
                h.raiseInterrupt(bit);
            } else {
                h.lowerInterrupt(bit);
            }
        }
    }
}
