package dev.vessel.vmm.devices.virtio.blk;

import dev.vessel.vmm.devices.virtio.DescriptorChain;
import dev.vessel.vmm.devices.virtio.DeviceContext;
import dev.vessel.vmm.devices.virtio.GuestViolation;
import dev.vessel.vmm.devices.virtio.VirtioDevice;
import dev.vessel.vmm.devices.virtio.Virtqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * virtio-blk (virtio 1.2, section 5.2) on a raw {@link DiskImage}. Requests are served
 * synchronously on the vCPU thread that notified the queue.
 *
 * <p>A request is a readable header {type u32, reserved u32, sector u64}, data buffers
 * (readable for writes, writable for reads) and one writable status byte at the very end.
 * Requests the device cannot honour (out of range, read-only, I/O failure) complete with
 * IOERR; a request whose shape is impossible (no header, no status byte) is a guest violation.
 */
public final class VirtioBlk implements VirtioDevice {

    public static final int DEVICE_TYPE = 2;
    static final int QUEUE_SIZE = 256;

    static final long F_SEG_MAX = 1L << 2, F_RO = 1L << 5, F_BLK_SIZE = 1L << 6, F_FLUSH = 1L << 9;
    static final long F_DISCARD = 1L << 13, F_WRITE_ZEROES = 1L << 14;

    static final int T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13;
    static final int S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
    static final int ID_BYTES = 20;
    static final int WRITE_ZEROES_FLAG_UNMAP = 1;
    /** Largest discard/write-zeroes range per segment: 1 GiB in sectors. */
    static final int MAX_ZERO_SECTORS = 1 << 21;
    static final int CONFIG_SIZE = 60;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DiskImage image;
    private final byte[] id;
    private final ByteBuffer config = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    /** Header, status byte and discard segments are staged here: no allocation per request. */
    private final MemorySegment scratch = Arena.ofAuto().allocate(64, 8);

    private Virtqueue queue;
    private DeviceContext context;

    /** @param serial reported by GET_ID (the guest's /sys/block/vda/serial); at most 20 bytes are kept */
    public VirtioBlk(DiskImage image, String serial) {
        this.image = image;
        this.id = serial.getBytes(StandardCharsets.US_ASCII);
        long sectors = image.size() / DiskImage.SECTOR;
        config.putLong(0, sectors);                 // capacity
        config.putInt(12, QUEUE_SIZE - 2);          // seg_max: header and status take two descriptors
        config.putInt(20, DiskImage.SECTOR);        // blk_size
        config.putInt(36, MAX_ZERO_SECTORS);        // max_discard_sectors
        config.putInt(40, 1);                       // max_discard_seg
        config.putInt(44, 4096 / DiskImage.SECTOR); // discard_sector_alignment
        config.putInt(48, MAX_ZERO_SECTORS);        // max_write_zeroes_sectors
        config.putInt(52, 1);                       // max_write_zeroes_seg
        config.put(56, (byte) 1);                   // write_zeroes_may_unmap
    }

