package dev.vessel.engine.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --userns}, {@code --uidmap} and {@code --gidmap} ask for, as podman reads them:
 * the host's user namespace (the default), a new one over a range allocated for the container
 * ({@code auto[:size=N]}), or the mappings given. A map given for only one of uids and gids is
 * used for both.
 */
public sealed interface UsernsMode {

    long MAX_ID = 4_294_967_295L; // (uid_t) -1 is not an id, so ranges end below it
    long DEFAULT_SIZE = 65_536;
    String AUTO_FORM = "use host, auto or auto:size=N (e.g. auto:size=65536)";
    String MAP_FORM = "use CONTAINER:HOST:SIZE (e.g. 0:100000:65536)";

    public record Host() implements UsernsMode {}

    public record Auto(long size) implements UsernsMode {}

    public record Given(ContainerIdMaps maps) implements UsernsMode {}

    public static UsernsMode parse(String userns, List<String> uidmap, List<String> gidmap) {
        boolean maps = !uidmap.isEmpty() || !gidmap.isEmpty();
        if (userns != null && maps) {
            throw new RuntimeError("--userns \"" + userns + "\": cannot be combined with --uidmap/--gidmap, which make a user namespace"
                    + " of their own; give one or the other");
        }
        if (maps) {
            List<Linux.IdMapping> uids = mappings("--uidmap", uidmap);
            List<Linux.IdMapping> gids = mappings("--gidmap", gidmap);
            return new Given(new ContainerIdMaps(uids.isEmpty() ? gids : uids, gids.isEmpty() ? uids : gids));
        }
        if (userns == null || userns.equals("host")) {
            return new Host();
        }
        if (userns.equals("auto")) {
            return new Auto(DEFAULT_SIZE);
        }
        if (userns.startsWith("auto:size=")) {
            String n = userns.substring("auto:size=".length());
            long size = number(n);
            if (size < 1 || size > MAX_ID) {
                throw new RuntimeError("--userns \"" + userns + "\": the size must be a number from 1 to " + MAX_ID
                        + " (e.g. auto:size=65536)");
            }
            return new Auto(size);
        }
        throw new RuntimeError("--userns \"" + userns + "\": " + AUTO_FORM);
    }

    private static List<Linux.IdMapping> mappings(String option, List<String> values) {
        List<Linux.IdMapping> out = new ArrayList<>();
        for (String v : values) {
            String[] f = v.split(":", -1);
            long c = f.length == 3 ? number(f[0]) : -1, h = f.length == 3 ? number(f[1]) : -1, n = f.length == 3 ? number(f[2]) : -1;
            if (c < 0 || h < 0 || n < 1) {
                throw new RuntimeError(option + " \"" + v + "\": " + MAP_FORM + ", with SIZE at least 1");
            }
            if (c + n - 1 >= MAX_ID || h + n - 1 >= MAX_ID) {
                throw new RuntimeError(option + " \"" + v + "\": the range ends beyond id " + (MAX_ID - 1) + "; make SIZE smaller");
            }
            for (int i = 0; i < out.size(); i++) {
                Linux.IdMapping o = out.get(i);
                if (overlap(c, n, o.containerID(), o.size()) || overlap(h, n, o.hostID(), o.size())) {
                    throw new RuntimeError(option + " \"" + v + "\": overlaps " + option + " \"" + values.get(i)
                            + "\"; the kernel refuses overlapping ranges");
                }
            }
            out.add(new Linux.IdMapping(c, h, n));
        }
        return out;
    }

    private static boolean overlap(long a, long an, long b, long bn) {
        return a < b + bn && b < a + an;
    }

    /** A decimal number, or -1 for anything else (signs, spaces and overflow included). */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
