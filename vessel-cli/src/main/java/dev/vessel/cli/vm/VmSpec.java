package dev.vessel.cli.vm;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code vessel vm run} was asked for, checked once here: every later step can trust it,
 * and every refusal is one line naming the flag, the value and what to do, before anything
 * (tap, file, thread) exists that would need undoing.
 */
record VmSpec(int cpus, long memoryBytes, List<Disk> disks, Optional<Net> net, Optional<Path> kernel,
              Optional<Path> initrd, String append, boolean interactive, boolean tty, List<String> command) {

    /** Below this Linux 6.1 with the default initramfs cannot come up (the kernel alone reserves ~40 MiB). */
    static final long MIN_MEMORY = 64L << 20;
    static final long MAX_MEMORY = 64L << 30;
    static final int MAX_CPUS = 32;
    static final int MAX_DISKS = 6; // eight virtio slots: disks, one net, one rng

    record Disk(Path path, boolean readOnly) { }

    /** {@code tap} (a fresh vessel%d tap), {@code tap:NAME} or {@code bridge:NAME} (fresh tap on that bridge). */
    record Net(String tapName, Optional<String> bridge) { }

    static VmSpec of(String cpus, String memory, List<String> disks, String net, String kernel, String initrd,
                     String append, boolean interactive, boolean tty, List<String> command) {
        if (tty && !interactive) {
            throw new RuntimeError("-t: a terminal needs the input too; use -it");
        }
        if (command.isEmpty() && !interactive) {
            throw new RuntimeError("vm run: no command; give one after -- (vessel vm run -- uname -a) or use -it for a shell");
        }
        List<Disk> parsed = new ArrayList<>();
        for (String d : disks) {
            parsed.add(disk(d));
        }
        if (parsed.size() > MAX_DISKS) {
            throw new RuntimeError("--disk: " + parsed.size() + " disks given, the machine has room for " + MAX_DISKS);
        }
        return new VmSpec(cpus(cpus), memory(memory), List.copyOf(parsed), net == null ? Optional.empty() : Optional.of(net(net)),
                file("--kernel", kernel), file("--initrd", initrd), append == null ? "" : append.trim(),
                interactive, tty, List.copyOf(command));
    }

    static int cpus(String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_CPUS) {
            throw new RuntimeError("--cpus " + value + ": give a whole number from 1 to " + MAX_CPUS);
        }
        return n;
    }

    /** Sizes as docker and QEMU take them: 512m, 1g, 1024k, or bytes; a plain number under 1 MiB means MiB (QEMU -m). */
    static long memory(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("ib")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 0;
            }
            if (unit != 0) {
                v = v.substring(0, v.length() - 1);
            }
        }
        long bytes;
        try {
            long n = Long.parseLong(v);
            bytes = unit == 0 ? (n < (1L << 20) ? n << 20 : n) : Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new RuntimeError("--memory " + value + ": not a size; use e.g. 256m or 1g");
        }
        if (bytes < MIN_MEMORY) {
            throw new RuntimeError("--memory " + value + ": too small for the guest kernel; give at least 64m");
        }
        if (bytes > MAX_MEMORY) {
            throw new RuntimeError("--memory " + value + ": more than the machine supports; give at most 64g");
        }
        if ((bytes & 0xfff) != 0) {
            throw new RuntimeError("--memory " + value + ": not a whole number of 4 KiB pages; use e.g. 256m");
        }
        return bytes;
    }

    static Disk disk(String value) {
        String file = value;
        boolean readOnly = false;
        int comma = value.lastIndexOf(',');
        if (comma >= 0 && !Files.isRegularFile(Path.of(value))) { // a file name may hold a comma itself
            String option = value.substring(comma + 1);
            if (!option.equals("ro") && !option.equals("rw")) {
                throw new RuntimeError("--disk " + value + ": unknown option \"" + option + "\"; use FILE or FILE,ro");
            }
            readOnly = option.equals("ro");
            file = value.substring(0, comma);
        }
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new RuntimeError("--disk " + file + ": no such file; create an image first (truncate -s 1G " + file + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw new RuntimeError("--disk " + file + ": not a regular file; give a raw disk image file");
        }
        return new Disk(path, readOnly);
    }

    static Net net(String value) {
        if (value.equals("tap")) {
            return new Net("vessel%d", Optional.empty());
        }
        if (value.startsWith("tap:") && validName(value.substring(4))) {
            return new Net(value.substring(4), Optional.empty());
        }
        if (value.startsWith("bridge:") && validName(value.substring(7))) {
            if (!Files.isDirectory(Path.of("/sys/class/net", value.substring(7), "bridge"))) {
                throw new RuntimeError("--net " + value + ": no bridge named " + value.substring(7)
                        + " (create it with: ip link add " + value.substring(7) + " type bridge)");
            }
            return new Net("vessel%d", Optional.of(value.substring(7)));
        }
        throw new RuntimeError("--net " + value
                + ": use tap, tap:NAME or bridge:NAME (NAME: 1-15 letters, digits, '-', '_', '.')");
    }

    private static boolean validName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,15}");
    }

    private static Optional<Path> file(String flag, String value) {
        if (value == null) {
            return Optional.empty();
        }
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new RuntimeError(flag + " " + value + ": no such file");
        }
        if (!Files.isReadable(p)) {
            throw new RuntimeError(flag + " " + value + ": not readable");
        }
        return Optional.of(p);
    }
}
