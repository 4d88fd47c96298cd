package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.MmioDevice;
import dev.vessel.vmm.cpu.riscv.Hart;
import dev.vessel.vmm.cpu.riscv.TimeBase;

/**
 * The core-local interruptor (SiFive CLINT layout): per-hart {@code msip} at 0x0, 64-bit
 * {@code mtimecmp} at 0x4000 and the shared {@code mtime} at 0xbff8. Only M-mode code uses it;
 * a kernel in S-mode reaches the timer and IPIs through SBI (or Sstc) instead.
 */
final class Clint implements MmioDevice {

    static final long BASE = 0x0200_0000L;
    static final long SIZE = 0x1_0000L;
    private static final int MSIP = 3;

    private final Hart[] harts;
    private final TimeBase time;

    Clint(Hart[] harts, TimeBase time) {
        this.harts = harts;
        this.time = time;
    }

    @Override
    public long read(long offset, int size) {
        if (offset < 0x4000) {
            int h = (int) (offset >>> 2);
            return h < harts.length && (offset & 3) == 0 ? (harts[h].pendingInterrupts() >>> MSIP) & 1 : 0;
        }
        if (offset >= 0xbff8) {
            return slice(time.now(), offset - 0xbff8, size);
        }
        int h = (int) ((offset - 0x4000) >>> 3);
        return h < harts.length ? slice(harts[h].machineTimer(), (offset - 0x4000) & 7, size) : 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset < 0x4000) {
            int h = (int) (offset >>> 2);
            if (h < harts.length && (offset & 3) == 0) {
                if ((value & 1) != 0) {
                    harts[h].raiseInterrupt(MSIP);
                } else {
                    harts[h].lowerInterrupt(MSIP);
                }
            }
            return;
        }
        if (offset >= 0xbff8) {
            return; // mtime is derived from the host clock; writes are ignored
        }
        int h = (int) ((offset - 0x4000) >>> 3);
        if (h >= harts.length) {
            return;
        }
        int shift = (int) ((offset - 0x4000) & 7) * 8;
        long mask = size == 8 ? -1L : ((1L << (size * 8)) - 1) << shift;
        long old = harts[h].machineTimer();
        harts[h].setMachineTimer((old & ~mask) | ((value << shift) & mask));
    }

    private static long slice(long v, long byteOffset, int size) {
        long shifted = v >>> (byteOffset * 8);
        return size == 8 ? shifted : shifted & ((1L << (size * 8)) - 1);
    }
}
