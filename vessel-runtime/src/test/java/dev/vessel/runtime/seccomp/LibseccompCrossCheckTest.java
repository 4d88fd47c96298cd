package dev.vessel.runtime.seccomp;

import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_AARCH64;
import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_I386;
import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_X86_64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vessel.runtime.seccomp.BpfInterpreter.Data;
import dev.vessel.runtime.spec.Seccomp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference implementation as the judge: each profile is also built with libseccomp (the
 * library runc uses), through a C program generated here, and both BPF programs are run on the
 * same inputs. They must return the same action everywhere, except where runc itself patches
 * libseccomp's output: a syscall newer than the profile gets ENOSYS instead of the default.
 */
class LibseccompCrossCheckTest {

    static final long[] ARGS = {0, 1, 2, 5, 8, 40, 0x20000, 0x20008, 0x7E020000L, 0x10000000L | 17, 0x3d0f00, 0xffffffffL,
            0x1_00000000L, 0x1_00000005L, 0x5_00000000L, -1L, 0x8000000000000000L};

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needsLibseccomp() {
        assumeTrue(Files.exists(Path.of("/usr/include/seccomp.h")), "needs libseccomp's header (Debian package libseccomp-dev)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "libseccomp's native ABI must be x86_64");
    }

    @Test
    void dockerDefaultProfile() throws Exception {
        crossCheck("docker", SeccompProfiles.dockerDefault(SeccompProfilesTest.DEFAULT_CAPS, SeccompProfilesTest.HOST));
    }

    @Test
    void dockerDefaultProfileWithSysAdmin() throws Exception {
        List<String> caps = new ArrayList<>(SeccompProfilesTest.DEFAULT_CAPS);
        caps.add("CAP_SYS_ADMIN");
        crossCheck("docker_admin", SeccompProfiles.dockerDefault(caps, SeccompProfilesTest.HOST));
    }

    @Test
    void everyOperatorActionAndAbi() throws Exception {
        List<Seccomp.Syscall> rules = new ArrayList<>();
        String[] ops = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT"};
        String[] calls = {"read", "write", "close", "mmap", "lseek", "dup"};
        long[] values = {5, 0x1_00000005L, 0xffffffffL, 40, 0x5_00000000L, 8};
        for (int i = 0; i < ops.length; i++) {
            rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", (long) (i + 10), List.of(calls[i]),
                    SeccompCompilerTest.arg(0, ops[i], values[i], 0)));
        }
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_TRACE", 7L, List.of("clone"),
                SeccompCompilerTest.arg(0, "SCMP_CMP_MASKED_EQ", 0x7E020000L, 0x10000000L)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_KILL_PROCESS", null, List.of("personality"),
                SeccompCompilerTest.arg(0, "SCMP_CMP_GE", 0x20000, 0), SeccompCompilerTest.arg(1, "SCMP_CMP_LT", 8, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_TRAP", null, List.of("personality"), SeccompCompilerTest.arg(2, "SCMP_CMP_EQ", 1, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_LOG", null, List.of("mkdir", "mkdirat", "socketcall")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_KILL", null, List.of("kexec_load", "arch_prctl")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 3L, List.of("execve")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 4L, List.of("dup2")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 6L, List.of("dup2"), SeccompCompilerTest.arg(0, "SCMP_CMP_EQ", 5, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 6L, List.of("dup3"), SeccompCompilerTest.arg(0, "SCMP_CMP_EQ", 5, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 4L, List.of("dup3")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 11L, List.of("fchmod"), SeccompCompilerTest.arg(0, "SCMP_CMP_EQ", 1, 0),
                SeccompCompilerTest.arg(1, "SCMP_CMP_EQ", 7, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 12L, List.of("fchmod"), SeccompCompilerTest.arg(1, "SCMP_CMP_EQ", 7, 0)));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 2L, List.of("pipe")));
        rules.add(SeccompCompilerTest.rule("SCMP_ACT_ERRNO", 9L, List.of("pipe")));
        Seccomp s = new Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), null, null,
                null, rules);
        crossCheck("synthetic", s);
    }

    private static void crossCheck(String name, Seccomp s) throws Exception {
        byte[] ours = SeccompCompiler.compile(s).bpf();
        byte[] theirs = libseccomp(name, s);
        int dflt = SeccompAction.value(s.defaultAction(), s.defaultErrnoRet(), "defaultAction");
        BpfInterpreter bpf = new BpfInterpreter();
        int compared = 0;
        List<Data> inputs = new ArrayList<>();
        for (int nr : SeccompArch.X86_64.table().all().values()) {
            inputs.add(Data.x86_64(nr));
        }
        for (int nr : SeccompArch.X32.table().all().values()) {
            inputs.add(Data.x86_64(nr));
        }
        for (int nr : SeccompArch.X86.table().all().values()) {
            inputs.add(new Data(nr, AUDIT_ARCH_I386));
        }
        inputs.add(new Data(63, AUDIT_ARCH_AARCH64));
        inputs.add(Data.x86_64(999));
        for (Data in : inputs) {
            for (long a0 : ARGS) {
                for (long a1 : new long[] {0, 7, 9}) {
                    Data d = new Data(in.nr(), in.arch(), a0, a1, a0 == 1 || a0 == 0x20000 ? 1 : 0);
                    int o = bpf.run(ours, d);
                    int t = bpf.run(theirs, d);
                    if (o == (SeccompAction.ERRNO | FilterEmitter.ENOSYS) && t == dflt) {
                        continue; // runc's patch for syscalls newer than the profile
                    }
                    assertEquals(Integer.toHexString(t), Integer.toHexString(o), name + ": nr " + Integer.toHexString(d.nr())
                            + " arch " + Integer.toHexString(d.arch()) + " args " + Long.toHexString(a0) + "," + a1);
                    compared++;
                }
            }
        }
        assertTrue(compared > 10_000, compared + " inputs compared");
    }

    /** The same profile through libseccomp: a generated C program exports its BPF to stdout. */
    private static byte[] libseccomp(String name, Seccomp s) throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder("""
                #include <errno.h>
                #include <seccomp.h>
                #include <stdio.h>
                #include <stdlib.h>
                static void add(scmp_filter_ctx ctx, const char *name, uint32_t action, unsigned n, const struct scmp_arg_cmp *a) {
                    int nr = seccomp_syscall_resolve_name(name);
                    if (nr == __NR_SCMP_ERROR)
                        return;
                    int rc = seccomp_rule_add_array(ctx, action, nr, n, a);
                    if (rc < 0 && rc != -EACCES) { /* EACCES: the default action already; runc skips those too */
                        fprintf(stderr, "%s: %d\\n", name, rc);
                        exit(2);
                    }
                }
                int main(void) {
                """);
        int dflt = SeccompAction.value(s.defaultAction(), s.defaultErrnoRet(), "defaultAction");
        c.append("    scmp_filter_ctx ctx = seccomp_init(").append(Integer.toUnsignedString(dflt)).append("u);\n");
        for (String arch : s.architectures() == null ? List.<String>of() : s.architectures()) {
            if (!arch.equals("SCMP_ARCH_X86_64")) {
                c.append("    if (seccomp_arch_add(ctx, ").append(arch).append(") < 0) return 3;\n");
            }
        }
        for (Seccomp.Syscall r : s.syscalls()) {
            int action = SeccompAction.value(r.action(), r.errnoRet(), "action");
            List<Seccomp.Arg> args = r.args() == null ? List.of() : r.args();
            StringBuilder a = new StringBuilder();
            for (Seccomp.Arg arg : args) {
                a.append("{").append(arg.index()).append(", ").append(arg.op()).append(", ")
                        .append(Long.toUnsignedString(arg.value())).append("ull, ").append(Long.toUnsignedString(arg.valueTwo()))
                        .append("ull},");
            }
            for (String n : r.names()) {
                c.append("    { struct scmp_arg_cmp a[] = {").append(a.isEmpty() ? "{0}" : a).append("}; add(ctx, \"").append(n)
                        .append("\", ").append(Integer.toUnsignedString(action)).append("u, ").append(args.size()).append(", a); }\n");
            }
        }
        c.append("    return seccomp_export_bpf(ctx, 1) < 0 ? 4 : 0;\n}\n");
        Path src = tmp.resolve(name + ".c");
        Path bin = tmp.resolve(name);
        Files.writeString(src, c);
        Process gcc = new ProcessBuilder("gcc", "-O0", "-o", bin.toString(), src.toString(), "-lseccomp").redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), gccOut);
        Process p = new ProcessBuilder(bin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] bpf = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "libseccomp refused the profile");
        return bpf;
    }
}
