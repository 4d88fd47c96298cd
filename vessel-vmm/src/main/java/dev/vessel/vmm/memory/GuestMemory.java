package dev.vessel.vmm.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest RAM: one native segment mapped at guest physical {@code base}. Every access from a
 * device model goes through {@link #contains} first: guest-supplied addresses are hostile.
 */
public final class GuestMemory implements AutoCloseable {

    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment ram;
    private final long base;

    public GuestMemory(long base, long size) {
        this.arena = Arena.ofShared();
        this.ram = arena.allocate(size, 4096);
        this.base = base;
    }

    public long base() {
        return base;
    }

    public long size() {
        return ram.byteSize();
    }

    public MemorySegment segment() {
        return ram;
    }

    /** True when [gpa, gpa+len) lies wholly inside guest RAM; overflow-safe. */
    public boolean contains(long gpa, long len) {
        long off = gpa - base;
        return len >= 0 && off >= 0 && off <= ram.byteSize() && len <= ram.byteSize() - off;
    }

    /** The guest range as a slice; callers check {@link #contains} first. */
    public MemorySegment slice(long gpa, long len) {
        return ram.asSlice(gpa - base, len);
    }

    @Override
    public void close() {
        arena.close();
    }
}
