package dev.vessel.vmm.devices.virtio;

import dev.vessel.vmm.bus.IrqLine;
import dev.vessel.vmm.bus.MmioDevice;
import dev.vessel.vmm.memory.GuestMemory;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The virtio-mmio transport, version 2 ("modern", virtio 1.x only; section 4.2 of the spec).
 * Registers are 32-bit at offsets below 0x100; the device's configuration space starts at 0x100.
 *
 * <p>Guest mistakes never throw out of {@link #read}/{@link #write}: a broken queue or request
 * sets DEVICE_NEEDS_RESET and raises the configuration-change interrupt; the guest's driver
 * then resets the device (or gives up on it) and the VMM carries on.
 *
 * <p>Register access is serialized on this object; queue processing runs outside that lock so a
 * slow disk request does not stall other vCPUs reading InterruptStatus.
 */
public final class VirtioMmio implements MmioDevice, DeviceContext {

    public static final int WINDOW_SIZE = 0x1000;
    public static final int MAGIC = 0x74726976; // "virt"
    public static final int VENDOR = 0x4C535356; // "VSSL"

    static final int MAGIC_VALUE = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c;
    static final int DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044;
    static final int QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070;
    static final int QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084;
    static final int QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094;
    static final int QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4;
    static final int SHM_SEL = 0x0ac, SHM_LEN_LOW = 0x0b0, SHM_BASE_HIGH = 0x0bc;
    static final int CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;

    public static final int STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8, STATUS_NEEDS_RESET = 0x40, STATUS_FAILED = 0x80;
    public static final int INT_USED_BUFFER = 1, INT_CONFIG_CHANGE = 2;

    private static final System.Logger LOG = System.getLogger(VirtioMmio.class.getName());

    private final VirtioDevice device;
    private final IrqLine irq;
    private final Virtqueue[] queues;
    private final long offeredFeatures;
    /**
     * Notifications hold it shared, a reset holds it exclusive: a reset waits for requests in
     * flight on other vCPUs instead of pulling their queues away mid-request.
     */
    private final ReentrantReadWriteLock processing = new ReentrantReadWriteLock();

    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    private int status;
    private int interruptStatus;
    private int configGeneration;
    private volatile boolean failed;
    private volatile boolean active;
    private String failure;

    public VirtioMmio(GuestMemory memory, VirtioDevice device, IrqLine irq) {
        this.device = device;
        this.irq = irq;
        this.queues = new Virtqueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new Virtqueue(memory, device.queueMaxSize(i));
        }
        this.offeredFeatures = device.deviceFeatures() | VirtioFeatures.VERSION_1 | VirtioFeatures.RING_INDIRECT_DESC;
    }

    public VirtioDevice device() {
        return device;
    }

    /** Why the device entered DEVICE_NEEDS_RESET, or null. */
    public synchronized String failure() {
        return failure;
    }

    public synchronized int status() {
        return status;
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= CONFIG) {
            return readConfig((int) (offset - CONFIG), size);
        }
        if (size != 4 || (offset & 3) != 0) {
            return 0; // the spec allows only aligned 32-bit access to registers
        }
        synchronized (this) {
            return Integer.toUnsignedLong(readRegister((int) offset));
        }
    }

    private int readRegister(int offset) {
        Virtqueue q = selectedQueue();
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> 2;
            case DEVICE_ID -> device.deviceType();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> switch (deviceFeaturesSel) {
                case 0 -> (int) offeredFeatures;
                case 1 -> (int) (offeredFeatures >>> 32);
                default -> 0;
            };
            case QUEUE_NUM_MAX -> q == null ? 0 : q.maxSize();
            case QUEUE_READY -> q != null && q.ready() ? 1 : 0;
            case INTERRUPT_STATUS -> interruptStatus;
            case STATUS -> status;
            case QUEUE_DESC_LOW -> q == null ? 0 : (int) q.descAddr();
            case QUEUE_DESC_HIGH -> q == null ? 0 : (int) (q.descAddr() >>> 32);
            case QUEUE_DRIVER_LOW -> q == null ? 0 : (int) q.availAddr();
            case QUEUE_DRIVER_HIGH -> q == null ? 0 : (int) (q.availAddr() >>> 32);
            case QUEUE_DEVICE_LOW -> q == null ? 0 : (int) q.usedAddr();
            case QUEUE_DEVICE_HIGH -> q == null ? 0 : (int) (q.usedAddr() >>> 32);
            // No shared memory regions: a length of all ones means "region absent".
            case SHM_LEN_LOW, SHM_LEN_LOW + 4, SHM_LEN_LOW + 8, SHM_BASE_HIGH -> -1;
            case CONFIG_GENERATION -> configGeneration;
            default -> 0;
        };
    }

    private long readConfig(int offset, int size) {
        if (size <= 0 || offset + size > device.configSize()) {
            return 0;
        }
        return device.readConfig(offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= CONFIG) {
            int off = (int) (offset - CONFIG);
            if (size > 0 && off + size <= device.configSize()) {
                device.writeConfig(off, size, value);
            }
            return;
        }
        if (size != 4 || (offset & 3) != 0) {
            return;
        }
        int v = (int) value;
        if (offset == QUEUE_NOTIFY) {
            notifyQueue(v);
            return;
        }
        if (offset == STATUS && v == 0) {
            reset();
            return;
        }
        synchronized (this) {
            writeRegister((int) offset, v);
        }
    }

    private void writeRegister(int offset, int v) {
        Virtqueue q = selectedQueue();
        // Queue layout may change only while the queue is not ready (section 4.2.2.2).
        boolean queueWritable = q != null && !q.ready() && (status & STATUS_DRIVER_OK) == 0;
        switch (offset) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
            case DRIVER_FEATURES -> {
                if ((status & STATUS_FEATURES_OK) == 0 && (driverFeaturesSel == 0 || driverFeaturesSel == 1)) {
                    int shift = 32 * driverFeaturesSel;
                    driverFeatures = (driverFeatures & ~(0xFFFFFFFFL << shift)) | (Integer.toUnsignedLong(v) << shift);
                }
            }
            case QUEUE_SEL -> queueSel = v;
            case QUEUE_NUM -> { if (queueWritable) q.setSize(v); }
            case QUEUE_DESC_LOW -> { if (queueWritable) q.setDescAddr(low(q.descAddr(), v)); }
            case QUEUE_DESC_HIGH -> { if (queueWritable) q.setDescAddr(high(q.descAddr(), v)); }
            case QUEUE_DRIVER_LOW -> { if (queueWritable) q.setAvailAddr(low(q.availAddr(), v)); }
            case QUEUE_DRIVER_HIGH -> { if (queueWritable) q.setAvailAddr(high(q.availAddr(), v)); }
            case QUEUE_DEVICE_LOW -> { if (queueWritable) q.setUsedAddr(low(q.usedAddr(), v)); }
            case QUEUE_DEVICE_HIGH -> { if (queueWritable) q.setUsedAddr(high(q.usedAddr(), v)); }
            case QUEUE_READY -> setQueueReady(q, v);
            case INTERRUPT_ACK -> {
                interruptStatus &= ~v;
                updateIrq();
            }
            case STATUS -> writeStatus(v);
            default -> { }
        }
    }

    /** QueueSel is guest-written and unsigned: anything past the last queue selects none. */
    private Virtqueue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    private static long low(long old, int v) {
        return (old & 0xFFFFFFFF00000000L) | Integer.toUnsignedLong(v);
    }

    private static long high(long old, int v) {
        return (old & 0xFFFFFFFFL) | ((long) v << 32);
    }

    private void setQueueReady(Virtqueue q, int v) {
        if (q == null) {
            return;
        }
        if ((v & 1) == 0) {
            q.disable();
            return;
        }
        if (q.ready() || failed) {
            return;
        }
        try {
            q.enable((driverFeatures & VirtioFeatures.RING_INDIRECT_DESC) != 0);
        } catch (GuestViolation e) {
            failLocked("queue " + queueSel + ": " + e.getMessage());
        }
    }

    private void writeStatus(int v) {
        int added = v & ~status;
        if ((added & STATUS_FEATURES_OK) != 0 && !featuresAcceptable()) {
            v &= ~STATUS_FEATURES_OK; // the driver reads Status back and learns the features were refused
        }
        // DEVICE_NEEDS_RESET belongs to the device; the driver cannot set or clear it.
        status = (v & ~STATUS_NEEDS_RESET) | (status & STATUS_NEEDS_RESET);
        if ((added & STATUS_DRIVER_OK) != 0 && (status & STATUS_FEATURES_OK) != 0 && !active && !failed) {
            // Queues the driver left unconfigured stay not-ready; the device checks before use.
            active = true;
            device.activate(queues, driverFeatures, this);
        }
    }

    private boolean featuresAcceptable() {
        if ((driverFeatures & ~offeredFeatures) != 0) {
            LOG.log(System.Logger.Level.WARNING, "virtio {0}: driver asked for features 0x{1} not offered",
                    device.deviceType(), Long.toHexString(driverFeatures & ~offeredFeatures));
            return false;
        }
        return (driverFeatures & VirtioFeatures.VERSION_1) != 0; // legacy drivers are not supported
    }

    /**
     * Device reset (Status := 0). The device is stopped outside this object's lock: a device
     * thread may be blocked in {@link #signalUsed} and must be able to finish before it is joined.
     */
    private void reset() {
        processing.writeLock().lock();
        try {
            boolean wasActive;
            synchronized (this) {
                wasActive = active;
                active = false;
            }
            if (wasActive) {
                device.reset();
            }
            synchronized (this) {
                resetLocked();
            }
        } finally {
            processing.writeLock().unlock();
        }
    }

    private void resetLocked() {
        failed = false;
        failure = null;
        for (Virtqueue q : queues) {
            q.reset();
        }
        status = 0;
        driverFeatures = 0;
        deviceFeaturesSel = driverFeaturesSel = queueSel = 0;
        interruptStatus = 0;
        updateIrq();
    }

    private void notifyQueue(int index) {
        processing.readLock().lock();
        try {
            // Notifications before DRIVER_OK, after a failure or for unknown queues are ignored.
            if (!active || failed || index < 0 || index >= queues.length || !queues[index].ready()) {
                return;
            }
            device.queueNotify(index);
        } catch (GuestViolation e) {
            fail("queue " + index + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug in a device model must not take the vCPU thread down with it.
            LOG.log(System.Logger.Level.ERROR, "virtio device " + device.deviceType() + " failed", e);
            fail("internal error in device: " + e);
        } finally {
            processing.readLock().unlock();
        }
    }

    @Override
    public synchronized void signalUsed(int queue) {
        if (failed || !active) {
            return;
        }
        interruptStatus |= INT_USED_BUFFER;
        updateIrq();
    }

    @Override
    public synchronized void configChanged() {
        configGeneration++;
        interruptStatus |= INT_CONFIG_CHANGE;
        updateIrq();
    }

    @Override
    public synchronized void fail(String reason) {
        failLocked(reason);
    }

    private void failLocked(String reason) {
        if (failed) {
            return;
        }
        failed = true;
        failure = reason;
        LOG.log(System.Logger.Level.WARNING, "virtio device {0} needs reset: {1}", device.deviceType(), reason);
        status |= STATUS_NEEDS_RESET;
        configGeneration++;
        interruptStatus |= INT_CONFIG_CHANGE;
        updateIrq();
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void updateIrq() {
        irq.set(interruptStatus != 0);
    }

    /** Stops device threads when the machine shuts down. */
    public void shutdown() {
        reset();
    }
}
