package dev.vessel.runtime.seccomp;

import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_AARCH64;
import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_I386;
import static dev.vessel.runtime.seccomp.BpfInterpreter.AUDIT_ARCH_X86_64;
import static dev.vessel.runtime.seccomp.SeccompAction.ALLOW;
import static dev.vessel.runtime.seccomp.SeccompAction.ERRNO;
import static dev.vessel.runtime.seccomp.SeccompAction.KILL_PROCESS;
import static dev.vessel.runtime.seccomp.SeccompAction.KILL_THREAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.seccomp.BpfInterpreter.Data;
import dev.vessel.runtime.spec.Seccomp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {

    static final int NR_READ = 0, NR_MKDIR = 83, NR_PERSONALITY = 135, NR_I386_MKDIR = 39, X32 = 0x40000000;
    final BpfInterpreter bpf = new BpfInterpreter();

    static Seccomp profile(String dflt, List<String> arches, Seccomp.Syscall... rules) {
        return new Seccomp(dflt, null, arches, null, null, null, List.of(rules));
    }

    static Seccomp.Syscall rule(String action, Long errnoRet, List<String> names, Seccomp.Arg... args) {
        return new Seccomp.Syscall(names, action, errnoRet, args.length == 0 ? null : List.of(args));
    }

    static Seccomp.Arg arg(int index, String op, long value, long valueTwo) {
        return new Seccomp.Arg(index, value, valueTwo, op);
    }

    int run(Seccomp s, Data d) {
        return bpf.run(SeccompCompiler.compile(s).bpf(), d);
    }

    @Test
    void deniesListedSyscallAndAllowsTheRest() {
        Seccomp s = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_MKDIR)), "ERRNO defaults to EPERM");
        assertEquals(ALLOW, run(s, Data.x86_64(NR_READ)));
        assertEquals(ALLOW, run(s, Data.x86_64(-1)), "nr -1 (skipped by a tracer) is not x32");
    }

    @Test
    void everyActionHasItsKernelValue() {
        Map<String, Integer> expected = Map.of("SCMP_ACT_KILL", 0, "SCMP_ACT_KILL_THREAD", 0, "SCMP_ACT_KILL_PROCESS", 0x80000000,
                "SCMP_ACT_TRAP", 0x00030000, "SCMP_ACT_ERRNO", 0x00050000 | 13, "SCMP_ACT_TRACE", 0x7ff00000 | 13,
                "SCMP_ACT_ALLOW", 0x7fff0000, "SCMP_ACT_LOG", 0x7ffc0000, "SCMP_ACT_NOTIFY", 0x7fc00000);
        expected.forEach((action, value) -> {
            Long errno = action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE") ? 13L : null;
            Seccomp s = profile("SCMP_ACT_ALLOW", null, rule(action, errno, List.of("mkdir")));
            assertEquals(value, run(s, Data.x86_64(NR_MKDIR)), action);
        });
        assertEquals(0x7ff00000 | 1, run(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_TRACE", null, List.of("mkdir"))),
                Data.x86_64(NR_MKDIR)), "TRACE without errnoRet carries EPERM, as runc");
        assertTrue(SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_NOTIFY", null, List.of("mkdir")))).notifies());
    }

    @Test
    void defaultErrnoRetAndDefaultActions() {
        Seccomp s = new Seccomp("SCMP_ACT_ERRNO", 38L, null, null, null, null,
                List.of(rule("SCMP_ACT_ALLOW", null, List.of("read", "mkdir"))));
        assertEquals(ERRNO | 38, run(s, Data.x86_64(1)), "write is not listed");
        assertEquals(ALLOW, run(s, Data.x86_64(NR_MKDIR)));
        assertEquals(KILL_PROCESS, run(profile("SCMP_ACT_KILL_PROCESS", null), Data.x86_64(NR_READ)), "no rules at all");
    }

    @Test
    void otherArchitecturesAreKilled() {
        Seccomp s = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64"), rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(KILL_THREAD, run(s, new Data(NR_MKDIR, AUDIT_ARCH_AARCH64)));
        assertEquals(KILL_THREAD, run(s, new Data(NR_I386_MKDIR, AUDIT_ARCH_I386)), "i386 not listed");
        assertEquals(KILL_THREAD, run(s, Data.x86_64(X32 | 83)), "x32 not listed");
        Seccomp none = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(ERRNO | 1, run(none, Data.x86_64(NR_MKDIR)), "no architectures: the native one is filtered");
        Seccomp foreign = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_AARCH64"), rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(ERRNO | 1, run(foreign, Data.x86_64(NR_MKDIR)), "native x86_64 is always filtered");
        assertEquals(KILL_THREAD, run(foreign, new Data(33, AUDIT_ARCH_AARCH64)), "no table for aarch64: nothing of it passes");
    }

    @Test
    void i386AndX32UseTheirOwnNumbers() {
        Seccomp s = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(ERRNO | 1, run(s, new Data(NR_I386_MKDIR, AUDIT_ARCH_I386)));
        assertEquals(ALLOW, run(s, new Data(NR_MKDIR, AUDIT_ARCH_I386)), "83 on i386 is symlink");
        assertEquals(ERRNO | 1, run(s, Data.x86_64(X32 | 83)), "x32 mkdir");
        assertEquals(ALLOW, run(s, Data.x86_64(X32 | NR_READ)));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_MKDIR)));
        // x32 alone (its own 512+ numbers are x32-only, e.g. execve)
        Seccomp x32 = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X32"), rule("SCMP_ACT_KILL_PROCESS", null, List.of("execve")));
        assertEquals(KILL_PROCESS, run(x32, Data.x86_64(X32 | 520)));
        assertEquals(KILL_PROCESS, run(x32, Data.x86_64(59)), "native execve");
        assertEquals(ALLOW, run(x32, Data.x86_64(X32 | 59)), "59 is not execve on x32");
    }

    static final long[] EDGES = {0, 1, 5, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x1_00000000L, 0x1_00000001L, 0x1_00000005L,
            0x5_00000000L, 0xffffffff_00000000L, 0x7fffffff_ffffffffL, 0x80000000_00000000L, -1L};

    @Test
    void everyOperatorComparesAll64BitsUnsigned() {
        String[] ops = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT"};
        for (String op : ops) {
            for (long value : EDGES) {
                Seccomp s = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("personality"), arg(0, op, value, 0)));
                byte[] prog = SeccompCompiler.compile(s).bpf();
                for (long a : EDGES) {
                    int c = Long.compareUnsigned(a, value);
                    boolean holds = switch (op) {
                        case "SCMP_CMP_NE" -> c != 0;
                        case "SCMP_CMP_LT" -> c < 0;
                        case "SCMP_CMP_LE" -> c <= 0;
                        case "SCMP_CMP_EQ" -> c == 0;
                        case "SCMP_CMP_GE" -> c >= 0;
                        default -> c > 0;
                    };
                    assertEquals(holds ? ERRNO | 1 : ALLOW, bpf.run(prog, Data.x86_64(NR_PERSONALITY, a)),
                            Long.toHexString(a) + " " + op + " " + Long.toHexString(value));
                }
            }
        }
    }

    @Test
    void maskedEqualityUsesValueAsMaskAndValueTwoAsBits() {
        long[] masks = {0x7E020000L, 0xff_000000ffL, -1L, 0};
        for (long mask : masks) {
            for (long bits : EDGES) {
                Seccomp s = profile("SCMP_ACT_ALLOW", null,
                        rule("SCMP_ACT_ERRNO", null, List.of("clone"), arg(0, "SCMP_CMP_MASKED_EQ", mask, bits & mask)));
                byte[] prog = SeccompCompiler.compile(s).bpf();
                for (long a : EDGES) {
                    boolean holds = (a & mask) == (bits & mask);
                    assertEquals(holds ? ERRNO | 1 : ALLOW, bpf.run(prog, Data.x86_64(56, a)),
                            Long.toHexString(a) + " & " + Long.toHexString(mask));
                }
            }
        }
    }

    @Test
    void conditionsOfARuleAreAndedAndRulesAreOred() {
        Seccomp s = profile("SCMP_ACT_ALLOW", null,
                rule("SCMP_ACT_ERRNO", 1L, List.of("personality"), arg(0, "SCMP_CMP_EQ", 7, 0), arg(1, "SCMP_CMP_GT", 10, 0)),
                rule("SCMP_ACT_ERRNO", 2L, List.of("personality"), arg(2, "SCMP_CMP_EQ", 3, 0)));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_PERSONALITY, 7, 11)));
        assertEquals(ALLOW, run(s, Data.x86_64(NR_PERSONALITY, 7, 10)), "second condition fails");
        assertEquals(ALLOW, run(s, Data.x86_64(NR_PERSONALITY, 8, 11)), "first condition fails");
        assertEquals(ERRNO | 2, run(s, Data.x86_64(NR_PERSONALITY, 8, 0, 3)), "the other rule");
        assertEquals(ERRNO | 2, run(s, Data.x86_64(NR_PERSONALITY, 7, 11, 3)), "both match: the rule with fewer conditions");
    }

    @Test
    void sameArgumentTwiceMakesSeparateRulesAsRunc() {
        Seccomp s = profile("SCMP_ACT_ERRNO", null, rule("SCMP_ACT_ALLOW", null, List.of("personality"),
                arg(0, "SCMP_CMP_EQ", 0, 0), arg(0, "SCMP_CMP_EQ", 8, 0)));
        assertEquals(ALLOW, run(s, Data.x86_64(NR_PERSONALITY, 0)));
        assertEquals(ALLOW, run(s, Data.x86_64(NR_PERSONALITY, 8)));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_PERSONALITY, 9)));
    }

    @Test
    void overlappingRulesResolveAsLibseccompDoes() {
        // An unconditional rule beats conditional ones, in either order.
        Seccomp s = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("personality")),
                rule("SCMP_ACT_ALLOW", null, List.of("personality"), arg(0, "SCMP_CMP_EQ", 0xffffffffL, 0)),
                rule("SCMP_ACT_ALLOW", null, List.of("mkdir"), arg(0, "SCMP_CMP_EQ", 5, 0)),
                rule("SCMP_ACT_ERRNO", 9L, List.of("mkdir")));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_PERSONALITY, 0xffffffffL)));
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_PERSONALITY, 0)));
        assertEquals(ERRNO | 9, run(s, Data.x86_64(NR_MKDIR, 5)));
        // Fewer conditions first, then the higher argument first.
        Seccomp t = profile("SCMP_ACT_ALLOW", null,
                rule("SCMP_ACT_ERRNO", 1L, List.of("personality"), arg(0, "SCMP_CMP_EQ", 1, 0), arg(1, "SCMP_CMP_EQ", 1, 0)),
                rule("SCMP_ACT_ERRNO", 2L, List.of("personality"), arg(0, "SCMP_CMP_EQ", 1, 0)),
                rule("SCMP_ACT_ERRNO", 3L, List.of("personality"), arg(2, "SCMP_CMP_EQ", 1, 0)));
        assertEquals(ERRNO | 3, run(t, Data.x86_64(NR_PERSONALITY, 1, 1, 1)));
        assertEquals(ERRNO | 2, run(t, Data.x86_64(NR_PERSONALITY, 1, 1, 0)));
    }

    @Test
    void thirtyTwoBitAbisCompareTheLowWordOnly() {
        Seccomp s = profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86"),
                rule("SCMP_ACT_ERRNO", null, List.of("personality"), arg(0, "SCMP_CMP_EQ", -1L, 0)));
        assertEquals(ERRNO | 1, run(s, new Data(136, AUDIT_ARCH_I386, 0xffffffffL)), "libseccomp's 32-bit semantics");
        assertEquals(ALLOW, run(s, Data.x86_64(NR_PERSONALITY, 0xffffffffL)), "x86_64 sees all 64 bits");
        assertEquals(ERRNO | 1, run(s, Data.x86_64(NR_PERSONALITY, -1L)));
    }

    @Test
    void longJumpsWithEverySyscallOfTheTable() {
        // One rule per syscall of every ABI, each with its own errno and a condition: thousands of instructions,
        // so the arch dispatch and the ENOSYS stub jump far beyond an 8-bit offset.
        List<Seccomp.Syscall> rules = new ArrayList<>();
        Map<String, Integer> table = SeccompArch.X86_64.table().all();
        int i = 0;
        for (String name : table.keySet()) {
            rules.add(rule("SCMP_ACT_ERRNO", (long) (i++ % 4000 + 1), List.of(name)));
        }
        rules.add(rule("SCMP_ACT_KILL_PROCESS", null, List.of("personality"), arg(0, "SCMP_CMP_EQ", 0x1234, 0)));
        Seccomp s = new Seccomp("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), null,
                null, null, rules);
        SeccompProgram p = SeccompCompiler.compile(s);
        assertTrue(p.instructions() > 3 * 300, "program of " + p.instructions());
        int far = 0;
        for (int pc = 0; pc < p.instructions(); pc++) {
            far += p.bpf()[pc * 8] == Bpf.JA ? 1 : 0;
        }
        assertTrue(far > 100, far + " JA trampolines: the test must exercise jumps beyond 255");
        i = 0;
        for (var e : table.entrySet()) {
            int expected = ERRNO | (i++ % 4000 + 1);
            assertEquals(expected, bpf.run(p.bpf(), Data.x86_64(e.getValue())), e.getKey());
            assertTrue(bpf.steps < p.instructions(), "a syscall runs through its ABI's section only");
        }
        int personality = ERRNO | (List.copyOf(table.keySet()).indexOf("personality") + 1);
        assertEquals(personality, bpf.run(p.bpf(), Data.x86_64(NR_PERSONALITY, 0x1234)), "the unconditional rule wins");
        for (var e : SeccompArch.X86.table().all().entrySet()) {
            int idx = List.copyOf(table.keySet()).indexOf(e.getKey());
            int expected = idx < 0 ? ERRNO | 1 : ERRNO | (idx + 1);
            assertEquals(expected, bpf.run(p.bpf(), new Data(e.getValue(), AUDIT_ARCH_I386)), "i386 " + e.getKey());
        }
        assertEquals(ERRNO | (List.copyOf(table.keySet()).indexOf("mkdir") + 1), bpf.run(p.bpf(), Data.x86_64(X32 | 83)), "x32 mkdir");
        assertEquals(ERRNO | 38, bpf.run(p.bpf(), Data.x86_64(1000)), "beyond every known syscall: ENOSYS");
    }

    @Test
    void newerSyscallsGetEnosysOnlyWhenTheDefaultDenies() {
        Seccomp deny = profile("SCMP_ACT_ERRNO", null, rule("SCMP_ACT_ALLOW", null, List.of("read", "mkdir")));
        assertEquals(ERRNO | 38, run(deny, Data.x86_64(435)), "clone3 is newer than anything listed");
        assertEquals(ERRNO | 1, run(deny, Data.x86_64(1)), "older and unlisted (write): the default");
        assertEquals(ERRNO | 38, run(deny, Data.x86_64(NR_PERSONALITY)), "personality is newer than mkdir, the last listed");
        Seccomp allow = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir")));
        assertEquals(ALLOW, run(allow, Data.x86_64(435)));
    }

    @Test
    void flagsPassThrough() {
        Seccomp s = new Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW"), null, null, List.of());
        assertEquals(1 | 2 | 4, SeccompCompiler.compile(s).flags());
        List<String> waitKillable = List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        assertEquals(0, SeccompCompiler.compile(new Seccomp("SCMP_ACT_ALLOW", null, null, waitKillable, null, null,
                List.of())).flags(), "meaningless (and EINVAL) without a notifying rule");
        assertEquals(32 | 8, SeccompCompiler.compile(new Seccomp("SCMP_ACT_ALLOW", null, null, waitKillable, "/run/agent.sock", null,
                List.of(rule("SCMP_ACT_NOTIFY", null, List.of("mkdir"))))).flags());
    }

    @Test
    void notifyAsksForAListenerAndReturnsUserNotif() {
        Seccomp s = new Seccomp("SCMP_ACT_ALLOW", null, null, null, "/run/agent.sock", "meta",
                List.of(rule("SCMP_ACT_NOTIFY", null, List.of("mkdir")), rule("SCMP_ACT_ERRNO", null, List.of("rmdir"))));
        SeccompProgram p = SeccompCompiler.compile(s);
        assertTrue(p.notifies());
        assertEquals(8, p.flags(), "SECCOMP_FILTER_FLAG_NEW_LISTENER, nothing else");
        assertEquals(0x7fc00000, run(s, Data.x86_64(NR_MKDIR)), "SECCOMP_RET_USER_NOTIF");
        assertEquals(ERRNO | 1, run(s, Data.x86_64(84)), "rmdir keeps its own action");
        assertEquals(ALLOW, run(s, Data.x86_64(NR_READ)));
        assertEquals(0, SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir")))).flags(),
                "no listener without a NOTIFY rule");
        Seccomp tsync = new Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_TSYNC"), "/run/agent.sock", null,
                List.of(rule("SCMP_ACT_NOTIFY", null, List.of("mkdir"))));
        assertEquals(1 | 8 | 16, SeccompCompiler.compile(tsync).flags(), "TSYNC with a listener needs TSYNC_ESRCH, as libseccomp adds");
    }

    @Test
    void unknownSyscallNamesAreSkipped() {
        Seccomp s = profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("no_such_call", "mkdir")));
        SeccompProgram p = SeccompCompiler.compile(s);
        assertEquals(List.of("no_such_call"), p.unknownSyscalls());
        assertEquals(ERRNO | 1, bpf.run(p.bpf(), Data.x86_64(NR_MKDIR)));
    }

    @Test
    void malformedRulesAreErrorsNamingTheRule() {
        assertError("linux.seccomp.syscalls[1].args[0].op \"SCMP_CMP_FOO\" is not an operator: use SCMP_CMP_NE,",
                profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir")),
                        rule("SCMP_ACT_ERRNO", null, List.of("rmdir"), arg(0, "SCMP_CMP_FOO", 1, 0))));
        assertError("linux.seccomp.syscalls[0].args[0].index 6 is not a syscall argument: use 0..5",
                profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of("mkdir"), arg(6, "SCMP_CMP_EQ", 1, 0))));
        assertError("linux.seccomp.syscalls[0].action \"SCMP_ACT_DENY\" is not a seccomp action: use SCMP_ACT_KILL,",
                profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_DENY", null, List.of("mkdir"))));
        assertError("linux.seccomp.defaultAction \"ALLOW\" is not a seccomp action", profile("ALLOW", null));
        assertError("linux.seccomp.syscalls[0].errnoRet 70000 is not an errno",
                profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", 70000L, List.of("mkdir"))));
        assertError("linux.seccomp.architectures[0] \"SCMP_ARCH_Z80\" is not an architecture",
                profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_Z80")));
        assertError("linux.seccomp.flags[0] \"SECCOMP_FILTER_FLAG_FAST\" is not a seccomp filter flag",
                new Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_FAST"), null, null, null));
        assertError("linux.seccomp.syscalls[0].names is empty", profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", null, List.of())));
        assertError("linux.seccomp.defaultAction \"SCMP_ACT_NOTIFY\" cannot be the default action", profile("SCMP_ACT_NOTIFY", null));
    }

    @Test
    void tooLongAProgramIsAnError() {
        List<Seccomp.Syscall> rules = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rules.add(rule("SCMP_ACT_ERRNO", null, List.of("personality"), arg(0, "SCMP_CMP_EQ", i, 0)));
        }
        assertError("compiles to", profile("SCMP_ACT_ALLOW", null, rules.toArray(Seccomp.Syscall[]::new)));
    }

    private static void assertError(String start, Seccomp s) {
        RuntimeError e = assertThrows(RuntimeError.class, () -> SeccompCompiler.compile(s));
        assertTrue(e.getMessage().contains(start), e.getMessage());
    }
}
