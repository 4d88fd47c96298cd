package dev.vessel.runtime.seccomp;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.spec.SeccompNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code linux.seccomp} to classic BPF, with runc's (libseccomp's) semantics:
 * <ul>
 * <li>the native ABI (x86_64) is always filtered, the listed x86 and x32 are added; an ABI not
 *     in the filter gets SECCOMP_RET_KILL_THREAD, libseccomp's default "bad arch" action;</li>
 * <li>x32 shares AUDIT_ARCH_X86_64 and is told apart by __X32_SYSCALL_BIT in the number;</li>
 * <li>a rule's conditions are ANDed, except that conditions naming the same argument twice
 *     become separate rules (ORed), as runc does; rules for one syscall are ORed, and where
 *     they overlap the winner is libseccomp's (see {@link FilterEmitter});</li>
 * <li>a syscall newer than every one the profile names returns ENOSYS when the default action
 *     denies, as runc's patched filters do, so libc falls back (clone3 to clone, etc.).</li>
 * </ul>
 * Syscall names that no selected ABI knows are skipped (runc logs them at debug level);
 * malformed rules are errors naming the rule.
 */
public final class SeccompCompiler {

    private static final System.Logger LOG = System.getLogger(SeccompCompiler.class.getName());
    private static final String BASE = "linux.seccomp";
    static final int FLAG_TSYNC = 1, FLAG_LOG = 2, FLAG_SPEC_ALLOW = 4, FLAG_NEW_LISTENER = 8, FLAG_TSYNC_ESRCH = 16,
            FLAG_WAIT_KILLABLE_RECV = 32;

    private SeccompCompiler() {}

    public static SeccompProgram compile(Seccomp s) {
        int dflt = SeccompAction.value(s.defaultAction(), s.defaultErrnoRet(), BASE + ".defaultAction");
        if (dflt == SeccompAction.USER_NOTIF) {
            throw new RuntimeError(BASE + ".defaultAction \"SCMP_ACT_NOTIFY\" cannot be the default action:"
                    + " list the syscalls to notify on");
        }
        Set<SeccompArch> arches = arches(s.architectures());
        int flags = flags(s.flags());
        Map<SeccompArch, Map<Integer, List<SyscallRule>>> rules = new LinkedHashMap<>();
        arches.forEach(a -> rules.put(a, new LinkedHashMap<>()));
        List<String> unknown = new ArrayList<>();
        boolean notifies = false;
        List<Seccomp.Syscall> syscalls = s.syscalls() == null ? List.of() : s.syscalls();
        for (int i = 0; i < syscalls.size(); i++) {
            String at = BASE + ".syscalls[" + i + "]";
            Seccomp.Syscall sc = syscalls.get(i);
            if (sc == null) {
                throw new RuntimeError(at + " is null; remove it");
            }
            if (sc.names() == null || sc.names().isEmpty()) {
                throw new RuntimeError(at + ".names is empty: list the syscalls this rule is for");
            }
            int action = SeccompAction.value(sc.action(), sc.errnoRet(), at + ".action");
            notifies |= action == SeccompAction.USER_NOTIF;
            List<ArgComparison> conds = new ArrayList<>();
            List<Seccomp.Arg> args = sc.args() == null ? List.of() : sc.args();
            for (int j = 0; j < args.size(); j++) {
                conds.add(ArgComparison.of(args.get(j), at + ".args[" + j + "]"));
            }
            List<SyscallRule> expanded = expand(action, conds);
            for (int n = 0; n < sc.names().size(); n++) {
                String name = sc.names().get(n);
                if (name == null || name.isEmpty()) {
                    throw new RuntimeError(at + ".names[" + n + "] is empty: give a syscall name");
                }
                boolean known = false;
                for (SeccompArch arch : arches) {
                    OptionalInt nr = arch.number(name);
                    if (nr.isPresent()) {
                        known = true;
                        rules.get(arch).computeIfAbsent(nr.getAsInt(), k -> new ArrayList<>()).addAll(expanded);
                    }
                }
                if (!known) {
                    LOG.log(System.Logger.Level.DEBUG, "seccomp: syscall \"" + name + "\" (" + at + ") is unknown on "
                            + arches + ", skipping it");
                    unknown.add(name);
                }
            }
        }
        byte[] bpf = FilterEmitter.emit(dflt, rules);
        if (bpf.length / Bpf.INSN_SIZE > Bpf.MAX_INSNS) {
            throw new RuntimeError(BASE + ": the filter compiles to " + bpf.length / Bpf.INSN_SIZE
                    + " BPF instructions and the kernel takes at most " + Bpf.MAX_INSNS + "; merge or drop rules");
        }
        if (!notifies) {
            // The kernel refuses this flag without a listener (EINVAL); it only changes how a notifying filter waits.
            flags &= ~FLAG_WAIT_KILLABLE_RECV;
        } else {
            // SECCOMP_RET_USER_NOTIF needs a listener, which the loader hands to listenerPath.
            flags |= FLAG_NEW_LISTENER;
            if ((flags & FLAG_TSYNC) != 0) {
                // The kernel refuses TSYNC with a new listener unless a failed sync is ESRCH
                // (it would return a thread id where the listener fd goes); libseccomp adds it too.
                flags |= FLAG_TSYNC_ESRCH;
            }
        }
        return new SeccompProgram(bpf, flags, List.copyOf(unknown), notifies);
    }

    /** runc: if two conditions name the same argument, each condition is a rule of its own. */
    private static List<SyscallRule> expand(int action, List<ArgComparison> conds) {
        Set<Integer> seen = new LinkedHashSet<>();
        boolean repeated = false;
        for (ArgComparison c : conds) {
            repeated |= !seen.add(c.index());
        }
        if (!repeated) {
            return List.of(new SyscallRule(action, List.copyOf(conds)));
        }
        return conds.stream().map(c -> new SyscallRule(action, List.of(c))).toList();
    }

    private static Set<SeccompArch> arches(List<String> names) {
        Set<SeccompArch> out = new LinkedHashSet<>();
        out.add(SeccompArch.X86_64); // libseccomp always filters the native ABI
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i);
            SeccompArch a = SeccompArch.bySpecName(name);
            if (a != null) {
                out.add(a);
            } else if (SeccompNames.ARCHES.contains(name)) {
                // Another CPU's ABI: this kernel never reports it, so there is nothing to filter.
                LOG.log(System.Logger.Level.DEBUG, "seccomp: " + name + " is not an ABI of this x86-64 host, skipping it");
            } else {
                throw new RuntimeError(BASE + ".architectures[" + i + "] " + (name == null ? "is null" : "\"" + name
                        + "\" is not an architecture") + ": use SCMP_ARCH_X86_64, SCMP_ARCH_X86 or SCMP_ARCH_X32");
            }
        }
        return out;
    }

    private static int flags(List<String> names) {
        int flags = 0;
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i);
            flags |= switch (name == null ? "" : name) {
                case "SECCOMP_FILTER_FLAG_TSYNC" -> FLAG_TSYNC;
                case "SECCOMP_FILTER_FLAG_LOG" -> FLAG_LOG;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> FLAG_SPEC_ALLOW;
                case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> FLAG_WAIT_KILLABLE_RECV;
                default -> throw new RuntimeError(BASE + ".flags[" + i + "] \"" + name + "\" is not a seccomp filter flag: use "
                        + String.join(", ", SeccompNames.FLAGS));
            };
        }
        return flags;
    }
}
