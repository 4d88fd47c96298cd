package dev.vessel.runtime.cgroups.devices;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.spec.LinuxResources;
import java.util.ArrayList;
import java.util.List;

/**
 * One validated {@code linux.resources.devices} rule: allow or deny {@code access} (a subset
 * of "rwm") to devices of {@code type} ('a' all, 'b' block, 'c' char) with {@code major} and
 * {@code minor} ({@link #ANY} for a wildcard).
 */
public record DevicePermission(boolean allow, char type, long major, long minor, String access) {

    public static final long ANY = -1;

    /**
     * The devices every container may use, appended after the spec's rules as runc's specconv
     * does ({@code AllowedDevices}): mknod of any device (opening it is still checked), the
     * null/zero/full/random/urandom/tty nodes, ptys, and /dev/net/tun.
     */
    public static final List<DevicePermission> DEFAULT_ALLOWED = List.of(
            new DevicePermission(true, 'c', ANY, ANY, "m"),
            new DevicePermission(true, 'b', ANY, ANY, "m"),
            new DevicePermission(true, 'c', 1, 3, "rwm"),   // /dev/null
            new DevicePermission(true, 'c', 1, 8, "rwm"),   // /dev/random
            new DevicePermission(true, 'c', 1, 7, "rwm"),   // /dev/full
            new DevicePermission(true, 'c', 5, 0, "rwm"),   // /dev/tty
            new DevicePermission(true, 'c', 1, 5, "rwm"),   // /dev/zero
            new DevicePermission(true, 'c', 1, 9, "rwm"),   // /dev/urandom
            new DevicePermission(true, 'c', 136, ANY, "rwm"), // /dev/pts/*
            new DevicePermission(true, 'c', 5, 2, "rwm"),   // /dev/ptmx
            new DevicePermission(true, 'c', 10, 200, "rwm")); // /dev/net/tun

    /**
     * The rules a container's cgroup gets: deny everything, then the spec's rules in order,
     * then {@link #DEFAULT_ALLOWED}. Later rules win.
     */
    public static List<DevicePermission> effective(List<LinuxResources.DeviceRule> spec) {
        List<DevicePermission> out = new ArrayList<>();
        out.add(new DevicePermission(false, 'a', ANY, ANY, "rwm"));
        for (int i = 0; i < spec.size(); i++) {
            out.add(of(spec.get(i), "linux.resources.devices[" + i + "]"));
        }
        out.addAll(DEFAULT_ALLOWED);
        return List.copyOf(out);
    }

    /** Validates one spec rule; {@code where} is its JSON path for the error message. */
    public static DevicePermission of(LinuxResources.DeviceRule r, String where) {
        String t = r.type() == null || r.type().isEmpty() ? "a" : r.type();
        if (!t.equals("a") && !t.equals("b") && !t.equals("c")) {
            throw new CgroupException(where + ".type \"" + r.type() + "\" is not a device type: use \"a\", \"b\" or \"c\"");
        }
        String access = r.access() == null || r.access().isEmpty() ? "rwm" : r.access();
        boolean r0 = false, w0 = false, m0 = false;
        for (char c : access.toCharArray()) {
            switch (c) {
                case 'r' -> r0 = true;
                case 'w' -> w0 = true;
                case 'm' -> m0 = true;
                default -> throw new CgroupException(where + ".access \"" + r.access()
                        + "\" may hold only the letters r, w and m");
            }
        }
        String normalized = (r0 ? "r" : "") + (w0 ? "w" : "") + (m0 ? "m" : "");
        return new DevicePermission(r.allow(), t.charAt(0), number(r.major(), where + ".major"),
                number(r.minor(), where + ".minor"), normalized);
    }

    private static long number(Long n, String where) {
        if (n == null || n == -1) {
            return ANY;
        }
        if (n < 0 || n > 0xFFFFFFFFL) {
            throw new CgroupException(where + " " + n + " is not a device number: use 0-4294967295 or -1 (any)");
        }
        return n;
    }

    /** True when this rule covers every device with every access: it resets the default. */
    public boolean coversAll() {
        return type == 'a' && major == ANY && minor == ANY && access.equals("rwm");
    }

    /** The v1 {@code devices.allow}/{@code devices.deny} line: "c 1:3 rwm". */
    public String v1Line() {
        return type + " " + (major == ANY ? "*" : Long.toString(major)) + ":"
                + (minor == ANY ? "*" : Long.toString(minor)) + " " + access;
    }
}
