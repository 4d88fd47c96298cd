package dev.vessel.runtime.plan;

import static dev.vessel.runtime.plan.Launches.CLONE_NEWIPC;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWNS;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWPID;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWTIME;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWUSER;
import static dev.vessel.runtime.plan.Launches.CLONE_NEWUTS;
import static dev.vessel.runtime.plan.Launches.container;
import static dev.vessel.runtime.plan.Launches.run;
import static dev.vessel.runtime.plan.Launches.sh;
import static dev.vessel.runtime.plan.Launches.startWithStdout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.linux.Fds;
import dev.vessel.linux.Mounts;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Signals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ops after the clone that build a container's environment, each checked from inside it. */
@Tag("root")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlanOpsIT {

    static final int S_IFCHR = 0020000, RLIMIT_NOFILE = 7, CAP_NET_BIND_SERVICE = 10;

    @TempDir
    Path dir;
    Path rootfs;
    String root;

    @BeforeEach
    void rootfs() throws Exception {
        BusyboxRootfs.assumeAvailable();
        rootfs = BusyboxRootfs.create(dir);
        root = rootfs.toString();
    }

    @Test
    void rootfsSetupOps() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 vessel\n");
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.Umask(0), "(device creation)")
                .add(new Op.Mount("tmpfs", false, root, "/dev", "tmpfs", Mounts.MS_NOSUID, "mode=755,size=64k"), "mounts[1]")
                .add(new Op.Mknod(root, "/dev/null", S_IFCHR | 0666, (1 << 8) | 3, 0, 0), "linux.devices[0]")
                .add(new Op.Symlink(root, "/proc/self/fd", "/dev/fd"), "(default symlinks)")
                .add(new Op.MkFile(root, "/etc/vessel/hosts", 0644), "mounts[2].destination")
                .add(new Op.Mount(hosts.toString(), false, root, "/etc/vessel/hosts", "", Mounts.MS_BIND, ""), "mounts[2]")
                .add(new Op.MkdirAll(root, "/data/a/b", 0755), "process.cwd")
                .add(new Op.PivotRoot(root, false), "root.path")
                .add(new Op.WriteFile("/proc/sys/net/ipv4/ip_forward", "1"), "linux.sysctl[\"net.ipv4.ip_forward\"]")
                .add(new Op.MaskPath("/proc/version"), "linux.maskedPaths[0]")
                .add(new Op.MaskPath("/proc/bus"), "linux.maskedPaths[1]")
                .add(new Op.MaskPath("/proc/no-such-file"), "linux.maskedPaths[2]")
                .add(new Op.ReadonlyPath("/proc/sys"), "linux.readonlyPaths[0]")
                .add(new Op.ReadonlyPath("/proc/no-such-dir"), "linux.readonlyPaths[1]")
                .add(new Op.SetDomainname("vessel.example"), "domainname")
                .add(new Op.SetRlimit(RLIMIT_NOFILE, 1000, 2000), "process.rlimits[0]")
                .add(new Op.Chdir("/data/a"), "process.cwd")
                .add(new Op.Umask(077), "process.user.umask")
                .add(sh("cat /proc/sys/net/ipv4/ip_forward;"
                        + " (echo 0 > /proc/sys/net/ipv4/ip_forward) 2>/dev/null && echo writable || echo read-only;"
                        + " pwd; umask; ulimit -n; ulimit -Hn; stat -c '%F %t,%T %a' /dev/null; readlink /dev/fd;"
                        + " cat /etc/vessel/hosts; wc -c < /proc/version; ls /proc/bus | wc -l;"
                        + " cat /proc/sys/kernel/domainname"), "process.args")
                .build();
        Launches.Result r = run(plan);
        assertEquals(String.join("\n", "1", "read-only", "/data/a", "0077", "1000", "2000",
                "character special file 1,3 666", "/proc/self/fd", "127.0.0.1 vessel", "0", "0", "vessel.example", ""),
                r.out());
        assertTrue(Files.isDirectory(rootfs.resolve("data/a/b")));
        assertTrue(Files.isRegularFile(rootfs.resolve("etc/vessel/hosts")));
    }

    @Test
    void userChangeCapabilitiesAndNoNewPrivs() {
        long bit = 1L << CAP_NET_BIND_SERVICE;
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(root, false), "root.path")
                .add(new Op.CapBounding(bit), "process.capabilities.bounding")
                .add(new Op.SetGroups(List.of(1234, 5678)), "process.user.additionalGids")
                .add(new Op.SetGid(1000), "process.user.gid")
                .add(new Op.SetUid(1000), "process.user.uid")
                .add(new Op.Caps(bit, bit, bit, bit), "process.capabilities")
                .add(new Op.NoNewPrivs(), "process.noNewPrivileges")
                .add(sh("grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status"
                        + " | tr -s '\\t ' ' '"), "process.args")
                .build();
        Launches.Result r = run(plan);
        assertEquals(String.join("\n", "Uid: 1000 1000 1000 1000", "Gid: 1000 1000 1000 1000", "Groups: 1234 5678 ",
                "CapInh: 0000000000000400", "CapPrm: 0000000000000400", "CapEff: 0000000000000400",
                "CapBnd: 0000000000000400", "CapAmb: 0000000000000400", "NoNewPrivs: 1", ""), r.out());
    }

    @Test
    void seccompFilterDeniesMkdir() {
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "the test filter is for x86_64");
        // ld arch; jeq X86_64 else allow; ld nr; jeq mkdir(83) or mkdirat(258) -> ERRNO(EPERM); allow
        ByteBuffer bpf = ByteBuffer.allocate(8 * 8).order(ByteOrder.LITTLE_ENDIAN);
        insn(bpf, 0x20, 0, 0, 4);
        insn(bpf, 0x15, 0, 4, 0xC000003E);
        insn(bpf, 0x20, 0, 0, 0);
        insn(bpf, 0x15, 3, 0, 83);
        insn(bpf, 0x15, 2, 0, 258);
        insn(bpf, 0x06, 0, 0, 0x7fff0000);
        insn(bpf, 0x06, 0, 0, 0x7fff0000);
        insn(bpf, 0x06, 0, 0, 0x00050000 | 1);
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(root, false), "root.path")
                .add(new Op.NoNewPrivs(), "process.noNewPrivileges")
                .add(new Op.Seccomp(bpf.array(), 0), "linux.seccomp")
                .add(sh("mkdir /tmp/x 2>&1; echo $?; touch /tmp/y && echo touched"), "process.args")
                .build();
        Launches.Result r = run(plan);
        assertEquals("mkdir: can't create directory '/tmp/x': Operation not permitted\n1\ntouched\n", r.out());
    }

    private static void insn(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    @Test
    void preservedDescriptorsAndCloseFds() {
        // Two preserved fds become the container's 3 and 4; CloseFds(4) then lets only 3 through.
        assertEquals("fd4-closed\n", runWithTwoPreserved(true));
        assertTrue(runWithTwoPreserved(false).startsWith("pipe:["), "without CloseFds fd 4 stays open");
    }

    private String runWithTwoPreserved(boolean closeFds) {
        Fds.Pair three = Fds.pipe();
        Fds.Pair four = Fds.pipe();
        LaunchPlan.Builder b = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(root, false), "root.path");
        if (closeFds) {
            b.add(new Op.CloseFds(4), "--preserve-fds 1");
        }
        b.add(sh("echo via-3 >&3; readlink /proc/self/fd/4 2>/dev/null || echo fd4-closed"), "process.args");
        Launches.Result r;
        try {
            r = run(b.build(), List.of(three.second(), four.second()), pid -> { });
        } finally {
            Fds.close(three.second());
            Fds.close(four.second());
        }
        assertEquals("via-3\n", Launches.readAll(three.first()));
        Fds.close(three.first());
        Fds.close(four.first());
        return r.out();
    }

    @Test
    void userNamespaceWithMapsWrittenBetweenPidAndGo() throws Exception {
        // The unmapped host root owns the test's directories: others need to traverse them.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        LaunchPlan plan = container(rootfs, LaunchPlan.Mode.MONITOR,
                CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC)
                .add(new Op.PivotRoot(root, false), "root.path")
                .build();
        // BecomeRoot must come right after the clone, before the mounts.
        List<LaunchPlan.Step> steps = new java.util.ArrayList<>(plan.steps());
        steps.add(1, new LaunchPlan.Step(new Op.BecomeRoot(), "linux.uidMappings"));
        LaunchPlan.Builder b = LaunchPlan.builder(LaunchPlan.Mode.MONITOR);
        steps.forEach(s -> b.add(s.op(), s.label()));
        b.add(sh("id -u; id -g; echo $$; tr -s ' ' < /proc/self/uid_map"), "process.args");
        Launches.Result r = run(b.build(), List.of(), pid -> {
            write("/proc/" + pid + "/uid_map", "0 100000 65536");
            write("/proc/" + pid + "/gid_map", "0 100000 65536");
        });
        assertEquals("0\n0\n1\n 0 100000 65536\n", r.out());
    }

    private static void write(String path, String content) {
        try {
            Files.writeString(Path.of(path), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void setNsJoinsAnotherContainersNamespace() {
        LaunchPlan first = container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.PivotRoot(root, false), "root.path")
                .add(sh("echo up; exec sleep 60"), "process.args").build();
        Fds.Pair out = Fds.pipe();
        try (InitSession a = startWithStdout(first, out)) {
            int pid = a.awaitPid();
            a.proceed();
            a.awaitReady();
            byte[] up = new byte[3];
            assertTrue(Fds.readFully(out.first(), up, 0, 3));
            LaunchPlan join = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                    .add(new Op.SetNs("/proc/" + pid + "/ns/uts", (int) CLONE_NEWUTS), "(exec) uts")
                    .add(new Op.Clone(0), "(exec)")
                    .add(new Op.Exec("busybox", "/bin", List.of("busybox", "hostname"), List.of()), "process.args")
                    .build();
            assertEquals("vessel-test\n", run(join).out());
            Processes.kill(pid, Signals.SIGKILL);
            assertEquals(137, a.awaitExit().shellCode());
        } finally {
            Fds.close(out.first());
        }
    }

    @Test
    void timeNamespaceOffsetsWrittenBeforeTheClone() {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/ns/time")), "kernel without time namespaces");
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Unshare(CLONE_NEWTIME), "linux.namespaces[time]")
                .add(new Op.WriteFile("/proc/self/timens_offsets", "7 1000000 0\n"), "linux.timeOffsets.boottime")
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.Exec("busybox", "/bin", List.of("busybox", "cut", "-d.", "-f1", "/proc/uptime"), List.of()),
                        "process.args")
                .build();
        long uptime = Long.parseLong(run(plan).out().strip());
        assertTrue(uptime >= 1_000_000, "uptime in the time namespace: " + uptime);
    }

    /** Before its exec the container process holds host descriptors: a peer without CAP_SYS_PTRACE must not reach them. */
    @Test
    void theProcessBeforeExecIsNotDumpable() throws Exception {
        Path fifo = dir.resolve("exec.fifo");
        Fds.mkfifo(fifo.toString(), 0600);
        int lastCap = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/cap_last_cap")).strip());
        long all = (1L << (lastCap + 1)) - 1;
        long noPtrace = all & ~(1L << 19); // CAP_SYS_PTRACE
        // Same uid and capabilities on both sides: only the dumpable flag stands between them.
        LaunchPlan waiting = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.CapBounding(noPtrace), "process.capabilities.bounding")
                .add(new Op.Caps(noPtrace, noPtrace, 0, 0), "process.capabilities")
                .add(new Op.WaitStart(fifo.toString()), "start")
                .add(new Op.Exec("true", "/bin", List.of("true"), List.of()), "process.args").build();
        try (InitSession a = InitSession.start(waiting, InitSession.Stdio.INHERIT, List.of())) {
            int pid = a.awaitPid();
            a.proceed();
            assertEquals(InitSession.Started.READY, a.awaitReady());
            LaunchPlan peek = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                    .add(new Op.Clone(0), "linux.namespaces")
                    .add(new Op.CapBounding(noPtrace), "process.capabilities.bounding")
                    .add(new Op.Caps(noPtrace, noPtrace, 0, 0), "process.capabilities")
                    .add(new Op.Exec("busybox", "/bin", List.of("busybox", "sh", "-c",
                            "readlink /proc/" + pid + "/exe >/dev/null 2>&1 && echo reachable || echo denied"), List.of()),
                            "process.args").build();
            assertEquals("denied\n", run(peek).out());
            try (var in = new java.io.FileInputStream(fifo.toFile())) {
                assertEquals('0', in.read());
            }
            assertEquals(0, a.awaitExit().exitCode());
        }
    }

    /**
     * pivot_root fails with EINVAL when the current root is not a mount point, as after a chroot
     * into a plain directory (or on initramfs); moveFallback then moves the rootfs onto "/".
     */
    @Test
    void pivotRootFallsBackToMoveAndChroot() {
        LaunchPlan.Builder b = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(CLONE_NEWNS | CLONE_NEWPID), "linux.namespaces")
                .add(new Op.Mount("", false, "", "/", "", Mounts.MS_REC | Mounts.MS_PRIVATE, ""), "linux.rootfsPropagation")
                .add(new Op.Mount(root, false, "", root, "", Mounts.MS_BIND | Mounts.MS_REC, ""), "root.path")
                .add(new Op.Chroot(dir.toString()), "(a root that is no mount point)");
        List<LaunchPlan.Step> strictSteps = new java.util.ArrayList<>(b.build().steps());
        strictSteps.add(new LaunchPlan.Step(new Op.PivotRoot("/rootfs", false), "root.path"));
        strictSteps.add(new LaunchPlan.Step(sh("true"), "process.args"));
        LaunchPlan strict = LaunchPlan.of(LaunchPlan.Mode.MONITOR, strictSteps);
        LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class, () -> run(strict));
        assertEquals("root.path", e.label());
        assertEquals(dev.vessel.linux.Errno.EINVAL, e.errnoValue());

        b.add(new Op.PivotRoot("/rootfs", true), "root.path")
                .add(sh("ls /bin/busybox /etc/hostname-of-image; ls / | grep -c rootfs"), "process.args");
        assertEquals("/bin/busybox\n/etc/hostname-of-image\n0\n", run(b.build()).out());
    }

    @Test
    void setSidAndChroot() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(CLONE_NEWNS | CLONE_NEWPID), "linux.namespaces")
                .add(new Op.SetSid(false), "process.terminal")
                .add(new Op.Chroot(root), "root.path")
                .add(sh("cut -d' ' -f6 /proc/self/stat 2>/dev/null || true; echo $$; ls /bin/busybox"), "process.args")
                .build();
        Launches.Result r = run(plan);
        // No /proc in the chroot: the session id comes from the shell's view instead.
        assertEquals("1\n/bin/busybox\n", r.out());
    }
}
