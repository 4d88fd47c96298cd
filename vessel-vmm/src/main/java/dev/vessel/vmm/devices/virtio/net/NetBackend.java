package dev.vessel.vmm.devices.virtio.net;

import java.lang.foreign.MemorySegment;

/** Where virtio-net's frames go: a {@link TapDevice} on a host, an in-memory link in tests. */
public interface NetBackend {

    /** Host-side name for thread names and messages. */
    String name();

    /** Waits up to {@code millis} for a frame to read. */
    boolean awaitReadable(int millis);

    /** Reads one frame into {@code buf}; its length, 0 when none is waiting, or -errno. */
    long read(MemorySegment buf);

    /** Sends one frame; the length written or -errno. */
    long write(MemorySegment frame, long length);
}
