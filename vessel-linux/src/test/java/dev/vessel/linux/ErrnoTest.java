package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void table() {
        assertEquals(Errno.ENOENT, Errno.of(2));
        assertEquals(Errno.ENOENT, Errno.of(-2));
        assertEquals("ESRCH (No such process)", Errno.describe(3));
        assertEquals("EOPNOTSUPP", Errno.nameOf(95));
        assertEquals("E200", Errno.nameOf(200));
        assertEquals(Errno.values().length, java.util.Arrays.stream(Errno.values()).map(Errno::number).distinct().count());
    }

    @Test
    void lowLayerReturnsMinusErrno() {
        assertEquals(-Errno.EBADF.number(), LibC.close(-1));
        assertEquals(-Errno.ENOENT.number(), LibC.open("/nonexistent/vessel-test", Fds.O_RDONLY, 0));
    }

    @Test
    void domainLayerNamesCallArgumentsAndErrno() {
        int pid = findUnusedPid();
        var e = assertThrows(LinuxException.class, () -> Processes.kill(pid, Signals.SIGTERM));
        assertEquals("kill(" + pid + ", SIGTERM): ESRCH (No such process)", e.getMessage());
        assertTrue(e.is(Errno.ESRCH));
    }

    /** Two threads failing with different errnos at the same time each see their own value. */
    @Test
    void errnoIsCapturedPerThread() throws Exception {
        int rounds = 20_000;
        int pid = findUnusedPid();
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().start(() -> repeat(start, rounds, failure,
                () -> LibC.close(-1), -Errno.EBADF.number())));
        threads.add(Thread.ofPlatform().start(() -> repeat(start, rounds, failure,
                () -> LibC.kill(pid, 0), -Errno.ESRCH.number())));
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(null, failure.get());
    }

    private static void repeat(CyclicBarrier start, int rounds, AtomicReference<String> failure,
                               java.util.function.IntSupplier call, int expected) {
        try {
            start.await();
        } catch (Exception e) {
            failure.set(e.toString());
            return;
        }
        for (int i = 0; i < rounds; i++) {
            int r = call.getAsInt();
            if (r != expected) {
                failure.compareAndSet(null, "round " + i + ": got " + r + ", expected " + expected);
                return;
            }
        }
    }

    private static int findUnusedPid() {
        for (int pid = 4_000_000; pid > 1000; pid -= 7919) {
            if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid))) {
                return pid;
            }
        }
        throw new IllegalStateException("no unused pid found");
    }
}
