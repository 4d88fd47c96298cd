package dev.vessel.runtime.spec;

import java.util.List;
import java.util.Map;

/** The namespace types of {@code linux.namespaces} and their clone(2) flags. */
public final class Namespaces {

    public static final String PID = "pid";
    public static final String NETWORK = "network";
    public static final String MOUNT = "mount";
    public static final String IPC = "ipc";
    public static final String UTS = "uts";
    public static final String USER = "user";
    public static final String CGROUP = "cgroup";
    public static final String TIME = "time";

    /** Every type the spec defines, in the order runc sets them up. */
    public static final List<String> TYPES = List.of(USER, IPC, UTS, NETWORK, PID, MOUNT, CGROUP, TIME);

    private static final Map<String, Long> CLONE_FLAGS = Map.of(
            MOUNT, 0x0002_0000L,   // CLONE_NEWNS
            CGROUP, 0x0200_0000L,  // CLONE_NEWCGROUP
            UTS, 0x0400_0000L,     // CLONE_NEWUTS
            IPC, 0x0800_0000L,     // CLONE_NEWIPC
            USER, 0x1000_0000L,    // CLONE_NEWUSER
            PID, 0x2000_0000L,     // CLONE_NEWPID
            NETWORK, 0x4000_0000L, // CLONE_NEWNET
            TIME, 0x0000_0080L);   // CLONE_NEWTIME

    private Namespaces() {}

    public static boolean isKnown(String type) {
        return type != null && CLONE_FLAGS.containsKey(type);
    }

    /** The CLONE_NEW* flag of a known type. */
    public static long cloneFlag(String type) {
        Long flag = CLONE_FLAGS.get(type);
        if (flag == null) {
            throw new IllegalArgumentException("unknown namespace type " + type);
        }
        return flag;
    }

    /** The /proc/PID/ns/ file name of a type ("network" is "net", "mount" is "mnt"). */
    public static String procName(String type) {
        return switch (type) {
            case NETWORK -> "net";
            case MOUNT -> "mnt";
            default -> type;
        };
    }
}
