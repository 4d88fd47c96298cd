package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.MmioBus;
import dev.vessel.vmm.bus.MmioDevice;
import dev.vessel.vmm.cpu.riscv.Hart;
import dev.vessel.vmm.cpu.riscv.HartHost;
import dev.vessel.vmm.cpu.riscv.TimeBase;
import dev.vessel.vmm.devices.legacy.Uart16550;
import dev.vessel.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A riscv64 machine run by the software CPU: one thread per hart, devices on the MMIO bus,
 * SBI in Java when booting a kernel. {@link #run} returns how the guest ended (SBI SRST, the
 * power-off register, a fatal guest error or {@link #stop}).
 */
public final class Machine implements HartHost, AutoCloseable {

    private static final int IMAGE_MAGIC2 = 0x05435352; // "RSC\x05" at offset 0x38 of a Linux Image
    private static final long DEFAULT_TEXT_OFFSET = 0x20_0000L;
    private static final long TWO_MIB = 0x20_0000L;

    private final GuestMemory memory;
    private final MmioBus bus = new MmioBus();
    private final TimeBase time = new TimeBase();
    private final Hart[] harts;
    private final Sbi sbi;
    private final AtomicReference<ExitStatus> exit = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<MmioDevice> devices = new ArrayList<>();
    private final long dtbAddress;
    private final MmioDevice uart;

    public static MachineBuilder builder() {
        return new MachineBuilder();
    }

    Machine(MachineBuilder b) {
        memory = new GuestMemory(MachineBuilder.RAM_BASE, b.memorySize);
        harts = new Hart[b.cpus];
        for (int i = 0; i < harts.length; i++) {
            harts[i] = new Hart(i, memory, bus, time, this);
        }
        boolean boot = b.kernel != null;
        sbi = boot ? new Sbi(harts, memory, b.console, b.input, this::exit) : null;

        Plic plic = new Plic(harts);
        register(Clint.BASE, Clint.SIZE, new Clint(harts, time));
        register(Plic.BASE, Plic.SIZE, plic);
        register(TestFinisher.BASE, TestFinisher.SIZE, new TestFinisher(this::exit));
        uart = b.uart != null ? b.uart.apply(plic.line(MachineBuilder.UART_IRQ))
                : new Uart16550(b.console, plic.line(MachineBuilder.UART_IRQ));
        register(MachineBuilder.UART_BASE, b.uartSize, uart);
        List<PlatformTree.Slot> slots = new ArrayList<>();
        for (int i = 0; i < b.virtio.size(); i++) {
            PlatformTree.Slot slot = new PlatformTree.Slot(MachineBuilder.VIRTIO_BASE + i * 0x1000L, 0x1000, 1 + i);
            register(slot.base(), slot.size(), b.virtio.get(i).apply(memory, plic.line(slot.irq())));
            slots.add(slot);
        }

        long ramEnd = MachineBuilder.RAM_BASE + b.memorySize;
        dtbAddress = alignDown(ramEnd - 0x1_0000, TWO_MIB);
        long initrdStart = 0;
        long initrdEnd = 0;
        long imageEnd;
        if (boot) {
            long textOffset = DEFAULT_TEXT_OFFSET;
            long imageSize = b.kernel.length;
            ByteBuffer header = ByteBuffer.wrap(b.kernel).order(ByteOrder.LITTLE_ENDIAN);
            if (b.kernel.length >= 0x40 && header.getInt(0x38) == IMAGE_MAGIC2) {
                textOffset = header.getLong(0x08);
                imageSize = Math.max(imageSize, header.getLong(0x10));
            }
            long entry = MachineBuilder.RAM_BASE + textOffset;
            imageEnd = entry + imageSize;
            if (b.initrd != null) {
                initrdStart = alignDown(dtbAddress - b.initrd.length, 0x1000);
                initrdEnd = initrdStart + b.initrd.length;
            }
            long lowest = b.initrd != null ? initrdStart : dtbAddress;
            if (imageEnd > lowest) {
                memory.close();
                throw new IllegalArgumentException(String.format(
                        "memory %d MiB is too small for the kernel (%d KiB at 0x%x)%s: give the machine more memory",
                        b.memorySize >> 20, imageSize >> 10, entry, b.initrd != null ? " and the initrd (" + (b.initrd.length >> 10) + " KiB)" : ""));
            }
            copy(entry, b.kernel);
            if (b.initrd != null) {
                copy(initrdStart, b.initrd);
            }
            for (Hart h : harts) {
                h.configureAsFirmware(b.sstc);
                h.parkUntilStarted();
            }
            harts[0].reset(entry, 1, 0, dtbAddress);
            harts[0].start(entry, dtbAddress);
        } else {
            if (b.program.length > dtbAddress - MachineBuilder.RAM_BASE) {
                memory.close();
                throw new IllegalArgumentException("program of " + b.program.length + " bytes does not fit in memory");
            }
            copy(MachineBuilder.RAM_BASE, b.program);
            for (Hart h : harts) {
                h.reset(MachineBuilder.RAM_BASE, 3, h.id, dtbAddress);
            }
        }
        byte[] dtb = PlatformTree.build(new PlatformTree.Layout(MachineBuilder.RAM_BASE, b.memorySize, b.cpus, b.sstc,
                b.bootargs, initrdStart, initrdEnd, MachineBuilder.UART_BASE, b.uartSize, MachineBuilder.UART_IRQ, slots));
        copy(dtbAddress, dtb);
    }

    private void register(long base, long size, MmioDevice device) {
        bus.register(base, size, device);
        devices.add(device);
    }

    private void copy(long gpa, byte[] bytes) {
        MemorySegment.copy(bytes, 0, memory.segment(), ValueLayout.JAVA_BYTE, gpa - memory.base(), bytes.length);
    }

    private static long alignDown(long v, long alignment) {
        return v & -alignment;
    }

    /** Runs until the guest powers off or reboots, a fatal error, {@link #stop}, or the timeout. */
    public ExitStatus run(Duration timeout) throws InterruptedException {
        Thread[] threads = new Thread[harts.length];
        for (int i = 0; i < harts.length; i++) {
            threads[i] = Thread.ofPlatform().name("vessel-hart-" + i).daemon().start(harts[i]);
        }
        try {
            if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                exit(new ExitStatus(ExitStatus.Kind.TIMEOUT, 1, "machine still running after " + timeout));
            }
        } finally {
            for (Hart h : harts) {
                h.requestStop();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        return exit.get();
    }

    public ExitStatus run() throws InterruptedException {
        return run(Duration.ofNanos(Long.MAX_VALUE)); // about 292 years: no timeout
    }

    /** Stops the machine from outside (Ctrl-C, API); {@link #run} returns STOPPED. */
    public void stop() {
        exit(new ExitStatus(ExitStatus.Kind.STOPPED, 130, "machine stopped"));
    }

    private void exit(ExitStatus status) {
        if (exit.compareAndSet(null, status)) {
            finished.countDown();
        }
    }

    public Hart hart(int index) {
        return harts[index];
    }

    public int cpus() {
        return harts.length;
    }

    public GuestMemory memory() {
        return memory;
    }

    public MmioBus bus() {
        return bus;
    }

    /** The console device (a {@code Uart16550} unless the builder was given another), e.g. to feed it input. */
    public MmioDevice uart() {
        return uart;
    }

    public long dtbAddress() {
        return dtbAddress;
    }

    public List<MmioDevice> devices() {
        return List.copyOf(devices);
    }

    @Override
    public boolean supervisorCall(Hart hart) {
        return sbi != null && sbi.call(hart);
    }

    @Override
    public boolean firmwareless() {
        return sbi != null;
    }

    @Override
    public void fatal(Hart hart, String message, Throwable cause) {
        if (cause != null) {
            cause.printStackTrace(); // an emulator bug, not a guest one: keep the trace for the report
        }
        exit(ExitStatus.error("hart " + hart.id + ": " + message));
    }

    /** Frees guest RAM; only after {@link #run} has returned. */
    @Override
    public void close() {
        memory.close();
    }
}
