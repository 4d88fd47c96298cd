package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.IrqLine;
import dev.vessel.vmm.bus.MmioDevice;
import dev.vessel.vmm.devices.legacy.Uart16550;
import dev.vessel.vmm.memory.GuestMemory;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Assembles a riscv64 machine: RAM at 0x8000_0000, CLINT, PLIC, UART (IRQ 10), the power-off
 * register and up to eight virtio-mmio slots (0x1000_1000 + i*0x1000, IRQ 1+i). It boots either
 * a Linux {@code Image} in S-mode with SBI provided by Java, or (for tests) a bare program in
 * M-mode at the start of RAM on every hart.
 */
public final class MachineBuilder {

    public static final long RAM_BASE = 0x8000_0000L;
    public static final long UART_BASE = 0x1000_0000L;
    public static final int UART_IRQ = 10;
    public static final long VIRTIO_BASE = 0x1000_1000L;
    public static final int VIRTIO_SLOTS = 8;

    long memorySize = 256L << 20;
    int cpus = 1;
    byte[] kernel;
    byte[] initrd;
    byte[] program;
    String bootargs = "console=ttyS0 earlycon=sbi";
    OutputStream console = System.out;
    InputStream input;
    boolean sstc = true;
    Function<IrqLine, MmioDevice> uart;
    long uartSize = Uart16550.WINDOW_SIZE;
    final List<BiFunction<GuestMemory, IrqLine, MmioDevice>> virtio = new ArrayList<>();

    MachineBuilder() {
    }

    public MachineBuilder memory(long bytes) {
        if (bytes < (16L << 20) || bytes > (64L << 30) || (bytes & 0xfff) != 0) {
            throw new IllegalArgumentException("memory " + bytes + " bytes: use a multiple of 4 KiB between 16 MiB and 64 GiB");
        }
        this.memorySize = bytes;
        return this;
    }

    public MachineBuilder cpus(int n) {
        if (n < 1 || n > 32) {
            throw new IllegalArgumentException("cpus " + n + ": use 1 to 32");
        }
        this.cpus = n;
        return this;
    }

    /** A riscv64 Linux {@code Image}, loaded at RAM base + its text_offset (0x8020_0000). */
    public MachineBuilder kernel(byte[] image) {
        this.kernel = Objects.requireNonNull(image);
        return this;
    }

    public MachineBuilder initrd(byte[] image) {
        this.initrd = image;
        return this;
    }

    public MachineBuilder bootargs(String args) {
        this.bootargs = Objects.requireNonNull(args);
        return this;
    }

    /** Runs {@code code} from the start of RAM in M-mode on all harts (a0 = hart id, a1 = DTB); no SBI. */
    public MachineBuilder program(byte[] code) {
        this.program = Objects.requireNonNull(code);
        return this;
    }

    /** Where the console (UART and SBI console) writes, and where it reads from. */
    public MachineBuilder console(OutputStream out, InputStream in) {
        this.console = Objects.requireNonNull(out);
        this.input = in;
        return this;
    }

    /** Whether the harts offer Sstc (stimecmp); on by default, so timer ticks need no SBI call. */
    public MachineBuilder sstc(boolean enabled) {
        this.sstc = enabled;
        return this;
    }

    /** Replaces the default 16550A console with another device on the same window and IRQ. */
    public MachineBuilder uart(Function<IrqLine, MmioDevice> factory, long windowSize) {
        this.uart = Objects.requireNonNull(factory);
        this.uartSize = windowSize;
        return this;
    }

    /** Adds a virtio-mmio transport in the next free slot; the factory receives guest RAM and the slot's IRQ line. */
    public MachineBuilder virtio(BiFunction<GuestMemory, IrqLine, MmioDevice> factory) {
        if (virtio.size() == VIRTIO_SLOTS) {
            throw new IllegalArgumentException("virtio: all " + VIRTIO_SLOTS + " slots are in use");
        }
        virtio.add(Objects.requireNonNull(factory));
        return this;
    }

    public Machine build() {
        if ((kernel == null) == (program == null)) {
            throw new IllegalStateException("machine: give exactly one of a kernel image or a bare program");
        }
        return new Machine(this);
    }
}
