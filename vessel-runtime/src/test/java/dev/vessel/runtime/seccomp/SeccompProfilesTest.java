package dev.vessel.runtime.seccomp;

import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_I386;
import static dev.vessel.runtime.seccomp.SeccompAction.ALLOW;
import static dev.vessel.runtime.seccomp.SeccompAction.ERRNO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.seccomp.BpfInterpreter.Data;
import dev.vessel.runtime.spec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompProfilesTest {

    /** runc's (and Docker's) default capabilities. */
    static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");
    static final SeccompProfiles.Host HOST = new SeccompProfiles.Host("amd64", "SCMP_ARCH_X86_64", 6, 1);
    static final int EPERM = ERRNO | 1, ENOSYS = ERRNO | 38;
    static final long CLONE_THREAD_FLAGS = 0x3d0f00, CLONE_NEWUSER = 0x10000000, CLONE_NEWNET = 0x40000000;

    @TempDir
    Path tmp;
    final BpfInterpreter bpf = new BpfInterpreter();

    static byte[] compiled(List<String> caps, SeccompProfiles.Host host) {
        SeccompProgram p = SeccompCompiler.compile(SeccompProfiles.dockerDefault(caps, host));
        assertTrue(p.instructions() < Bpf.MAX_INSNS, p.instructions() + " instructions");
        return p.bpf();
    }

    @Test
    void defaultProfileAllowsOrdinaryProgramsAndDeniesTheRest() {
        byte[] p = compiled(DEFAULT_CAPS, HOST);
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(0)), "read");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(59)), "execve");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(161)), "chroot: CAP_SYS_CHROOT is a default capability");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(158)), "arch_prctl on amd64");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(165)), "mount needs CAP_SYS_ADMIN");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(169)), "reboot needs CAP_SYS_BOOT");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(246)), "kexec_load is never allowed");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(272)), "unshare");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(56, CLONE_THREAD_FLAGS)), "clone of a thread");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(56, CLONE_NEWUSER | 17)), "clone into a new user namespace");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(56, CLONE_NEWNET | 17)), "clone into a new network namespace");
        assertEquals(ENOSYS, bpf.run(p, Data.x86_64(435)), "clone3 gets ENOSYS so libc falls back to clone");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(135, 0xffffffffL)), "personality query");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(135, 0x0400000)), "personality READ_IMPLIES_EXEC");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(41, 2)), "socket(AF_INET)");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(41, 40)), "socket(AF_VSOCK)");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(101)), "ptrace: the kernel is newer than 4.8");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(312)), "kcmp needs CAP_SYS_PTRACE");
        assertEquals(ENOSYS, bpf.run(p, Data.x86_64(470)), "a syscall newer than the profile");
        assertEquals(ALLOW, bpf.run(p, new Data(102, AUDIT_ARCH_I386)), "i386 socketcall");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(0x40000000)), "x32 read");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(0x40000000 | 165)), "x32 mount");
    }

    @Test
    void everySyscallIsDecidedInAFewInstructions() {
        byte[] p = compiled(DEFAULT_CAPS, HOST);
        int worst = 0;
        String worstName = null;
        for (var e : SeccompArch.X86_64.table().all().entrySet()) {
            bpf.run(p, Data.x86_64(e.getValue(), 0x1234));
            if (bpf.steps > worst) {
                worst = bpf.steps;
                worstName = e.getKey();
            }
            if (!e.getKey().equals("personality")) {
                // A binary search over ~350 numbers: about 9 levels, a leaf, the arch checks, at most one argument test.
                assertTrue(bpf.steps <= 26, e.getKey() + " takes " + bpf.steps + " instructions");
            }
        }
        // personality has five conditional rules (8 instructions each way) tried in order.
        assertEquals("personality", worstName);
        assertTrue(worst <= 40, "personality takes " + worst);
    }

    @Test
    void capabilitiesOpenTheirSyscalls() {
        List<String> caps = new ArrayList<>(DEFAULT_CAPS);
        caps.addAll(List.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_TIME"));
        byte[] p = compiled(caps, HOST);
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(165)), "mount");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(56, CLONE_NEWUSER | 17)), "clone with namespaces");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(435)), "clone3");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(312)), "kcmp");
        assertEquals(ALLOW, bpf.run(p, Data.x86_64(227)), "clock_settime");
        assertEquals(EPERM, bpf.run(p, Data.x86_64(169)), "reboot still needs CAP_SYS_BOOT");
    }

    @Test
    void oldKernelsDoNotGetPtrace() {
        byte[] p = compiled(DEFAULT_CAPS, new SeccompProfiles.Host("amd64", "SCMP_ARCH_X86_64", 4, 4));
        assertEquals(EPERM, bpf.run(p, Data.x86_64(101)));
    }

    @Test
    void archMapPicksTheHostsAbis() {
        Seccomp s = SeccompProfiles.dockerDefault(DEFAULT_CAPS, HOST);
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), s.architectures());
        assertEquals("SCMP_ACT_ERRNO", s.defaultAction());
        assertEquals(1L, s.defaultErrnoRet());
    }

    @Test
    void dockerFormatFileWithTheOldNameField() throws Exception {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, """
                {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                 "syscalls": [{"name": "mkdir", "action": "SCMP_ACT_ERRNO"},
                              {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}
                """);
        Seccomp s = SeccompProfiles.load(f, DEFAULT_CAPS);
        assertEquals(1, s.syscalls().size());
        assertEquals(List.of("mkdir"), s.syscalls().get(0).names());
        assertNull(s.syscalls().get(0).args());
    }

    @Test
    void badFilesAreOneLineErrors() throws Exception {
        RuntimeError missing = assertThrows(RuntimeError.class, () -> SeccompProfiles.load(tmp.resolve("none.json"), DEFAULT_CAPS));
        assertTrue(missing.getMessage().contains("none.json: no such file"), missing.getMessage());
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"defaultAction\": ");
        assertTrue(assertThrows(RuntimeError.class, () -> SeccompProfiles.load(f, DEFAULT_CAPS)).getMessage().contains("is not JSON"));
        Files.writeString(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"args\": [{\"index\": \"x\"}]}]}");
        String m = assertThrows(RuntimeError.class, () -> SeccompProfiles.load(f, DEFAULT_CAPS)).getMessage();
        assertTrue(m.contains(": syscalls[0].args[0].index expected an unsigned integer"), m);
        Files.writeString(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"],"
                + " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}");
        assertTrue(assertThrows(RuntimeError.class, () -> SeccompProfiles.load(f, DEFAULT_CAPS)).getMessage()
                .contains("both architectures and archMap"));
    }

    @Test
    void kernelVersions() {
        assertEquals(6, SeccompProfiles.version("6.18.44-fc-v669")[0]);
        assertEquals(18, SeccompProfiles.version("6.18.44-fc-v669")[1]);
        assertEquals(1, SeccompProfiles.version("6.1.0-13-amd64")[1]);
        assertTrue(HOST.atLeast("4.8"));
        assertTrue(HOST.atLeast("6.1"));
        assertTrue(!HOST.atLeast("6.2"));
    }
}
