package dev.vessel.vmm.devices.virtio;

/**
 * A virtio device behind a transport. The transport owns feature negotiation, queue setup,
 * status and interrupts; the device owns its queues' contents and its configuration space.
 * Queue notifications arrive on vCPU threads; a device that also works on its own thread
 * (virtio-net receive) synchronizes on the queue it touches.
 */
public interface VirtioDevice {

    /** Virtio device type: 1 net, 2 block, 4 entropy. */
    int deviceType();

    /** Device-specific feature bits (bits 0-23 and above 41); the transport adds VERSION_1 and ring features. */
    long deviceFeatures();

    int queueCount();

    /** Largest queue size the device accepts for queue {@code index} (a power of two). */
    int queueMaxSize(int index);

    /** Size of the configuration space in bytes. */
    int configSize();

    /** Little-endian read of {@code size} bytes at {@code offset}; the transport checked the bounds. */
    long readConfig(int offset, int size);

    /** Most devices have a read-only configuration space; writes are ignored by default. */
    default void writeConfig(int offset, int size, long value) {
    }

    /**
     * The driver set DRIVER_OK: queues are validated and ready. Called with the negotiated
     * features; the device may start threads here.
     */
    void activate(Virtqueue[] queues, long features, DeviceContext context);

    /** The guest made buffers available on {@code queue} (called on a vCPU thread). */
    void queueNotify(int queue) throws GuestViolation;

    /** The driver wrote 0 to Status, or the machine stops: drop all queue state, stop threads. */
    void reset();
}
