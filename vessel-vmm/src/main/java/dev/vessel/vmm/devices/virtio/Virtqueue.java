package dev.vessel.vmm.devices.virtio;

import dev.vessel.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A split virtqueue (virtio 1.2, section 2.7) read from guest memory that the guest may
 * scribble on at any moment. Every index and address read from the rings is checked before it
 * is used; a violation is reported as {@link GuestViolation}, never as a runtime exception.
 *
 * <p>Layout: descriptor table of 16-byte entries {addr u64, len u32, flags u16, next u16};
 * driver area {flags u16, idx u16, ring[size] u16}; device area {flags u16, idx u16,
 * ring[size] {id u32, len u32}}.
 *
 * <p>Not thread-safe: the device synchronizes on the queue when two threads touch it.
 */
public final class Virtqueue {

    static final int DESC_F_NEXT = 1;
    static final int DESC_F_WRITE = 2;
    static final int DESC_F_INDIRECT = 4;
    static final int AVAIL_F_NO_INTERRUPT = 1;
    /** Largest indirect table accepted (QEMU's VIRTQUEUE_MAX_SIZE); Linux never needs more. */
    public static final int MAX_INDIRECT = 1024;

    private final GuestMemory memory;
    private final MemorySegment ram;
    private final int maxSize;
    private final DescriptorChain chain;

    private int size;
    private long descAddr;
    private long availAddr;
    private long usedAddr;
    private boolean ready;
    private boolean indirectAllowed;
    private int lastAvail;
    private int nextUsed;

    public Virtqueue(GuestMemory memory, int maxSize) {
        if (maxSize <= 0 || maxSize > 32768 || Integer.bitCount(maxSize) != 1) {
            throw new IllegalArgumentException("queue max size " + maxSize + " is not a power of two in 1..32768");
        }
        this.memory = memory;
        this.ram = memory.segment();
        this.maxSize = maxSize;
        this.chain = new DescriptorChain(memory, maxSize + MAX_INDIRECT);
        reset();
    }

    public void reset() {
        size = maxSize;
        descAddr = availAddr = usedAddr = 0;
        ready = false;
        indirectAllowed = false;
        lastAvail = nextUsed = 0;
    }

    public int maxSize() {
        return maxSize;
    }

    public int size() {
        return size;
    }

    public boolean ready() {
        return ready;
    }

    public long descAddr() {
        return descAddr;
    }

    public long availAddr() {
        return availAddr;
    }

    public long usedAddr() {
        return usedAddr;
    }

    /** The transport ignores these while the queue is ready, as the spec requires of the driver. */
    public void setSize(int size) {
        this.size = size;
    }

    public void setDescAddr(long a) {
        descAddr = a;
    }

    public void setAvailAddr(long a) {
        availAddr = a;
    }

    public void setUsedAddr(long a) {
        usedAddr = a;
    }

    /**
     * Makes the queue live after checking what the driver configured: size a power of two no
     * larger than the maximum, areas aligned and wholly inside guest RAM.
     */
    public void enable(boolean indirect) throws GuestViolation {
        if (size <= 0 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new GuestViolation("queue size " + size + " is not a power of two in 1.." + maxSize);
        }
        checkArea("descriptor table", descAddr, 16L * size, 16);
        checkArea("driver area", availAddr, 6L + 2L * size, 2);
        checkArea("device area", usedAddr, 6L + 8L * size, 4);
        indirectAllowed = indirect;
        lastAvail = 0;
        nextUsed = 0;
        ready = true;
    }

    public void disable() {
        ready = false;
    }

    private void checkArea(String what, long gpa, long length, int align) throws GuestViolation {
        if ((gpa & (align - 1)) != 0) {
            throw new GuestViolation(String.format("%s at 0x%x is not %d-byte aligned", what, gpa, align));
        }
        if (!memory.contains(gpa, length)) {
            throw new GuestViolation(String.format("%s 0x%x+0x%x is outside guest RAM", what, gpa, length));
        }
    }

    private int u16(long gpa) {
        return Short.toUnsignedInt(ram.get(GuestMemory.SHORT, gpa - memory.base()));
    }

    /** True when the driver has made buffers available that were not popped yet. */
    public boolean hasAvailable() throws GuestViolation {
        return pending() != 0;
    }

    private int pending() throws GuestViolation {
        int availIdx = u16(availAddr + 2);
        VarHandle.acquireFence(); // ring entries are read after the index that published them
        int n = (availIdx - lastAvail) & 0xFFFF;
        if (n > size) {
            throw new GuestViolation("available index " + availIdx + " is " + n + " ahead of " + lastAvail
                    + ", more than the queue size " + size);
        }
        return n;
    }

