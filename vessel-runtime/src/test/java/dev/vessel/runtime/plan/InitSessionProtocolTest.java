package dev.vessel.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.Poll;
import dev.vessel.linux.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The helper protocol without namespaces (clone3 with no flags is a fork): no root needed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InitSessionProtocolTest {

    private static final Op.Exec TRUE = new Op.Exec("true", "/usr/bin:/bin", List.of("true"), List.of());

    @Test
    void failureBeforeTheCloneNamesTheOp() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.SetNs("/proc/self/ns/no-such-ns", 0), "linux.namespaces[0].path")
                .add(new Op.Clone(0), "linux.namespaces")
                .add(TRUE, "process.args").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            LaunchException e = assertThrows(LaunchException.class, s::awaitPid);
            assertEquals(0, e.index());
            assertEquals("linux.namespaces[0].path", e.label());
            assertEquals(Errno.ENOENT, e.errnoValue());
            assertEquals(1, s.helperStatus().exitCode());
        }
    }

    @Test
    void closingBetweenPidAndGoLeavesNoProcess() throws Exception {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(TRUE, "process.args").build();
        int pid;
        int helper;
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            pid = s.awaitPid();
            helper = s.helperPid();
            assertTrue(Files.exists(Path.of("/proc/" + pid)));
        }
        assertNothingLeft(helper, pid);
    }

    private static void assertNothingLeft(int helper, int pid) throws Exception {
        assertFalse(Files.exists(Path.of("/proc/" + helper)), "helper reaped");
        Poll.until(() -> !Files.exists(Path.of("/proc/" + pid))); // the orphaned child is killed and reaped by init
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "container process gone");
    }

    @Test
    void aPlanWithoutCloneIsRejected() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR).add(TRUE, "process.args").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            LaunchException e = assertThrows(LaunchException.class, s::awaitPid);
            assertEquals(0, e.index(), "Exec before Clone is refused at its index");
            assertEquals(Errno.EINVAL, e.errnoValue());
        }
        LaunchPlan empty = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Unshare(0), "nothing").build();
        try (InitSession s = InitSession.start(empty, InitSession.Stdio.INHERIT, List.of())) {
            LaunchException e = assertThrows(LaunchException.class, s::awaitPid);
            assertEquals(-1, e.index());
            assertNull(e.label());
            assertTrue(e.getMessage().startsWith("launch plan: "), e.getMessage());
        }
    }

    @Test
    void aPlanEndingWithoutExecFails() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.Umask(022), "process.user.umask").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            s.awaitPid();
            s.proceed();
            LaunchException e = assertThrows(LaunchException.class, s::awaitReady);
            assertTrue(e.getMessage().contains("without Exec"), e.getMessage());
        }
    }

    @Test
    void exitStatusWithoutNamespaces() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.Exec("sh", "/bin", List.of("sh", "-c", "exit 42"), List.of()), "process.args").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            assertEquals(42, s.awaitExit().exitCode());
            assertEquals(42, s.helperStatus().exitCode());
        }
    }

    @Test
    void theHooksBarrierWaitsForResume(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path mark = dir.resolve("ran");
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.SyncHooks(), "hooks")
                .add(new Op.Exec("sh", "/bin", List.of("sh", "-c", "touch " + mark + "; exit 3"), List.of()), "process.args")
                .build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            s.awaitPid();
            s.proceed();
            s.awaitHooks();
            Thread.sleep(100);
            assertFalse(Files.exists(mark), "nothing after the barrier ran before RESUME");
            s.resume();
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            assertEquals(3, s.awaitExit().exitCode());
            assertTrue(Files.exists(mark));
        }
    }

    @Test
    void closingAtTheHooksBarrierLeavesNoProcess() throws Exception {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.DETACH)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.SyncHooks(), "hooks")
                .add(TRUE, "process.args").build();
        int pid;
        int helper;
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            pid = s.awaitPid();
            helper = s.helperPid();
            s.proceed();
            s.awaitHooks(); // a hook failed: no RESUME
        }
        assertNothingLeft(helper, pid);
    }

    @Test
    void detachWithoutFifoReportsExecedAndExits() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.DETACH)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(TRUE, "process.args").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            assertEquals(0, s.helperStatus().exitCode());
            assertThrows(IllegalStateException.class, s::awaitExit);
        }
    }

    @Test
    void aTimeoutEndsTheWaitAndCloseKillsTheStuckProcess(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("exec.fifo");
        dev.vessel.linux.Fds.mkfifo(fifo.toString(), 0600);
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.WaitStart(fifo.toString()), "start")
                .add(TRUE, "process.args").build();
        int pid;
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())
                .timeout(java.time.Duration.ofMillis(300))) {
            pid = s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.READY, s.awaitReady());
            LaunchException e = assertThrows(LaunchException.class, s::awaitReady); // nobody starts it
            assertEquals(Errno.ETIMEDOUT, e.errnoValue());
            assertTrue(e.getMessage().startsWith("vessel-init sent no READY or EXECED within 300 ms"), e.getMessage());
        }
        Poll.until(() -> !Files.exists(Path.of("/proc/" + pid)));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the process waiting at the fifo was killed");
    }

    @Test
    void theHelperImageVisibleThroughProcIsASealedCopy(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("exec.fifo");
        dev.vessel.linux.Fds.mkfifo(fifo.toString(), 0600);
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.WaitStart(fifo.toString()), "start")
                .add(TRUE, "process.args").build();
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            int pid = s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.READY, s.awaitReady());
            // The child waits at the fifo, still running vessel-init: what a container could see.
            Path exe = Path.of("/proc/" + pid + "/exe");
            assertTrue(Files.readSymbolicLink(exe).toString().startsWith("/memfd:vessel-init"),
                    Files.readSymbolicLink(exe).toString());
            assertThrows(java.io.IOException.class, () -> {
                try (var out = new java.io.FileOutputStream(exe.toFile(), true)) {
                    out.write(0);
                }
            });
            try (var in = new java.io.FileInputStream(fifo.toFile())) {
                assertEquals('0', in.read());
            }
            assertEquals(0, s.awaitExit().exitCode());
        }
    }

    @Test
    void aMissingHelperIsOneClearLine() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR).add(new Op.Clone(0), "x").build();
        var e = assertThrows(IllegalStateException.class,
                () -> InitSession.start(Path.of("/no/such/vessel-init"), plan, InitSession.Stdio.INHERIT, List.of()));
        assertTrue(e.getMessage().startsWith("vessel-init /no/such/vessel-init does not exist"), e.getMessage());
    }
}
