package dev.vessel.runtime.spec;

import java.util.List;

/** setrlimit(2) resources by number ({@code <asm-generic/resource.h>}); the index is the number. */
public final class RlimitTypes {

    public static final List<String> ALL = List.of(
            "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
            "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    private RlimitTypes() {}

    /** The resource number, or -1 if the name is not one. */
    public static int number(String type) {
        return type == null ? -1 : ALL.indexOf(type);
    }
}
