package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.linkPlain;
import static dev.vessel.linux.NativeCall.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a program with posix_spawn(3), choosing exactly which descriptors it gets: each
 * {@link #fd(int, int)} dup2s a descriptor of ours onto a number in the child (dup2 clears
 * close-on-exec on the copy); everything else we hold is expected to be close-on-exec already.
 * The child gets an empty signal mask and default dispositions for every signal, since the
 * JVM's ignored signals would otherwise survive the exec.
 */
public final class Spawn {

    static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on LP64;
    // they are opaque, so a larger buffer is harmless and survives a future growth.
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final long FILE_ACTIONS_SIZE = 256, ATTR_SIZE = 512, SIGSET_SIZE = 128;

    private static final FunctionDescriptor INT_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final class FaInit {
        static final MethodHandle H = linkPlain("posix_spawn_file_actions_init", INT_PTR);
    }
    private static final class FaDestroy {
        static final MethodHandle H = linkPlain("posix_spawn_file_actions_destroy", INT_PTR);
    }
    private static final class FaAdddup2 {
        static final MethodHandle H = linkPlain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class FaAddclose {
        static final MethodHandle H = linkPlain("posix_spawn_file_actions_addclose",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class AttrInit {
        static final MethodHandle H = linkPlain("posix_spawnattr_init", INT_PTR);
    }
    private static final class AttrDestroy {
        static final MethodHandle H = linkPlain("posix_spawnattr_destroy", INT_PTR);
    }
    private static final class AttrSetflags {
        static final MethodHandle H = linkPlain("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    }
    private static final class AttrSetsigmask {
        static final MethodHandle H = linkPlain("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class AttrSetsigdefault {
        static final MethodHandle H = linkPlain("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class Sigemptyset {
        static final MethodHandle H = linkPlain("sigemptyset", INT_PTR);
    }
    private static final class Sigfillset {
        static final MethodHandle H = linkPlain("sigfillset", INT_PTR);
    }
    private static final class PosixSpawn {
        static final MethodHandle H = linkPlain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    private final String path;
    private final List<String> argv = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private final Map<Integer, Integer> dup2 = new LinkedHashMap<>();
    private final List<Integer> close = new ArrayList<>();
    private boolean setsid;

    /** @param path an absolute path: posix_spawn does not search PATH */
    public Spawn(String path) {
        this.path = path;
        this.argv.add(path);
    }

    public Spawn args(List<String> args) {
        argv.addAll(args);
        return this;
    }

    /** argv[0], which otherwise is the path. */
    public Spawn arg0(String name) {
        argv.set(0, name);
        return this;
    }

    public Spawn env(List<String> entries) {
        env.addAll(entries);
        return this;
    }

    /** In the child, {@code childFd} is a copy of our {@code ourFd}. Applied in the order given. */
    public Spawn fd(int ourFd, int childFd) {
        dup2.put(childFd, ourFd);
        return this;
    }

    /** Close {@code childFd} in the child (after the dup2s). */
    public Spawn closeFd(int childFd) {
        close.add(childFd);
        return this;
    }

    /** Start the child in a new session (POSIX_SPAWN_SETSID). */
    public Spawn newSession() {
        setsid = true;
        return this;
    }

    /** posix_spawn; returns the child's pid. */
    public int start() {
        // The dup2s run in order in the child, so a target number that is also a later source
        // would be overwritten first (channel onto 3 while our fd 3 is to become the child's 4).
        // Copies above every target make the sources and targets disjoint.
        int above = dup2.keySet().stream().mapToInt(Integer::intValue).max().orElse(2) + 1;
        Map<Integer, Integer> copies = new LinkedHashMap<>();
        try {
            for (var e : dup2.entrySet()) {
                int copy = LinuxException.check(LibC.fcntl(e.getValue(), F_DUPFD_CLOEXEC, above),
                        "fcntl(" + e.getValue() + ", F_DUPFD_CLOEXEC, " + above + ")");
                copies.put(e.getKey(), copy);
            }
            return spawn(copies);
        } finally {
            for (int copy : copies.values()) {
                LinuxException.check(LibC.close(copy), "close(" + copy + ")");
            }
        }
    }

    private int spawn(Map<Integer, Integer> sources) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 16);
            check((int) FaInit.H.invokeExact(actions), "posix_spawn_file_actions_init");
            try {
                check((int) AttrInit.H.invokeExact(attr), "posix_spawnattr_init");
                try {
                    for (var e : sources.entrySet()) {
                        check((int) FaAdddup2.H.invokeExact(actions, (int) e.getValue(), (int) e.getKey()),
                                "posix_spawn_file_actions_adddup2(" + e.getValue() + ", " + e.getKey() + ")");
                    }
                    for (int fd : close) {
                        check((int) FaAddclose.H.invokeExact(actions, fd), "posix_spawn_file_actions_addclose(" + fd + ")");
                    }
                    MemorySegment empty = arena.allocate(SIGSET_SIZE, 8);
                    MemorySegment all = arena.allocate(SIGSET_SIZE, 8);
                    check((int) Sigemptyset.H.invokeExact(empty) == 0 ? 0 : Errno.EINVAL.number(), "sigemptyset");
                    check((int) Sigfillset.H.invokeExact(all) == 0 ? 0 : Errno.EINVAL.number(), "sigfillset");
                    check((int) AttrSetsigmask.H.invokeExact(attr, empty), "posix_spawnattr_setsigmask");
                    check((int) AttrSetsigdefault.H.invokeExact(attr, all), "posix_spawnattr_setsigdefault");
                    short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (setsid ? POSIX_SPAWN_SETSID : 0));
                    check((int) AttrSetflags.H.invokeExact(attr, flags), "posix_spawnattr_setflags");
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    int r = (int) PosixSpawn.H.invokeExact(pid, arena.allocateFrom(path), actions, attr,
                            stringArray(arena, argv), stringArray(arena, env));
                    check(r, "posix_spawn(\"" + path + "\")");
                    return pid.get(JAVA_INT, 0);
                } finally {
                    int ignored = (int) AttrDestroy.H.invokeExact(attr); // only frees memory; cannot fail on glibc
                }
            } finally {
                int ignored = (int) FaDestroy.H.invokeExact(actions); // only frees memory; cannot fail on glibc
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** posix_spawn* return the error number itself instead of setting errno. */
    private static void check(int error, String call) {
        if (error != 0) {
            throw new LinuxException(call, error);
        }
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }
}