    /**
     * Takes the next available chain, validated, or returns null when there is none. The result
     * is reused by the next call.
     */
    public DescriptorChain pop() throws GuestViolation {
        if (!ready || pending() == 0) {
            return null;
        }
        int head = u16(availAddr + 4 + 2L * (lastAvail % size));
        if (head >= size) {
            throw new GuestViolation("available ring names descriptor " + head + " of a " + size + "-entry table");
        }
        lastAvail = (lastAvail + 1) & 0xFFFF;
        chain.clear(head);
        walk(descAddr, size, head, false);
        return chain;
    }

    /** Puts the driver's index back so the chain is popped again (a device that ran out of room). */
    public void undoPop() {
        lastAvail = (lastAvail - 1) & 0xFFFF;
    }

    private void walk(long table, int entries, int first, boolean indirect) throws GuestViolation {
        int index = first;
        for (int seen = 0; ; seen++) {
            if (seen == entries) {
                throw new GuestViolation("descriptor chain from " + first + " is longer than its "
                        + (indirect ? "indirect table (" : "queue (") + entries + " entries): a loop?");
            }
            long d = table + 16L * index - memory.base();
            long addr = ram.get(GuestMemory.LONG, d);
            int len = ram.get(GuestMemory.INT, d + 8);
            int flags = Short.toUnsignedInt(ram.get(GuestMemory.SHORT, d + 12));
            int next = Short.toUnsignedInt(ram.get(GuestMemory.SHORT, d + 14));
            long length = Integer.toUnsignedLong(len);
            if ((flags & DESC_F_INDIRECT) != 0) {
                walkIndirect(index, addr, length, flags, indirect);
                return;
            }
            if (!memory.contains(addr, length)) {
                throw new GuestViolation(String.format("descriptor %d buffer 0x%x+0x%x is outside guest RAM",
                        index, addr, length));
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && chain.count > chain.firstWritable) {
                throw new GuestViolation("descriptor " + index + " is device-readable but follows a device-writable one");
            }
            int i = chain.count++;
            chain.addr[i] = addr;
            chain.len[i] = len;
            if (writable) {
                chain.writableBytes += length;
            } else {
                chain.readableBytes += length;
                chain.firstWritable = chain.count;
            }
            if ((flags & DESC_F_NEXT) == 0) {
                return;
            }
            if (next >= entries) {
                throw new GuestViolation("descriptor " + index + " links to " + next + " beyond its " + entries
                        + "-entry table");
            }
            index = next;
        }
    }

    private void walkIndirect(int index, long addr, long length, int flags, boolean nested) throws GuestViolation {
        if (!indirectAllowed) {
            throw new GuestViolation("descriptor " + index + " is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated");
        }
        if (nested) {
            throw new GuestViolation("indirect table contains another indirect descriptor " + index);
        }
        if ((flags & DESC_F_NEXT) != 0) {
            throw new GuestViolation("indirect descriptor " + index + " also has NEXT set");
        }
        if (length == 0 || length % 16 != 0 || length / 16 > MAX_INDIRECT) {
            throw new GuestViolation("indirect table length " + length + " is not a multiple of 16 in 16.."
                    + 16 * MAX_INDIRECT);
        }
        if (!memory.contains(addr, length)) {
            throw new GuestViolation(String.format("indirect table 0x%x+0x%x is outside guest RAM", addr, length));
        }
        walk(addr, (int) (length / 16), 0, true);
    }

    /** Returns a chain to the driver with {@code written} bytes written into its writable part. */
    public void push(int head, long written) {
        long entry = usedAddr + 4 + 8L * (nextUsed % size) - memory.base();
        ram.set(GuestMemory.INT, entry, head);
        ram.set(GuestMemory.INT, entry + 4, (int) written);
        nextUsed = (nextUsed + 1) & 0xFFFF;
        VarHandle.releaseFence(); // the element must be visible before the index that publishes it
        ram.set(GuestMemory.SHORT, usedAddr + 2 - memory.base(), (short) nextUsed);
    }

    /** After {@link #push}: whether the driver asked to be interrupted (no VIRTIO_F_EVENT_IDX). */
    public boolean needsInterrupt() {
        VarHandle.fullFence(); // order the used index store before reading the driver's flags
        return (u16(availAddr) & AVAIL_F_NO_INTERRUPT) == 0;
    }
}
