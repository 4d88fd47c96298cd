package dev.vessel.vmm.bus;

import java.util.Arrays;

/**
 * Dispatches guest physical accesses to device windows by address. Registration happens while
 * the machine is built; lookups are lock-free afterwards (the arrays are replaced, never mutated).
 */
public final class MmioBus {

    private long[] bases = new long[0];
    private long[] sizes = new long[0];
    private MmioDevice[] devices = new MmioDevice[0];

    /** Adds a window; windows must not overlap. */
    public synchronized void register(long base, long size, MmioDevice device) {
        for (int i = 0; i < bases.length; i++) {
            if (base < bases[i] + sizes[i] && bases[i] < base + size) {
                throw new IllegalArgumentException(String.format(
                        "MMIO window 0x%x+0x%x overlaps 0x%x+0x%x", base, size, bases[i], sizes[i]));
            }
        }
        int n = bases.length;
        long[] nb = Arrays.copyOf(bases, n + 1);
        long[] ns = Arrays.copyOf(sizes, n + 1);
        MmioDevice[] nd = Arrays.copyOf(devices, n + 1);
        nb[n] = base;
        ns[n] = size;
        nd[n] = device;
        bases = nb;
        sizes = ns;
        devices = nd;
    }

    /** Index of the window holding {@code addr}, or -1. */
    public int find(long addr) {
        long[] b = bases;
        long[] s = sizes;
        for (int i = 0; i < b.length; i++) {
            if (addr - b[i] >= 0 && addr - b[i] < s[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Reads from the device at {@code addr}; returns false (no device) so the CPU can raise an access fault. */
    public boolean read(long addr, int size, long[] out) {
        int i = find(addr);
        if (i < 0) {
            return false;
        }
        out[0] = devices[i].read(addr - bases[i], size);
        return true;
    }

    public boolean write(long addr, int size, long value) {
        int i = find(addr);
        if (i < 0) {
            return false;
        }
        devices[i].write(addr - bases[i], size, value);
        return true;
    }
}
