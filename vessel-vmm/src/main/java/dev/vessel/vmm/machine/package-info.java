/**
 * Vessel's riscv64 machine for the software CPU, laid out like QEMU's "virt" so a stock kernel
 * needs nothing special: RAM at 0x8000_0000, CLINT at 0x0200_0000 (10 MHz timebase), PLIC at
 * 0x0c00_0000 (sources 1..31, an M and an S context per hart), the power-off register at
 * 0x0010_0000, the 16550A at 0x1000_0000 (IRQ 10) and eight virtio-mmio slots from 0x1000_1000
 * (IRQ 1 + slot). {@link dev.vessel.vmm.machine.MachineBuilder} assembles it,
 * {@code PlatformTree} writes the device tree through {@link dev.vessel.vmm.machine.DeviceTree}.
 *
 * <p>Firmware: none. The kernel is entered in S-mode (a0 = hart id, a1 = DTB address, Image
 * at RAM + text_offset) with the machine-mode state firmware would leave (delegations,
 * counter access, Sstc enabled), and its SBI calls are served in Java by {@code Sbi}: BASE,
 * TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy console. Compared with running OpenSBI in
 * M-mode this costs no emulated M-mode code on timer ticks and IPIs and needs no firmware
 * build; the interface is small and fixed by the SBI specification.
 *
 * <p>{@link dev.vessel.vmm.machine.Machine#run} starts one thread per hart and returns an
 * {@link dev.vessel.vmm.machine.ExitStatus}: power-off (SBI SRST, or the power-off register
 * with QEMU sifive_test values), reboot, a fatal guest error, stop or timeout.
 */
package dev.vessel.vmm.machine;
