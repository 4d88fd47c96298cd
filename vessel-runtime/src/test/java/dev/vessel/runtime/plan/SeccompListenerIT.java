package dev.vessel.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vessel.runtime.Poll;
import dev.vessel.linux.Errno;
import dev.vessel.linux.Fds;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.container.NotifyAgent;
import dev.vessel.runtime.seccomp.SeccompCompiler;
import dev.vessel.runtime.seccomp.SeccompProgram;
import dev.vessel.runtime.spec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seccomp listener's way from the loaded filter to Java (LISTENER, pidfd_getfd, SCM_RIGHTS),
 * without namespaces. Root: the helper takes the listener from its non-dumpable child with
 * pidfd_getfd, which needs CAP_SYS_PTRACE.
 */
@Tag("root")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeccompListenerIT {

    static final int NR_MKDIR = 83, NR_MKDIRAT = 258;

    @TempDir
    Path dir;

    @BeforeEach
    void root() {
        assumeTrue(Processes.euid() == 0, "pidfd_getfd of the non-dumpable child needs CAP_SYS_PTRACE");
    }

    static LaunchPlan notifyingMkdir(String script) {
        SeccompProgram p = SeccompCompiler.compile(new Seccomp("SCMP_ACT_ALLOW", null, null, null, "/unused", null,
                List.of(new Seccomp.Syscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_NOTIFY", null, null))));
        return LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.NoNewPrivs(), "process.noNewPrivileges")
                .add(new Op.Seccomp(p.bpf(), p.flags()), "linux.seccomp")
                .add(new Op.Exec("sh", "/bin", List.of("sh", "-c", script), List.of()), "process.args").build();
    }

    @Test
    void theListenerReachesJavaAndTheAgentsAnswerTheProcess() throws Exception {
        Path target = dir.resolve("made");
        List<NotifyAgent.Notification> seen = new CopyOnWriteArrayList<>();
        int pid;
        // A fake success: the process is told mkdir worked, and the directory does not exist.
        try (InitSession s = InitSession.start(notifyingMkdir("mkdir " + target + " && echo ok > " + dir.resolve("rc")),
                InitSession.Stdio.INHERIT, List.of())) {
            s.onSeccompListener(fd -> {
                assertTrue((Fds.poll(fd, Fds.POLLIN, 20_000) & Fds.POLLIN) != 0, "a notification within 20 s");
                seen.add(NotifyAgent.answer(fd, 0, 0));
            });
            pid = s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            assertEquals(0, s.awaitExit().exitCode());
        }
        assertEquals("ok", Files.readString(dir.resolve("rc")).strip(), "mkdir reported success");
        assertFalse(Files.exists(target), "the agent's answer, not the kernel's mkdir");
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.getFirst().nr() == NR_MKDIR || seen.getFirst().nr() == NR_MKDIRAT, seen.toString());
        assertTrue(seen.getFirst().pid() >= pid, "sh or the mkdir it forked: " + seen);
    }

    @Test
    void withoutATakerTheListenerIsAProtocolErrorAndNothingIsLeft() throws Exception {
        int pid;
        try (InitSession s = InitSession.start(notifyingMkdir("true"), InitSession.Stdio.INHERIT, List.of())) {
            pid = s.awaitPid();
            s.proceed();
            LaunchException e = assertThrows(LaunchException.class, s::awaitReady);
            assertEquals(Errno.EPROTO, e.errnoValue());
        }
        Poll.until(() -> !Files.exists(Path.of("/proc/" + pid)));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the process was killed");
    }
}
