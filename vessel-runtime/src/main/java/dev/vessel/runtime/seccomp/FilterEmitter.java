package dev.vessel.runtime.seccomp;

import static dev.vessel.runtime.seccomp.SeccompArch.X32_SYSCALL_BIT;

import dev.vessel.runtime.seccomp.BpfAssembler.Label;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of the program. The filter runs on every syscall the container makes, so the
 * syscall number is found by binary search (a tree of JGE tests, a few JEQ at each leaf), not
 * by one JEQ per listed syscall: about 15 instructions for Docker's 350 names instead of up to
 * 700. Layout:
 * <pre>
 *   ld arch; jeq each AUDIT_ARCH -> its section; ret KILL_THREAD (an ABI not in the filter)
 *   section: ld nr; [x86_64: nr has __X32_SYSCALL_BIT -> x32 section or bad arch]
 *            [default denies: nr > last listed -> ENOSYS]; search tree; leaves: jeq nr -> block
 *   blocks:  conditional rules in order, then the unconditional rule or the default
 *   shared:  one "ret action" per distinct action of unconditional rules
 * </pre>
 */
final class FilterEmitter {

    static final int ENOSYS = 38;
    /** Below this many syscalls a leaf tests each with JEQ; a JGE split costs one instruction per level. */
    private static final int LEAF = 4;

    private final BpfAssembler asm = new BpfAssembler();
    private final int dflt;
    /** Blocks and shared returns go after every section so that all jumps to them are forward. */
    private final List<Runnable> deferred = new ArrayList<>();
    private final Map<Integer, Label> returns = new LinkedHashMap<>();

    private FilterEmitter(int dflt) {
        this.dflt = dflt;
    }

    static byte[] emit(int dflt, Map<SeccompArch, Map<Integer, List<SyscallRule>>> rules) {
        return new FilterEmitter(dflt).program(rules);
    }

    private byte[] program(Map<SeccompArch, Map<Integer, List<SyscallRule>>> rules) {
        Label badArch = asm.label();
        Map<SeccompArch, Label> sections = new LinkedHashMap<>();
        rules.keySet().forEach(a -> sections.put(a, asm.label()));
        asm.load(Bpf.OFF_ARCH);
        Set<Integer> dispatched = new LinkedHashSet<>();
        for (SeccompArch a : rules.keySet()) {
            // x86_64 and x32 share one AUDIT_ARCH value; the x86_64 section splits them.
            if (dispatched.add(a.auditArch)) {
                asm.jump(Bpf.JEQ_K, a.auditArch, sections.get(a), null);
            }
        }
        asm.jumpTo(badArch);
        Label enosys = asm.label();
        for (var e : rules.entrySet()) {
            SeccompArch arch = e.getKey();
            asm.bind(sections.get(arch));
            asm.load(Bpf.OFF_NR);
            if (arch == SeccompArch.X86_64) {
                Label native64 = asm.label();
                // nr -1 (a tracer skipped the syscall) is not an x32 call.
                asm.jump(Bpf.JEQ_K, -1, native64, null);
                asm.jump(Bpf.JGE_K, X32_SYSCALL_BIT, rules.containsKey(SeccompArch.X32) ? sections.get(SeccompArch.X32) : badArch, null);
                asm.bind(native64);
            }
            List<Integer> nrs = new ArrayList<>(e.getValue().keySet());
            nrs.sort(Integer::compareUnsigned);
            if (denies(dflt) && !nrs.isEmpty()) {
                // runc's filters do this too: libc falls back when a newer syscall says ENOSYS, not when it says EPERM.
                asm.jump(Bpf.JGT_K, nrs.getLast(), enosys, null);
            }
            tree(arch, nrs, e.getValue());
        }
        deferred.forEach(Runnable::run);
        asm.bind(enosys);
        asm.ret(SeccompAction.ERRNO | ENOSYS);
        asm.bind(badArch);
        asm.ret(SeccompAction.KILL_THREAD);
        return asm.assemble();
    }

    /** A binary search over sorted {@code nrs}; A holds the syscall number throughout. */
    private void tree(SeccompArch arch, List<Integer> nrs, Map<Integer, List<SyscallRule>> rules) {
        if (nrs.size() <= LEAF) {
            for (int nr : nrs) {
                asm.jump(Bpf.JEQ_K, nr, block(arch, rules.get(nr)), null);
            }
            asm.ret(dflt);
            return;
        }
        int mid = nrs.size() / 2;
        Label upper = asm.label();
        asm.jump(Bpf.JGE_K, nrs.get(mid), upper, null);
        tree(arch, nrs.subList(0, mid), rules);
        asm.bind(upper);
        tree(arch, nrs.subList(mid, nrs.size()), rules);
    }

    /**
     * Where a syscall's decision is made: a shared return, or its own block of conditional rules.
     * When rules overlap, the one libseccomp (hence runc) would apply wins: a rule without
     * conditions beats every rule with some, a rule with fewer conditions beats one with more,
     * and a rule on a higher argument beats one on a lower argument (libseccomp tests higher
     * arguments first); rules still tied go in profile order. (libseccomp also orders rules on the
     * same argument by operator and refuses some duplicates; Vessel keeps profile order there.)
     */
    private Label block(SeccompArch arch, List<SyscallRule> rules) {
        SyscallRule unconditional = rules.stream().filter(r -> r.conditions().isEmpty()).findFirst().orElse(null);
        List<SyscallRule> conditional = rules.stream().filter(r -> !r.conditions().isEmpty())
                .sorted(Comparator.<SyscallRule>comparingInt(r -> r.conditions().size())
                        .thenComparing(Comparator.<SyscallRule>comparingInt(FilterEmitter::highestArgument).reversed()))
                .toList();
        int last = unconditional != null ? unconditional.action() : dflt;
        if (conditional.isEmpty() || unconditional != null) {
            return returns.computeIfAbsent(last, action -> {
                Label l = asm.label();
                deferred.add(() -> {
                    asm.bind(l);
                    asm.ret(action);
                });
                return l;
            });
        }
        Label start = asm.label();
        deferred.add(() -> {
            asm.bind(start);
            for (SyscallRule r : conditional) {
                // A failed condition leaves an argument in A, but it only ever falls through to later rules
                // of this syscall, never back to a number test.
                Label fail = asm.label();
                for (ArgComparison c : r.conditions()) {
                    c.emit(asm, arch.args32, fail);
                }
                asm.ret(r.action());
                asm.bind(fail);
            }
            asm.ret(last);
        });
        return start;
    }

    private static int highestArgument(SyscallRule r) {
        return r.conditions().stream().mapToInt(ArgComparison::index).max().orElse(-1);
    }

    static boolean denies(int action) {
        return action != SeccompAction.ALLOW && action != SeccompAction.LOG && (action & 0xffff0000) != SeccompAction.TRACE;
    }
}
