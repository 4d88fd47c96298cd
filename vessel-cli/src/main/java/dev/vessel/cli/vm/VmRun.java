package dev.vessel.cli.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vessel vm run}: boots a machine, runs one command in it and exits with that command's status. */
@Command(name = "run", description = "Boot a virtual machine (software RV64GC CPU; Linux 6.1 and busybox built from Debian's"
        + " sources on first use), run COMMAND in it and exit with its status. Ctrl-C or SIGTERM stop the machine.")
final class VmRun implements Callable<Integer> {

    @Option(names = "--cpus", paramLabel = "N", description = "number of virtual CPUs (harts), 1-32 (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    String cpus;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE",
            description = "guest RAM, e.g. 256m or 1g; at least 64m (default: ${DEFAULT-VALUE})",
            defaultValue = "256m")
    String memory;

    @Option(names = "--disk", paramLabel = "FILE[,ro]", description = "raw disk image as /dev/vda, /dev/vdb, ... (repeatable)")
    List<String> disks = new ArrayList<>();

    @Option(names = "--net", paramLabel = "tap|tap:NAME|bridge:NAME",
            description = "virtio-net on a new tap (deleted when the machine stops), optionally on a bridge")
    String net;

    @Option(names = "--kernel", paramLabel = "IMAGE",
            description = "riscv64 Linux Image to boot (default: Vessel's, built on first use)")
    String kernel;

    @Option(names = "--initrd", paramLabel = "FILE",
            description = "initramfs to use instead of Vessel's (its console is shown as is)")
    String initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "more kernel command-line arguments")
    String append;

    @Option(names = "--boot-log", description = "show the kernel's messages (Vessel's guest boots with 'quiet' otherwise)")
    boolean bootLog;

    @Option(names = "--rm", description = "accepted as with 'vessel run'; a VM run keeps no state, so there is nothing to remove")
    boolean rm;

    @Option(names = {"-i", "--interactive"}, description = "send stdin to the guest console (a shell when no COMMAND is given)")
    boolean interactive;

    @Option(names = {"-t", "--tty"},
            description = "put the terminal in raw mode, so keys (also Ctrl-C) go to the guest; Ctrl-] stops the machine")
    boolean tty;

    @Parameters(paramLabel = "COMMAND", description = "command and arguments to run in the guest")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        VmSpec spec = VmSpec.of(cpus, memory, disks, net, kernel, initrd, append, interactive, tty, command);
        return new GuestRun(spec, bootLog).run();
    }
}
