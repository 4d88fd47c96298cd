package dev.vessel.cli.vm;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.vmm.devices.legacy.Uart16550;
import dev.vessel.vmm.devices.virtio.VirtioMmio;
import dev.vessel.vmm.devices.virtio.blk.DiskImage;
import dev.vessel.vmm.devices.virtio.blk.VirtioBlk;
import dev.vessel.vmm.devices.virtio.net.TapDevice;
import dev.vessel.vmm.devices.virtio.net.VirtioNet;
import dev.vessel.vmm.devices.virtio.rng.VirtioRng;
import dev.vessel.vmm.guest.GuestAssets;
import dev.vessel.vmm.guest.GuestConsole;
import dev.vessel.vmm.machine.ExitStatus;
import dev.vessel.vmm.machine.Machine;
import dev.vessel.vmm.machine.MachineBuilder;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code vessel vm run}: resolves the guest (building Vessel's kernel and busybox on first
 * use), opens the disks and the tap, boots, wires the console to the terminal, and tears it all
 * down in reverse order however the run ends, including on SIGINT/SIGTERM, where the JVM's
 * shutdown hook stops the machine and waits for this teardown before the process exits.
 */
final class GuestRun {

    /** Linux's riscv COMMAND_LINE_SIZE is 1024; longer commands go into a per-command initramfs instead. */
    static final int MAX_BOOTARGS = 1000;
    static final String BASE_BOOTARGS = "console=ttyS0 earlycon=sbi panic=-1";

    private final VmSpec spec;
    private final boolean bootLog;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<VirtioMmio> transports = new ArrayList<>();
    private final CountDownLatch tornDown = new CountDownLatch(1);
    private volatile Machine machine;
    private volatile boolean signalled;
    private HostTerminal terminal;
    private String tapNote;

    GuestRun(VmSpec spec, boolean bootLog) {
        this.spec = spec;
        this.bootLog = bootLog;
    }

