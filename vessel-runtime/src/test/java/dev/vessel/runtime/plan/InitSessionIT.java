package dev.vessel.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWPID;
import static dev.vessel.runtime.plan.Launches.container;
import static dev.vessel.runtime.plan.Launches.readAll;
import static dev.vessel.runtime.plan.Launches.run;
import static dev.vessel.runtime.plan.Launches.sh;
import static dev.vessel.runtime.plan.Launches.startWithStdout;

import dev.vessel.runtime.Poll;
import dev.vessel.linux.Errno;
import dev.vessel.linux.Fds;
import dev.vessel.linux.Mounts;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Signals;
import dev.vessel.linux.WaitStatus;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** vessel-init executing hand-built plans in real namespaces. */
@Tag("root")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InitSessionIT {

    @TempDir
    Path dir;
    Path rootfs;

    @BeforeEach
    void rootfs() throws Exception {
        BusyboxRootfs.assumeAvailable();
        rootfs = BusyboxRootfs.create(dir);
    }

    @Test
    void monitorRunsShellAsPid1WithTheHostname() {
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("echo $$; hostname; cat /hostname-of-image 2>/dev/null || cat /etc/hostname-of-image"), "process.args")
                .build();
        Launches.Result r = run(plan);
        assertEquals("1\nvessel-test\nimage\n", r.out());
        assertEquals(0, r.status().shellCode());
        assertEquals(0, r.session().helperStatus().exitCode());
    }

    @Test
    void exitCodeIsPropagated() {
        Launches.Result r = run(container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("exit 3"), "process.args").build());
        assertTrue(r.status().exited());
        assertEquals(3, r.status().exitCode());
        assertEquals(3, r.session().helperStatus().exitCode());
    }

    @Test
    void killedBySigkillIs137() {
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("echo up; exec sleep 60"), "process.args").build();
        Fds.Pair out = Fds.pipe();
        try (InitSession s = startWithStdout(plan, out)) {
            int pid = s.awaitPid();
            s.proceed();
            s.awaitReady();
            byte[] up = new byte[3];
            assertTrue(Fds.readFully(out.first(), up, 0, 3)); // sleep runs; now kill it from outside
            Processes.kill(pid, Signals.SIGKILL);
            WaitStatus st = s.awaitExit();
            assertTrue(st.signaled());
            assertEquals(137, st.shellCode());
            assertEquals(137, s.helperStatus().exitCode());
        } finally {
            Fds.close(out.first());
        }
    }

    @Test
    void monitorForwardsSigterm() {
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("trap 'echo got-term; exit 7' TERM; echo up; while true; do sleep 0.1; done"), "process.args")
                .build();
        Fds.Pair out = Fds.pipe();
        try (InitSession s = startWithStdout(plan, out)) {
            s.awaitPid();
            s.proceed();
            s.awaitReady();
            byte[] up = new byte[3];
            assertTrue(Fds.readFully(out.first(), up, 0, 3));
            Processes.kill(s.helperPid(), Signals.SIGTERM); // to the helper, which forwards it
            WaitStatus st = s.awaitExit();
            assertEquals(7, st.shellCode());
            assertTrue(readAll(out.first()).contains("got-term"));
        } finally {
            Fds.close(out.first());
        }
    }

    @Test
    void failedMountNamesTheSpecFieldAndErrno() {
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.Mount(dir.resolve("no-such-source").toString(), false, rootfs.toString(), "/mnt", "",
                        Mounts.MS_BIND, ""), "mounts[1].source")
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("true"), "process.args").build();
        LaunchException e = assertThrows(LaunchException.class, () -> run(plan));
        assertEquals("mounts[1].source", e.label());
        assertEquals(5, e.index());
        assertEquals(Errno.ENOENT, e.errnoValue());
        assertEquals("mounts[1].source: Mount[source=\"" + dir.resolve("no-such-source") + "\", sourceInRoot=false, root=\""
                + rootfs + "\", target=\"/mnt\", fsType=\"\", flags=MS_BIND, data=\"\"] failed: ENOENT (No such file or directory)",
                e.getMessage());
        assertTrue(e.getMessage().endsWith("ENOENT (No such file or directory)"), e.getMessage());
    }

    @Test
    void checkExecFailsBeforeTheExec() {
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.DETACH)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(new Op.CheckExec("no-such-program", "/usr/bin:/bin"), "process.args[0]")
                .add(new Op.WaitStart(dir.resolve("exec.fifo").toString()), "start")
                .add(new Op.Exec("no-such-program", "/usr/bin:/bin", List.of("x"), List.of()), "process.args[0]")
                .build();
        Fds.mkfifo(dir.resolve("exec.fifo").toString(), 0600);
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            int pid = s.awaitPid();
            s.proceed();
            LaunchException e = assertThrows(LaunchException.class, s::awaitReady);
            assertEquals("process.args[0]", e.label());
            assertEquals(Errno.ENOENT, e.errnoValue());
            assertEquals(1, s.helperStatus().exitCode());
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the failed container process was reaped");
        }
    }

    @Test
    void execOfANonExecutableFileIsEacces() throws Exception {
        Files.writeString(rootfs.resolve("bin/not-exec"), "#!/bin/sh\n");
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(new Op.Exec("not-exec", "/usr/bin:/bin", List.of("not-exec"), List.of()), "process.args[0]")
                .build();
        LaunchException e = assertThrows(LaunchException.class, () -> run(plan));
        assertEquals(Errno.EACCES, e.errnoValue());
    }

    @Test
    void waitStartBlocksUntilTheFifoIsRead() throws Exception {
        Path fifo = dir.resolve("exec.fifo");
        Fds.mkfifo(fifo.toString(), 0600);
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(new Op.WaitStart(fifo.toString()), "start")
                .add(sh("echo started"), "process.args").build();
        Fds.Pair out = Fds.pipe();
        try (InitSession s = startWithStdout(plan, out)) {
            s.awaitPid();
            s.proceed();
            assertEquals(InitSession.Started.READY, s.awaitReady());
            assertEquals(0, Fds.poll(out.first(), Fds.POLLIN, 300), "nothing runs before start");
            try (FileInputStream in = new FileInputStream(fifo.toFile())) { // what `start` does
                assertEquals('0', in.read());
            }
            assertEquals(InitSession.Started.EXECED, s.awaitReady());
            assertEquals(0, s.awaitExit().shellCode());
            assertEquals("started\n", readAll(out.first()));
        } finally {
            Fds.close(out.first());
        }
    }

    @Test
    void symlinkInTheDestinationStaysInsideTheRootfs() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("escape"), Path.of("/../../etc"));
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.Mount("tmpfs", false, rootfs.toString(), "/escape", "tmpfs", 0, "size=64k"), "mounts[1].destination")
                .add(new Op.MkdirAll(rootfs.toString(), "/escape/made/by/mkdirall", 0755), "mounts[2].destination")
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(sh("grep ' /etc ' /proc/self/mountinfo | grep -c tmpfs; ls /etc/made/by"), "process.args")
                .build();
        Launches.Result r = run(plan);
        assertEquals("1\nmkdirall\n", r.out());
        assertFalse(Files.exists(Path.of("/etc/made")), "nothing was created in the host's /etc");
        assertFalse(Files.exists(rootfs.resolve("etc/made")), "the mkdir went into the tmpfs, not the image");
    }

    @Test
    void detachLeavesNoHelperBehind() throws Exception {
        Path fifo = dir.resolve("exec.fifo");
        Fds.mkfifo(fifo.toString(), 0600);
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.DETACH)
                .add(new Op.PivotRoot(rootfs.toString(), false), "root.path")
                .add(new Op.WaitStart(fifo.toString()), "start")
                .add(sh("exit 0"), "process.args").build();
        int pid;
        int helper;
        try (InitSession s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of())) {
            pid = s.awaitPid();
            helper = s.helperPid();
            s.proceed();
            assertEquals(InitSession.Started.READY, s.awaitReady());
            assertEquals(0, s.helperStatus().exitCode());
        }
        assertFalse(Files.exists(Path.of("/proc/" + helper)), "the helper was reaped");
        assertTrue(Files.exists(Path.of("/proc/" + pid)), "the container process waits for start");
        String ppid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("PPid:")).findFirst().orElseThrow();
        assertFalse(ppid.endsWith("\t" + helper), ppid);
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            assertEquals('0', in.read());
        }
        Poll.until(() -> !Files.exists(Path.of("/proc/" + pid))); // reparented: our host's init reaps it
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the container ran to its end");
    }

    @Test
    void noDescriptorLeaksAfterFiftySessions() throws Exception {
        Path fd = Path.of("/proc/self/fd");
        LaunchPlan ok = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(CLONE_NEWPID), "linux.namespaces")
                .add(new Op.Exec("true", rootfs.resolve("bin").toString(), List.of("true"), List.of()), "process.args")
                .build();
        LaunchPlan failing = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.Chdir("/no/such/dir"), "process.cwd")
                .add(new Op.Exec("/bin/true", "", List.of("true"), List.of()), "process.args")
                .build();
        run(ok); // warm up: classes and lazily opened JDK files
        assertThrows(LaunchException.class, () -> run(failing));
        long before;
        try (var s = Files.list(fd)) {
            before = s.count();
        }
        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) {
                assertEquals(0, run(ok).status().shellCode());
            } else {
                assertThrows(LaunchException.class, () -> run(failing));
            }
        }
        long after;
        try (var s = Files.list(fd)) {
            after = s.count();
        }
        assertEquals(before, after, "open descriptors before and after 50 sessions");
    }
}
