package dev.vessel.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.linux.Fds;
import dev.vessel.linux.Mounts;
import dev.vessel.linux.WaitStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/** Plans and sessions shared by the integration tests. */
final class Launches {

    static final long CLONE_NEWTIME = 0x80, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000,
            CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000,
            CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;
    static final long ISOLATED = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET;

    private Launches() {}

    /** Clone into new namespaces, make the rootfs a private mount with proc, set the hostname. */
    static LaunchPlan.Builder container(Path rootfs, LaunchPlan.Mode mode) {
        return container(rootfs, mode, ISOLATED);
    }

    static LaunchPlan.Builder container(Path rootfs, LaunchPlan.Mode mode, long cloneFlags) {
        String root = rootfs.toString();
        return LaunchPlan.builder(mode)
                .add(new Op.Clone(cloneFlags), "linux.namespaces")
                .add(new Op.Mount("", false, "", "/", "", Mounts.MS_REC | Mounts.MS_PRIVATE, ""), "linux.rootfsPropagation")
                .add(new Op.Mount(root, false, "", root, "", Mounts.MS_BIND | Mounts.MS_REC, ""), "root.path")
                .add(new Op.Mount("proc", false, root, "/proc", "proc",
                        Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC, ""), "mounts[0].destination")
                .add(new Op.SetHostname("vessel-test"), "hostname");
    }

    static Op.Exec sh(String script) {
        return new Op.Exec("sh", "/bin", List.of("sh", "-c", script), List.of("PATH=/bin"));
    }

    /** A MONITOR run's captured stdout, exit status and (closed) session. */
    record Result(String out, WaitStatus status, InitSession session) {}

    static Result run(LaunchPlan plan) {
        return run(plan, List.of(), pid -> { });
    }

    /** Runs a MONITOR plan; {@code beforeGo} gets the container pid between PID and GO. */
    static Result run(LaunchPlan plan, List<Integer> preserved, IntConsumer beforeGo) {
        Fds.Pair out = Fds.pipe();
        try (InitSession s = startWithStdout(plan, out, preserved)) {
            beforeGo.accept(s.awaitPid());
            s.proceed();
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            WaitStatus st = s.awaitExit();
            return new Result(readAll(out.first()), st, s);
        } finally {
            Fds.close(out.first());
        }
    }

    static InitSession startWithStdout(LaunchPlan plan, Fds.Pair out) {
        return startWithStdout(plan, out, List.of());
    }

    static InitSession startWithStdout(LaunchPlan plan, Fds.Pair out, List<Integer> preserved) {
        try {
            return InitSession.start(plan, new InitSession.Stdio(0, out.second(), 2), preserved);
        } finally {
            Fds.close(out.second()); // the helper and the container hold the write end now
        }
    }

    static String readAll(int fd) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = Fds.read(fd, buf, 0, buf.length)) > 0) {
            all.write(buf, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
