package dev.vessel.runtime.cgroups.devices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model of the cgroup v1 devices whitelist as the kernel keeps it ({@code
 * security/device_cgroup.c}): a default (allow or deny) and exceptions keyed by exact
 * type/major/minor, each with the accesses it grants (or, under allow-by-default, refuses).
 * It exists to compute the smallest list of writes from what a cgroup has to what the spec
 * wants, so {@code update} never passes through "deny everything" while the container runs
 * (runc's devices emulator does the same).
 */
public final class DeviceList {
    private boolean defaultAllow;
    /** "c 1:3" → "rw"; insertion-ordered so writes come out in a stable order. */
    private final Map<String, String> exceptions = new LinkedHashMap<>();

    private DeviceList(boolean defaultAllow) {
        this.defaultAllow = defaultAllow;
    }

    /** What the rules leave, starting from the kernel's default for a new cgroup (inherit: allow all at the root). */
    public static DeviceList of(List<DevicePermission> rules) {
        DeviceList l = new DeviceList(true);
        for (DevicePermission r : rules) {
            l.apply(r);
        }
        return l;
    }

    /**
     * {@code devices.list}. The kernel prints only "a *:* rwm" for an allow-by-default cgroup,
     * hiding its deny exceptions: such a list is "unknown", returned as null.
     */
    public static DeviceList parse(String devicesList) {
        DeviceList l = new DeviceList(false);
        for (String line : devicesList.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length != 3) {
                continue;
            }
            if (f[0].equals("a")) {
                return null;
            }
            l.exceptions.merge(f[0] + " " + f[1], f[2], DeviceList::union);
        }
        return l;
    }

    public boolean defaultAllow() {
        return defaultAllow;
    }

    /** One write to devices.allow or devices.deny, as the kernel applies it. */
    void apply(DevicePermission r) {
        if (r.type() == 'a') {
            // The kernel treats any "a" line as "everything": reset default and exceptions.
            defaultAllow = r.allow();
            exceptions.clear();
            return;
        }
        String key = key(r);
        if (r.allow() != defaultAllow) {
            exceptions.merge(key, r.access(), DeviceList::union);
        } else {
            String left = minus(exceptions.getOrDefault(key, ""), r.access());
            if (left.isEmpty()) {
                exceptions.remove(key);
            } else {
                exceptions.put(key, left);
            }
        }
    }

    /**
     * The writes ({@code {"devices.allow"|"devices.deny", line}}) that take a cgroup whose
     * {@code devices.list} reads {@code current} (null: unknown) to {@code this}. Without an
     * "a" line whenever both are deny-by-default, so devices the container keeps stay usable
     * throughout; otherwise a reset followed by every exception.
     */
    public List<String[]> writesFrom(DeviceList current) {
        List<String[]> out = new ArrayList<>();
        String grant = defaultAllow ? "devices.deny" : "devices.allow";
        String revoke = defaultAllow ? "devices.allow" : "devices.deny";
        if (current == null || current.defaultAllow != defaultAllow || defaultAllow) {
            out.add(new String[] {defaultAllow ? "devices.allow" : "devices.deny", "a"});
            for (Map.Entry<String, String> e : exceptions.entrySet()) {
                out.add(new String[] {grant, e.getKey() + " " + e.getValue()});
            }
            return out;
        }
        // Grant first, then revoke: nothing the container keeps is ever missing.
        for (Map.Entry<String, String> e : exceptions.entrySet()) {
            String extra = minus(e.getValue(), current.exceptions.getOrDefault(e.getKey(), ""));
            if (!extra.isEmpty()) {
                out.add(new String[] {grant, e.getKey() + " " + extra});
            }
        }
        for (Map.Entry<String, String> e : current.exceptions.entrySet()) {
            String gone = minus(e.getValue(), exceptions.getOrDefault(e.getKey(), ""));
            if (!gone.isEmpty()) {
                out.add(new String[] {revoke, e.getKey() + " " + gone});
            }
        }
        return out;
    }

    /** The exceptions as devices.list would print them (deny-by-default only). */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        exceptions.forEach((k, v) -> out.add(k + " " + v));
        return out;
    }

    private static String key(DevicePermission r) {
        String line = r.v1Line();
        return line.substring(0, line.lastIndexOf(' '));
    }

    private static String union(String a, String b) {
        return ordered((a + b).chars().distinct().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString());
    }

    private static String minus(String a, String b) {
        StringBuilder s = new StringBuilder();
        for (char c : a.toCharArray()) {
            if (b.indexOf(c) < 0) {
                s.append(c);
            }
        }
        return ordered(s.toString());
    }

    private static String ordered(String access) {
        return (access.indexOf('r') >= 0 ? "r" : "") + (access.indexOf('w') >= 0 ? "w" : "")
                + (access.indexOf('m') >= 0 ? "m" : "");
    }
}
