package dev.vessel.vmm.devices.virtio.rng;

import dev.vessel.vmm.devices.virtio.DescriptorChain;
import dev.vessel.vmm.devices.virtio.DeviceContext;
import dev.vessel.vmm.devices.virtio.GuestViolation;
import dev.vessel.vmm.devices.virtio.VirtioDevice;
import dev.vessel.vmm.devices.virtio.Virtqueue;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;

/**
 * virtio-rng (virtio 1.2, section 5.4): fills each device-writable buffer the guest posts with
 * bytes from the host's {@link SecureRandom}. Requests are capped so one guest request cannot
 * keep a vCPU thread busy generating megabytes.
 */
public final class VirtioRng implements VirtioDevice {

    public static final int DEVICE_TYPE = 4;
    static final int QUEUE_SIZE = 64;
    static final int MAX_PER_REQUEST = 64 * 1024;

    private final SecureRandom random;
    private final byte[] buffer = new byte[4096];
    private final MemorySegment bufferSegment = MemorySegment.ofArray(buffer);
    private Virtqueue queue;
    private DeviceContext context;

    public VirtioRng() {
        this(new SecureRandom());
    }

    public VirtioRng(SecureRandom random) {
        this.random = random;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        return 0;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return 0;
    }

    @Override
    public long readConfig(int offset, int size) {
        return 0;
    }

    @Override
    public void activate(Virtqueue[] queues, long features, DeviceContext context) {
        this.queue = queues[0];
        this.context = context;
    }

    @Override
    public void queueNotify(int index) throws GuestViolation {
        Virtqueue q = queue;
        synchronized (q) {
            for (DescriptorChain c = q.pop(); c != null; c = q.pop()) {
                if (c.readableCount() != 0) {
                    throw new GuestViolation("entropy request has a device-readable buffer");
                }
                long want = Math.min(c.writableBytes(), MAX_PER_REQUEST);
                long done = 0;
                while (done < want) {
                    int n = (int) Math.min(buffer.length, want - done);
                    random.nextBytes(buffer);
                    done += c.writeFrom(done, bufferSegment, 0, n);
                }
                q.push(c.head(), done);
            }
            if (q.needsInterrupt()) {
                context.signalUsed(index);
            }
        }
    }

    @Override
    public void reset() {
        // Requests are served synchronously on notify; nothing is in flight to cancel.
    }
}
