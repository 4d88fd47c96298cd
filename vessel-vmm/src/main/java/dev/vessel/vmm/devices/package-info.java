/**
 * Device models shared by every CPU backend. They see only guest RAM ({@code GuestMemory}),
 * register accesses through {@code MmioDevice} and an {@code IrqLine} to the interrupt
 * controller; none of them knows whether a software hart or KVM is on the other side.
 *
 * <p>Wiring on the riscv64 machine (the addresses the device tree must describe):
 * <pre>
 *   UART 16550A   bus.register(0x1000_0000, Uart16550.WINDOW_SIZE, new Uart16550(console, plic.line(10)))
 *                 DT: compatible "ns16550a", reg-shift 0, reg-io-width 1, clock-frequency (any, e.g. 3686400),
 *                 interrupts &lt;10&gt;. Host keyboard input goes in through Uart16550.receive().
 *   virtio slot i VirtioMmio t = new VirtioMmio(memory, device, plic.line(1 + i));
 *                 bus.register(0x1000_1000 + i * 0x1000, VirtioMmio.WINDOW_SIZE, t)
 *                 DT: compatible "virtio,mmio", reg &lt;base 0x1000&gt;, interrupts &lt;1 + i&gt;.
 *                 device = new VirtioBlk(DiskImage.open(path, readOnly), "vessel-disk-0")
 *                        | new VirtioNet(TapDevice.create("vessel%d"), VirtioNet.randomMac())
 *                        | new VirtioRng()
 *   shutdown      t.shutdown() stops device threads; close DiskImage and TapDevice after.
 * </pre>
 *
 * <p>Threads: register reads and writes come from vCPU threads; virtio requests are served on
 * the vCPU thread that wrote QueueNotify (virtio-net's receive side has its own thread).
 * A guest that breaks the virtio rules gets DEVICE_NEEDS_RESET, never an exception; see
 * {@code VirtioMmio#failure()} for the reason.
 */
package dev.vessel.vmm.devices;
