package dev.vessel.vmm.devices.virtio;

/** What a virtio device may ask of its transport, from any thread. */
public interface DeviceContext {

    /** The device used buffers of {@code queue}: raise the used-buffer interrupt if the guest wants one. */
    void signalUsed(int queue);

    /** The device's configuration space changed: bump ConfigGeneration and raise the config interrupt. */
    void configChanged();

    /**
     * The guest broke the contract (or the device hit an internal fault): stop processing, set
     * DEVICE_NEEDS_RESET and tell the guest. The reason goes to the VMM's log.
     */
    void fail(String reason);

    /** True after {@link #fail} until the guest resets the device. */
    boolean failed();
}
