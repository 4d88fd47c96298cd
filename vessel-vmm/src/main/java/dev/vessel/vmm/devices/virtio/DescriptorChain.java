package dev.vessel.vmm.devices.virtio;

import dev.vessel.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;

/**
 * One validated request popped from a {@link Virtqueue}: the device-readable buffers first,
 * then the device-writable ones, every one of them inside guest RAM (checked by the queue).
 * The queue reuses one instance per pop, so the processing loop allocates nothing; it is valid
 * until the next {@code pop} on the same queue.
 */
public final class DescriptorChain {

    private final GuestMemory memory;
    final long[] addr;
    final int[] len;
    int head;
    int count;
    /** Index of the first writable buffer; {@code count} when there is none. */
    int firstWritable;
    long readableBytes;
    long writableBytes;

    DescriptorChain(GuestMemory memory, int capacity) {
        this.memory = memory;
        this.addr = new long[capacity];
        this.len = new int[capacity];
    }

    void clear(int head) {
        this.head = head;
        count = 0;
        firstWritable = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    /** Descriptor index to hand back in the used ring. */
    public int head() {
        return head;
    }

    public int count() {
        return count;
    }

    public int readableCount() {
        return firstWritable;
    }

    public int writableCount() {
        return count - firstWritable;
    }

    public long readableBytes() {
        return readableBytes;
    }

    public long writableBytes() {
        return writableBytes;
    }

    public boolean isWritable(int i) {
        return i >= firstWritable;
    }

    public long address(int i) {
        return addr[i];
    }

    /** Length of buffer {@code i} (an unsigned 32-bit value). */
    public long length(int i) {
        return Integer.toUnsignedLong(len[i]);
    }

    /**
     * Host address of buffer {@code i}, for native I/O straight into guest RAM. Valid while the
     * guest memory is open; the machine closes it only after its devices stopped.
     */
    public long hostAddress(int i) {
        return memory.segment().address() + (addr[i] - memory.base());
    }

    /** Buffer {@code i} as guest memory; safe because the queue checked it lies in RAM. */
    public MemorySegment segment(int i) {
        return memory.slice(addr[i], length(i));
    }

    /**
     * Copies up to {@code n} bytes of the readable part, starting {@code offset} bytes into it,
     * to {@code dst}. Returns the count copied (short when the readable part ends).
     */
    public long readTo(long offset, MemorySegment dst, long dstOffset, long n) {
        long done = 0;
        long skip = offset;
        for (int i = 0; i < firstWritable && done < n; i++) {
            long l = length(i);
            if (skip >= l) {
                skip -= l;
                continue;
            }
            long chunk = Math.min(l - skip, n - done);
            MemorySegment.copy(memory.segment(), addr[i] - memory.base() + skip, dst, dstOffset + done, chunk);
            done += chunk;
            skip = 0;
        }
        return done;
    }

    /**
     * Copies up to {@code n} bytes from {@code src} into the writable part, starting
     * {@code offset} bytes into it. Returns the count copied (short when the writable part ends).
     */
    public long writeFrom(long offset, MemorySegment src, long srcOffset, long n) {
        long done = 0;
        long skip = offset;
        for (int i = firstWritable; i < count && done < n; i++) {
            long l = length(i);
            if (skip >= l) {
                skip -= l;
                continue;
            }
            long chunk = Math.min(l - skip, n - done);
            MemorySegment.copy(src, srcOffset + done, memory.segment(), addr[i] - memory.base() + skip, chunk);
            done += chunk;
            skip = 0;
        }
        return done;
    }
}
