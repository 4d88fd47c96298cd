package dev.vessel.vmm.devices.virtio.net;

import dev.vessel.vmm.devices.virtio.DescriptorChain;
import dev.vessel.vmm.devices.virtio.DeviceContext;
import dev.vessel.vmm.devices.virtio.GuestViolation;
import dev.vessel.vmm.devices.virtio.VirtioDevice;
import dev.vessel.vmm.devices.virtio.Virtqueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;

/**
 * virtio-net (virtio 1.2, section 5.1) on a {@link NetBackend} (a {@link TapDevice} on hosts):
 * one receive queue, one transmit queue, a MAC address in the configuration space and no
 * offloads, so every frame is a plain Ethernet frame behind a 12-byte virtio_net_hdr of zeros
 * (num_buffers = 1 on receive).
 *
 * <p>Transmit runs on the vCPU thread that notified the queue. Receive runs on its own thread:
 * it polls the tap, holds one frame until the guest posts a buffer large enough, and wakes
 * when the guest notifies the receive queue.
 */
public final class VirtioNet implements VirtioDevice {

    public static final int DEVICE_TYPE = 1;
    static final int RX = 0, TX = 1;
    static final int QUEUE_SIZE = 256;
    static final long F_MAC = 1L << 5;
    static final int HDR = 12;
    /** Largest frame the tap can hand over without offloads: 64 KiB covers any MTU. */
    static final int MAX_FRAME = 65536;
    static final int POLL_MILLIS = 100;

    private static final System.Logger LOG = System.getLogger(VirtioNet.class.getName());

    private final NetBackend backend;
    private final byte[] mac;
    private final MemorySegment rxBuf = Arena.ofAuto().allocate(HDR + MAX_FRAME, 8);
    private final MemorySegment txBuf = Arena.ofAuto().allocate(HDR + MAX_FRAME, 8);
    // Views made once: the per-frame paths allocate nothing.
    private final MemorySegment rxHeader = rxBuf.asSlice(0, HDR);
    private final MemorySegment rxFrame = rxBuf.asSlice(HDR, MAX_FRAME);
    private final MemorySegment txFrame = txBuf.asSlice(HDR, MAX_FRAME);

    private Virtqueue rxQueue;
    private Virtqueue txQueue;
    private DeviceContext context;
    private volatile boolean running;
    private volatile Thread rxThread;
    /** Frames the tap refused (its queue full) or that no guest buffer could hold. */
    private volatile long dropped;

    public VirtioNet(NetBackend backend, byte[] mac) {
        if (mac.length != 6 || (mac[0] & 1) != 0) {
            throw new IllegalArgumentException("MAC " + HexFormat.ofDelimiter(":").formatHex(mac)
                    + " must be 6 bytes and unicast (low bit of the first byte clear)");
        }
        this.backend = backend;
        this.mac = mac.clone();
    }

    /** A random locally administered unicast MAC (02:xx:xx:xx:xx:xx style). */
    public static byte[] randomMac() {
        byte[] m = new byte[6];
        new SecureRandom().nextBytes(m);
        m[0] = (byte) ((m[0] & 0xFC) | 0x02);
        return m;
    }

    public NetBackend backend() {
        return backend;
    }

    public long droppedFrames() {
        return dropped;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        return F_MAC;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return 8; // mac[6], status u16 (only meaningful with VIRTIO_NET_F_STATUS, not offered)
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            int o = offset + i;
            v = (v << 8) | (o < 6 ? mac[o] & 0xFF : 0);
        }
        return v;
    }

    @Override
    public void activate(Virtqueue[] queues, long features, DeviceContext context) {
        this.rxQueue = queues[RX];
        this.txQueue = queues[TX];
        this.context = context;
        running = true;
        rxThread = Thread.ofPlatform().daemon().name("vessel-net-rx-" + backend.name()).start(this::receiveLoop);
    }

    @Override
    public void queueNotify(int queue) throws GuestViolation {
        if (queue == RX) {
            Thread t = rxThread;
            if (t != null) {
                LockSupport.unpark(t); // buffers arrived for a frame that may be waiting
            }
            return;
        }
        Virtqueue q = txQueue;
        synchronized (q) {
            for (DescriptorChain c = q.pop(); c != null; c = q.pop()) {
                transmit(c);
                q.push(c.head(), 0);
            }
            if (q.needsInterrupt()) {
                context.signalUsed(TX);
            }
        }
    }

    private void transmit(DescriptorChain c) throws GuestViolation {
        if (c.writableCount() != 0) {
            throw new GuestViolation("transmit chain has a device-writable buffer");
        }
        long len = c.readableBytes();
        if (len < HDR) {
            throw new GuestViolation("transmit chain of " + len + " bytes is shorter than the virtio_net_hdr");
        }
        if (len - HDR > MAX_FRAME) {
            dropped++; // larger than any frame a tap accepts: dropped like an oversized frame on a wire
            return;
        }
        c.readTo(0, txBuf, 0, len);
        long r = backend.write(txFrame, len - HDR);
        if (r < 0) {
            dropped++; // EAGAIN: the host side is not keeping up; Ethernet may drop
        }
    }

    private void receiveLoop() {
        long pending = 0; // length of the frame held in rxBuf after the header, 0 for none
        while (running) {
            if (pending == 0) {
                if (!backend.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                long n = backend.read(rxFrame);
                if (n <= 0) {
                    continue;
                }
                pending = n;
                rxHeader.fill((byte) 0);
                rxBuf.set(ValueLayout.JAVA_SHORT_UNALIGNED, 10, (short) 1); // num_buffers
            }
            try {
                if (deliver(HDR + pending)) {
                    pending = 0;
                } else {
                    LockSupport.parkNanos(POLL_MILLIS * 1_000_000L); // until the guest posts buffers
                }
            } catch (GuestViolation e) {
                context.fail("receive queue: " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "virtio-net receive failed", e);
                context.fail("internal error in receive: " + e);
                return;
            }
        }
    }

    /** Puts the held frame into the next receive buffer; false when the guest has none posted. */
    private boolean deliver(long length) throws GuestViolation {
        Virtqueue q = rxQueue;
        synchronized (q) {
            if (!running || context.failed()) {
                return true; // drop: the device is being reset
            }
            DescriptorChain c = q.pop();
            if (c == null) {
                return false;
            }
            if (c.readableCount() != 0) {
                throw new GuestViolation("receive buffer is device-readable");
            }
            if (c.writableBytes() < length) {
                // Without mergeable buffers the guest posts MTU-sized buffers; a bigger frame
                // cannot be delivered and is dropped, the buffer stays with the device.
                q.undoPop();
                dropped++;
                return true;
            }
            c.writeFrom(0, rxBuf, 0, length);
            q.push(c.head(), length);
            if (q.needsInterrupt()) {
                context.signalUsed(RX);
            }
            return true;
        }
    }

    @Override
    public void reset() {
        running = false;
        Thread t = rxThread;
        rxThread = null;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
