package dev.vessel.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linking of libc functions and the errno capture shared by the low layer.
 *
 * <p>Every handle is linked with {@code captureCallState("errno")}: the JVM itself makes calls
 * between ours, so errno read afterwards would be meaningless. The capture buffer is per thread
 * (a shared buffer would be overwritten by a concurrent call on another thread).
 */
final class NativeCall {

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // Arena.ofAuto: the buffer lives as long as its thread's ThreadLocal entry references it.
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private NativeCall() {}

    /** A handle taking the capture segment as its first argument, then the C arguments. */
    static MethodHandle link(String name, FunctionDescriptor descriptor) {
        // SAFETY: each descriptor is written from the glibc prototype (LP64: long and size_t are
        // JAVA_LONG, int is JAVA_INT, pointers ADDRESS); a mismatch would be caught by the tests
        // that call every handle.
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    /** As {@link #link} for a variadic C function; {@code firstVariadic} counts C arguments. */
    static MethodHandle linkVariadic(String name, int firstVariadic, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A handle without errno capture, for functions that return their error number (posix_spawn*). */
    static MethodHandle linkPlain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    /** This thread's capture buffer: pass it to the handle, then read {@link #errno(MemorySegment)}. */
    static MemorySegment state() {
        return STATE.get();
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** invokeExact declares Throwable; our handles cannot throw checked exceptions. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