    public DiskImage image() {
        return image;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        long f = F_SEG_MAX | F_BLK_SIZE | F_FLUSH;
        return image.readOnly() ? f | F_RO : f | F_DISCARD | F_WRITE_ZEROES;
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
        return CONFIG_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (config.get(offset + i) & 0xFF);
        }
        return v;
    }

    @Override
    public void activate(Virtqueue[] queues, long features, DeviceContext context) {
        this.queue = queues[0];
        this.context = context;
    }

    @Override
    public void queueNotify(int index) throws GuestViolation {
        Virtqueue q = queue;
        synchronized (q) { // two vCPUs may kick the queue at once
            for (DescriptorChain c = q.pop(); c != null; c = q.pop()) {
                long written = serve(c);
                q.push(c.head(), written);
            }
            if (q.needsInterrupt()) {
                context.signalUsed(index);
            }
        }
    }

    /** Serves one request; returns the bytes written into the chain, status byte included. */
    private long serve(DescriptorChain c) throws GuestViolation {
        if (c.readableBytes() < 16) {
            throw new GuestViolation("block request header must be 16 device-readable bytes, got "
                    + c.readableBytes() + " (a device-writable header?)");
        }
        if (c.writableBytes() < 1) {
            throw new GuestViolation("block request has no device-writable status byte");
        }
        c.readTo(0, scratch, 0, 16);
        int type = scratch.get(INT, 0);
        long sector = scratch.get(LONG, 8);
        long dataIn = c.writableBytes() - 1;  // room for data the device writes
        long dataOut = c.readableBytes() - 16; // data the guest gives
        int status;
        long written = 0;
        try {
            switch (type) {
                case T_IN -> {
                    if (dataOut != 0) {
                        throw new GuestViolation("read request carries " + dataOut + " device-readable data bytes");
                    }
                    status = inRange(sector, dataIn) ? read(c, sector * DiskImage.SECTOR, dataIn) : S_IOERR;
                    written = status == S_OK ? dataIn : 0;
                }
                case T_OUT -> {
                    if (dataIn != 0) {
                        throw new GuestViolation("write request has " + dataIn + " device-writable data bytes");
                    }
                    status = image.readOnly() || !inRange(sector, dataOut) ? S_IOERR
                            : write(c, sector * DiskImage.SECTOR, dataOut);
                }
                case T_FLUSH -> {
                    image.flush();
                    status = S_OK;
                }
                case T_GET_ID -> {
                    long n = Math.min(Math.min(ID_BYTES, id.length), dataIn);
                    c.writeFrom(0, MemorySegment.ofArray(id), 0, n);
                    if (n < Math.min(ID_BYTES, dataIn)) {
                        scratch.fill((byte) 0);
                        c.writeFrom(n, scratch, 0, Math.min(ID_BYTES, dataIn) - n); // NUL-pad like the spec's string
                    }
                    written = Math.min(ID_BYTES, dataIn);
                    status = S_OK;
                }
                case T_DISCARD, T_WRITE_ZEROES -> status = image.readOnly() ? S_IOERR : zero(c, type, dataOut);
                default -> status = S_UNSUPP;
            }
        } catch (IOException e) {
            status = S_IOERR;
        }
        scratch.set(ValueLayout.JAVA_BYTE, 0, (byte) status);
        c.writeFrom(c.writableBytes() - 1, scratch, 0, 1);
        return written + 1;
    }

    private boolean inRange(long sector, long bytes) {
        long capacity = image.size() / DiskImage.SECTOR;
        return bytes % DiskImage.SECTOR == 0 && sector >= 0 && sector <= capacity
                && bytes / DiskImage.SECTOR <= capacity - sector;
    }

    /** Reads straight into the guest's writable buffers (zero copy), stopping before the status byte. */
    private int read(DescriptorChain c, long position, long length) throws IOException {
        long left = length;
        for (int i = c.readableCount(); i < c.count() && left > 0; i++) {
            long n = Math.min(c.length(i), left);
            image.read(c.hostAddress(i), n, position);
            position += n;
            left -= n;
        }
        return S_OK;
    }

    /** Writes the readable buffers after the 16-byte header straight from guest memory. */
    private int write(DescriptorChain c, long position, long length) throws IOException {
        long skip = 16;
        for (int i = 0; i < c.readableCount(); i++) {
            long len = c.length(i);
            if (skip >= len) {
                skip -= len;
                continue;
            }
            image.write(c.hostAddress(i) + skip, len - skip, position);
            position += len - skip;
            skip = 0;
        }
        return S_OK;
    }

    /** Discard and write-zeroes: segments of {sector u64, num_sectors u32, flags u32}. */
    private int zero(DescriptorChain c, int type, long dataOut) throws IOException, GuestViolation {
        if (dataOut == 0 || dataOut % 16 != 0) {
            throw new GuestViolation("discard/write-zeroes payload of " + dataOut + " bytes is not whole 16-byte segments");
        }
        for (long off = 16; off < 16 + dataOut; off += 16) {
            c.readTo(off, scratch, 16, 16);
            long sector = scratch.get(LONG, 16);
            long count = Integer.toUnsignedLong(scratch.get(INT, 24));
            int flags = scratch.get(INT, 28);
            if (count > MAX_ZERO_SECTORS || !inRange(sector, count * DiskImage.SECTOR)) {
                return S_IOERR;
            }
            boolean unmap = type == T_DISCARD || (flags & WRITE_ZEROES_FLAG_UNMAP) != 0;
            image.zero(sector * DiskImage.SECTOR, count * DiskImage.SECTOR, unmap);
        }
        return S_OK;
    }

    @Override
    public void reset() {
        // Requests are served synchronously on notify; nothing is in flight to cancel.
    }
}
