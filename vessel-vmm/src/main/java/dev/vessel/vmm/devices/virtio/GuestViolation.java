package dev.vessel.vmm.devices.virtio;

/**
 * The guest broke the virtio contract (a descriptor outside RAM, a loop, a wrong direction...).
 * Checked on purpose: it never leaves the virtio package's processing loop, where it is turned
 * into the device's DEVICE_NEEDS_RESET state by {@link DeviceContext#fail}.
 */
public final class GuestViolation extends Exception {

    public GuestViolation(String message) {
        super(message, null, false, false); // no stack trace: this is guest input, not a VMM bug
    }
}