    int run() throws Exception {
        terminal = spec.tty() ? HostTerminal.of() : null; // fails when stdin is no tty, before anything else exists
        Thread hook = Thread.ofPlatform().unstarted(this::onSignal);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return boot();
        } finally {
            teardown();
            if (terminal != null) {
                terminal.restore();
            }
            tornDown.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down because of a signal: the hook is running and waits for tornDown.
            }
        }
    }

    private int boot() throws Exception {
        Guest guest;
        try {
            guest = guest();
        } catch (IOException e) {
            throw new RuntimeError("vm: preparing the guest: " + e.getMessage(), e);
        }
        return boot(guest.kernel(), guest.initrd(), guest.bootargs());
    }

    private record Guest(Path kernel, Path initrd, String bootargs) { }

    /** What to boot: the user's files or Vessel's (built on first use), and how the command gets in. */
    private Guest guest() throws IOException {
        GuestAssets assets = GuestAssets.standard();
        List<String> command = spec.command();
        if (spec.interactive() && !spec.tty() && !command.isEmpty()) {
            // Piped input reaches the guest through its console tty, whose echo would repeat it on stdout.
            command = new ArrayList<>(List.of("sh", "-c", InputGate.WRAPPER, "sh"));
            command.addAll(spec.command());
        }
        Path kernel = spec.kernel().isPresent() ? spec.kernel().get() : assets.kernel();
        String bootargs = bootargs();
        Path initrd;
        if (spec.initrd().isPresent()) {
            initrd = spec.initrd().get();
            if (!command.isEmpty()) {
                // For an initramfs made by Vessel (or one that reads the same parameter); others ignore it.
                bootargs = bootargs + " " + GuestAssets.commandParameter(command);
            }
        } else if (command.isEmpty()) {
            initrd = assets.initramfs(List.of()); // no command: /init starts a shell
        } else {
            String withCommand = bootargs + " " + GuestAssets.commandParameter(command);
            if (withCommand.length() <= MAX_BOOTARGS) {
                initrd = assets.initramfs(List.of()); // shared by all commands; the command rides on the command line
                bootargs = withCommand;
            } else {
                initrd = assets.initramfs(command);
            }
        }
        return new Guest(kernel, initrd, bootargs);
    }

    private int boot(Path kernel, Path initrd, String bootargs) throws Exception {
        // Vessel's /init frames the command's output with markers; a foreign initrd's console is shown whole.
        boolean vesselInit = spec.initrd().isEmpty();
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        LineEnds shown = spec.tty() ? LineEnds.forRawTerminal(stdout) : LineEnds.forPipeOrCookedTerminal(stdout);
        boolean piped = spec.interactive() && !spec.tty() && vesselInit && !spec.command().isEmpty();
        InputGate gate = piped ? new InputGate(shown) : null;
        GuestConsole console = new GuestConsole(gate != null ? gate : shown, bootLog || !vesselInit);

        MachineBuilder builder = Machine.builder().kernel(Files.readAllBytes(kernel)).initrd(Files.readAllBytes(initrd))
                .memory(spec.memoryBytes()).cpus(spec.cpus()).bootargs(bootargs).console(console, null);
        attachDevices(builder);
        try {
            machine = builder.build();
        } catch (IllegalArgumentException e) {
            throw new RuntimeError("--memory: " + e.getMessage()); // the kernel and initrd do not fit
        }
        if (tapNote != null) {
            System.err.println(tapNote); // only once the machine exists: a refused run prints its one line alone
        }
        Machine m = machine;
        if (signalled) {
            m.stop(); // the signal came while the machine was being built: run() returns at once
        }
        if (terminal != null) {
            terminal.raw(); // only now: the progress of a first-use build is printed to a cooked terminal
        }
        ConsoleInput.GuestReady ready = gate != null ? gate::await
                : vesselInit ? millis -> console.awaitReady(millis, TimeUnit.MILLISECONDS)
                : millis -> true; // a foreign initrd gives no sign; input sent during boot may be lost
        ConsoleInput input = spec.interactive() ? ConsoleInput.start(System.in, (Uart16550) m.uart(), spec.tty(), m::stop, ready)
                : null;
        ExitStatus status = m.run();
        if (input != null) {
            input.stop();
        }
        shown.finish();
        return exitCode(status, console, vesselInit);
    }

    private String bootargs() {
        String args = BASE_BOOTARGS + (bootLog ? "" : " quiet");
        return spec.append().isEmpty() ? args : args + " " + spec.append();
    }

    private void attachDevices(MachineBuilder builder) throws IOException {
        int index = 0;
        for (VmSpec.Disk disk : spec.disks()) {
            DiskImage image;
            try {
                image = DiskImage.open(disk.path(), disk.readOnly());
            } catch (IOException e) {
                throw new RuntimeError("--disk " + disk.path() + ": " + e.getMessage(), e);
            }
            opened.add(image);
            String serial = "vessel-disk" + index++;
            builder.virtio((memory, irq) -> transport(new VirtioMmio(memory, new VirtioBlk(image, serial), irq)));
        }
        if (spec.net().isPresent()) {
            VmSpec.Net net = spec.net().get();
            TapDevice tap;
            try {
                tap = TapDevice.create(net.tapName());
                opened.add(tap); // closing the last descriptor deletes the tap: nothing is left behind
                if (net.bridge().isPresent()) {
                    tap.attachTo(net.bridge().get());
                }
            } catch (IOException e) {
                throw new RuntimeError("--net: " + e.getMessage(), e);
            }
            tapNote = "vessel: guest eth0 is on tap " + tap.name() + net.bridge().map(b -> " (bridge " + b + ")").orElse("");
            builder.virtio((memory, irq) -> transport(new VirtioMmio(memory, new VirtioNet(tap, VirtioNet.randomMac()), irq)));
        }
        builder.virtio((memory, irq) -> transport(new VirtioMmio(memory, new VirtioRng(), irq)));
    }

    private VirtioMmio transport(VirtioMmio t) {
        transports.add(t);
        return t;
    }

    private int exitCode(ExitStatus status, GuestConsole console, boolean vesselInit) {
        switch (status.kind()) {
            case POWER_OFF -> {
                // /init reports the command's status on the console; the power-off code is the fallback.
                return console.exitStatus().orElse(status.code());
            }
            case STOPPED -> {
                return 130;
            }
            default -> {
                boolean started = console.readyNanos() != 0;
                if (vesselInit && !bootLog && !started) {
                    // The kernel's messages were hidden; show how far it got.
                    console.bootTail().forEach(line -> System.err.println("vessel: guest: " + line));
                }
                if (status.kind() == ExitStatus.Kind.REBOOT) {
                    // Booted with panic=-1, a panicking kernel reboots at once: that is a failure, not a status.
                    throw new RuntimeError("vm: the guest rebooted" + (started ? "" : " before its command started (a kernel panic?)")
                            + "; the machine stops instead of rebooting");
                }
                throw new RuntimeError("vm: " + status.message());
            }
        }
    }

    /** Stops device threads before guest RAM goes, then closes files and the tap; safe to call twice. */
    private synchronized void teardown() {
        for (VirtioMmio t : transports) {
            t.shutdown();
        }
        transports.clear();
        Machine m = machine;
        machine = null;
        if (m != null) {
            m.close();
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                System.err.println("vessel: closing " + opened.get(i) + ": " + e.getMessage());
            }
        }
        opened.clear();
    }

    /** SIGINT/SIGTERM (the JVM runs shutdown hooks for both): stop the machine, wait for the teardown. */
    private void onSignal() {
        signalled = true; // before reading machine: boot() sets machine, then reads this
        Machine m = machine;
        if (m != null) {
            m.stop();
        }
        try {
            if (!tornDown.await(10, TimeUnit.SECONDS)) {
                System.err.println("vessel: the machine did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
