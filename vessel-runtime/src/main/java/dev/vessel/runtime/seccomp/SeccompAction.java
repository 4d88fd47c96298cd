package dev.vessel.runtime.seccomp;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.SeccompNames;

/** The SECCOMP_RET_* value a filter returns for an OCI action name (libseccomp's SCMP_ACT_*). */
final class SeccompAction {

    static final int KILL_PROCESS = 0x80000000;
    static final int KILL_THREAD = 0x00000000;
    static final int TRAP = 0x00030000;
    static final int ERRNO = 0x00050000;
    static final int USER_NOTIF = 0x7fc00000;
    static final int TRACE = 0x7ff00000;
    static final int LOG = 0x7ffc0000;
    static final int ALLOW = 0x7fff0000;

    static final int EPERM = 1;
    /** The kernel clamps SECCOMP_RET_ERRNO data to MAX_ERRNO; anything larger is a mistake in the profile. */
    static final long MAX_ERRNO = 4095;

    private SeccompAction() {}

    /**
     * @param errnoRet the rule's errnoRet (ERRNO's errno, TRACE's message to the tracer), EPERM when null, as runc
     * @param path     the JSON path of the action, for errors
     */
    static int value(String action, Long errnoRet, String path) {
        if (action == null) {
            throw new RuntimeError(path + " is missing; use one of " + String.join(", ", SeccompNames.ACTIONS));
        }
        return switch (action) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> TRAP;
            case "SCMP_ACT_ERRNO" -> ERRNO | data(errnoRet, path);
            case "SCMP_ACT_TRACE" -> TRACE | data(errnoRet, path);
            case "SCMP_ACT_ALLOW" -> ALLOW;
            case "SCMP_ACT_LOG" -> LOG;
            case "SCMP_ACT_NOTIFY" -> USER_NOTIF;
            default -> throw new RuntimeError(path + " \"" + action + "\" is not a seccomp action: use "
                    + String.join(", ", SeccompNames.ACTIONS));
        };
    }

    private static int data(Long errnoRet, String path) {
        if (errnoRet == null) {
            return EPERM;
        }
        if (errnoRet < 0 || errnoRet > MAX_ERRNO) {
            throw new RuntimeError(path.replaceAll("(action|defaultAction)$", "") + errnoName(path) + " " + errnoRet
                    + " is not an errno: use 1.." + MAX_ERRNO + " (e.g. 1 for EPERM, 38 for ENOSYS)");
        }
        return (int) (long) errnoRet;
    }

    private static String errnoName(String path) {
        return path.endsWith("defaultAction") ? "defaultErrnoRet" : "errnoRet";
    }
}
