package dev.vessel.vmm.devices.virtio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;

/**
 * Plays the guest's virtio driver in tests: negotiates features through the MMIO registers,
 * lays queues out in guest RAM and posts descriptor chains, as Linux's virtio_mmio and
 * virtio_ring do. Addresses are guest physical.
 */
public final class GuestDriver {

    public static final long RAM_BASE = 0x8000_0000L;

    public final GuestMemory memory;
    public final VirtioMmio mmio;
    public final MemorySegment ram;
    /** Where the next test buffer is carved from (after the queue areas). */
    public long heap = RAM_BASE + 0x10_0000;
    public final long[] desc = new long[8];
    public final long[] avail = new long[8];
    public final long[] used = new long[8];
    public final int[] size = new int[8];
    public final int[] nextDesc = new int[8];
    public final int[] availIdx = new int[8];
    public final int[] usedSeen = new int[8];

    public GuestDriver(GuestMemory memory, VirtioMmio mmio) {
        this.memory = memory;
        this.mmio = mmio;
        this.ram = memory.segment();
    }

    public int reg(int offset) {
        return (int) mmio.read(offset, 4);
    }

    public void reg(int offset, int value) {
        mmio.write(offset, 4, Integer.toUnsignedLong(value));
    }

    public long deviceFeatures() {
        reg(VirtioMmio.DEVICE_FEATURES_SEL, 0);
        long lo = Integer.toUnsignedLong(reg(VirtioMmio.DEVICE_FEATURES));
        reg(VirtioMmio.DEVICE_FEATURES_SEL, 1);
        return lo | ((long) reg(VirtioMmio.DEVICE_FEATURES) << 32);
    }

    /** Resets and negotiates {@code features}; returns whether the device accepted them. */
    public boolean negotiate(long features) {
        reg(VirtioMmio.STATUS, 0);
        reg(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE);
        reg(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER);
        reg(VirtioMmio.DRIVER_FEATURES_SEL, 0);
        reg(VirtioMmio.DRIVER_FEATURES, (int) features);
        reg(VirtioMmio.DRIVER_FEATURES_SEL, 1);
        reg(VirtioMmio.DRIVER_FEATURES, (int) (features >>> 32));
        reg(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER | VirtioMmio.STATUS_FEATURES_OK);
        return (reg(VirtioMmio.STATUS) & VirtioMmio.STATUS_FEATURES_OK) != 0;
    }

    /** Lays queue {@code q} out in its own 64 KiB slot and makes it ready. */
    public void setupQueue(int q, int n) {
        long base = RAM_BASE + 0x1_0000L * (q + 1);
        setupQueue(q, n, base, base + 16L * n, base + 0x8000);
    }

    public void setupQueue(int q, int n, long d, long a, long u) {
        desc[q] = d;
        avail[q] = a;
        used[q] = u;
        size[q] = n;
        if (memory.contains(d, 16L * n)) {
            ram.asSlice(d - RAM_BASE, 16L * n).fill((byte) 0);
        }
        reg(VirtioMmio.QUEUE_SEL, q);
        reg(VirtioMmio.QUEUE_NUM, n);
        reg(VirtioMmio.QUEUE_DESC_LOW, (int) d);
        reg(VirtioMmio.QUEUE_DESC_HIGH, (int) (d >>> 32));
        reg(VirtioMmio.QUEUE_DRIVER_LOW, (int) a);
        reg(VirtioMmio.QUEUE_DRIVER_HIGH, (int) (a >>> 32));
        reg(VirtioMmio.QUEUE_DEVICE_LOW, (int) u);
        reg(VirtioMmio.QUEUE_DEVICE_HIGH, (int) (u >>> 32));
        reg(VirtioMmio.QUEUE_READY, 1);
    }

    public void driverOk() {
        reg(VirtioMmio.STATUS, reg(VirtioMmio.STATUS) | VirtioMmio.STATUS_DRIVER_OK);
    }

    /** Full bring-up: VERSION_1 (+ extra features), all queues of size n, DRIVER_OK. */
    public void start(long extraFeatures, int n, int queues) {
        assertEquals(true, negotiate(VirtioFeatures.VERSION_1 | extraFeatures), "features accepted");
        for (int q = 0; q < queues; q++) {
            setupQueue(q, n);
        }
        driverOk();
    }

    public long alloc(long len) {
        long a = heap;
        heap += (len + 15) & ~15L;
        return a;
    }

    public long put(byte[] data) {
        long a = alloc(data.length);
        MemorySegment.copy(data, 0, ram, JAVA_BYTE, a - RAM_BASE, data.length);
        return a;
    }

    public byte[] get(long gpa, int len) {
        byte[] out = new byte[len];
        MemorySegment.copy(ram, JAVA_BYTE, gpa - RAM_BASE, out, 0, len);
        return out;
    }

    public void writeDesc(long table, int i, long addr, int len, int flags, int next) {
        long d = table + 16L * i - RAM_BASE;
        ram.set(GuestMemory.LONG, d, addr);
        ram.set(GuestMemory.INT, d + 8, len);
        ram.set(GuestMemory.SHORT, d + 12, (short) flags);
        ram.set(GuestMemory.SHORT, d + 14, (short) next);
    }

    /**
     * Posts a chain of buffers {addr, len, writable} on queue q and publishes it in the avail
     * ring (without notifying). Returns the head index.
     */
    public int post(int q, long[][] buffers) {
        int head = nextDesc[q] % size[q];
        for (int i = 0; i < buffers.length; i++) {
            int idx = (head + i) % size[q];
            boolean last = i == buffers.length - 1;
            int flags = (buffers[i][2] != 0 ? Virtqueue.DESC_F_WRITE : 0) | (last ? 0 : Virtqueue.DESC_F_NEXT);
            writeDesc(desc[q], idx, buffers[i][0], (int) buffers[i][1], flags, (idx + 1) % size[q]);
        }
        nextDesc[q] += buffers.length;
        publish(q, head);
        return head;
    }

    public void publish(int q, int head) {
        ram.set(GuestMemory.SHORT, avail[q] + 4 + 2L * (availIdx[q] % size[q]) - RAM_BASE, (short) head);
        availIdx[q] = (availIdx[q] + 1) & 0xFFFF;
        ram.set(GuestMemory.SHORT, avail[q] + 2 - RAM_BASE, (short) availIdx[q]);
    }

    public void notify(int q) {
        reg(VirtioMmio.QUEUE_NOTIFY, q);
    }

    public int usedIdx(int q) {
        return Short.toUnsignedInt(ram.get(GuestMemory.SHORT, used[q] + 2 - RAM_BASE));
    }

    /** The next used element {id, len}, or null when the device has not returned one. */
    public long[] takeUsed(int q) {
        if (usedSeen[q] == usedIdx(q)) {
            return null;
        }
        long e = used[q] + 4 + 8L * (usedSeen[q] % size[q]) - RAM_BASE;
        usedSeen[q] = (usedSeen[q] + 1) & 0xFFFF;
        return new long[] {ram.get(GuestMemory.INT, e), Integer.toUnsignedLong(ram.get(GuestMemory.INT, e + 4))};
    }

    public boolean needsReset() {
        return (reg(VirtioMmio.STATUS) & VirtioMmio.STATUS_NEEDS_RESET) != 0;
    }
}
