package dev.vessel.vmm.bus;

/** A level-triggered interrupt line from a device to the interrupt controller (PLIC, IOAPIC). */
@FunctionalInterface
public interface IrqLine {

    void set(boolean asserted);
}
