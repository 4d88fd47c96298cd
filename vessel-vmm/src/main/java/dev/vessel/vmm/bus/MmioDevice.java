package dev.vessel.vmm.bus;

/**
 * A device register window on the guest's physical address space. Devices know nothing of the
 * CPU backend (software RISC-V or KVM) that calls them. Offsets are relative to the window's
 * base; sizes are 1, 2, 4 or 8 bytes; values are little-endian, zero-extended.
 */
public interface MmioDevice {

    long read(long offset, int size);

    void write(long offset, int size, long value);
}
