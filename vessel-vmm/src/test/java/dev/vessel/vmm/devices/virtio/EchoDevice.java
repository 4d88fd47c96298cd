package dev.vessel.vmm.devices.virtio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A test device with one queue that copies each chain's readable bytes into its writable part. */
final class EchoDevice implements VirtioDevice {

    private final MemorySegment scratch = Arena.ofAuto().allocate(1 << 16);
    private Virtqueue[] queues;
    private DeviceContext context;
    int requests;
    int resets;

    @Override
    public int deviceType() {
        return 42;
    }

    @Override
    public long deviceFeatures() {
        return 1L << 3;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return 16;
    }

    @Override
    public int configSize() {
        return 8;
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (0x10 + offset + i) << (8 * i);
        }
        return v;
    }

    @Override
    public void activate(Virtqueue[] queues, long features, DeviceContext context) {
        this.queues = queues;
        this.context = context;
    }

    @Override
    public void queueNotify(int queue) throws GuestViolation {
        Virtqueue q = queues[queue];
        for (DescriptorChain c = q.pop(); c != null; c = q.pop()) {
            long n = Math.min(Math.min(c.readableBytes(), c.writableBytes()), scratch.byteSize());
            c.readTo(0, scratch, 0, n);
            long written = c.writeFrom(0, scratch, 0, n);
            q.push(c.head(), written);
            requests++;
        }
        if (q.needsInterrupt()) {
            context.signalUsed(queue);
        }
    }

    @Override
    public void reset() {
        resets++;
    }
}
