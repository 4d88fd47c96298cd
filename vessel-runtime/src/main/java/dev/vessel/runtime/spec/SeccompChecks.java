package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.orEmpty;
import static dev.vessel.runtime.spec.Problems.q;

import java.util.List;

/**
 * Checks of {@code linux.seccomp} that need no syscall table: names of actions, operators,
 * architectures and flags, argument indexes, and runc's rules for SCMP_ACT_NOTIFY. Whether a
 * syscall name exists is left to the seccomp compiler, which has the table.
 */
final class SeccompChecks {

    private static final String BASE = "linux.seccomp";

    private SeccompChecks() {}

    static void check(Seccomp s, Problems out) {
        if (s == null) {
            return;
        }
        if (s.defaultAction() == null || s.defaultAction().isEmpty()) {
            out.add(BASE + ".defaultAction", "is missing; give the action for unlisted syscalls, e.g. \"SCMP_ACT_ERRNO\"");
        } else if (!SeccompNames.ACTIONS.contains(s.defaultAction())) {
            out.add(BASE + ".defaultAction", q(s.defaultAction()) + " is not a seccomp action"
                    + Problems.choices(s.defaultAction(), SeccompNames.ACTIONS));
        } else if (s.defaultAction().equals("SCMP_ACT_NOTIFY")) {
            // The agent would have to answer for write() too, which it needs itself: a deadlock.
            out.add(BASE + ".defaultAction", "\"SCMP_ACT_NOTIFY\" cannot be the default action; list the syscalls to notify on");
        }
        names(BASE + ".architectures", s.architectures(), SeccompNames.ARCHES, "an architecture", out);
        names(BASE + ".flags", s.flags(), SeccompNames.FLAGS, "a seccomp filter flag", out);
        boolean notify = false;
        List<Seccomp.Syscall> syscalls = orEmpty(s.syscalls());
        for (int i = 0; i < syscalls.size(); i++) {
            Seccomp.Syscall sc = syscalls.get(i);
            String at = BASE + ".syscalls[" + i + "]";
            if (sc == null) {
                out.add(at, "is null; remove it");
                continue;
            }
            if (orEmpty(sc.names()).isEmpty()) {
                out.add(at + ".names", "is empty; list the syscalls this rule is for");
            }
            if (!Problems.in(SeccompNames.ACTIONS, sc.action())) {
                out.add(at + ".action", Problems.notA(sc.action(), "a seccomp action") + Problems.choices(sc.action(), SeccompNames.ACTIONS));
            } else if (sc.action().equals("SCMP_ACT_NOTIFY")) {
                notify = true;
                if (orEmpty(sc.names()).contains("write")) {
                    out.add(at + ".names", "includes \"write\" with SCMP_ACT_NOTIFY; the notification itself needs write, so it would deadlock");
                }
            }
            if (sc.errnoRet() != null && !"SCMP_ACT_ERRNO".equals(sc.action()) && !"SCMP_ACT_TRACE".equals(sc.action())) {
                out.add(at + ".errnoRet", "is set but the action is " + q(sc.action())
                        + "; errnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE only");
            }
            List<Seccomp.Arg> args = orEmpty(sc.args());
            for (int j = 0; j < args.size(); j++) {
                Seccomp.Arg a = args.get(j);
                String argAt = at + ".args[" + j + "]";
                if (a.index() >= SeccompNames.MAX_ARGS) {
                    out.add(argAt + ".index", a.index() + " is not a syscall argument; use 0..5");
                }
                if (!Problems.in(SeccompNames.OPERATORS, a.op())) {
                    out.add(argAt + ".op", Problems.notA(a.op(), "a comparison") + Problems.choices(a.op(), SeccompNames.OPERATORS));
                }
            }
        }
        if (notify && (s.listenerPath() == null || s.listenerPath().isEmpty())) {
            out.add(BASE + ".listenerPath", "is missing but a rule uses SCMP_ACT_NOTIFY; give the agent's unix socket path");
        }
    }

    private static void names(String path, List<String> values, List<String> allowed, String what, Problems out) {
        List<String> list = orEmpty(values);
        for (int i = 0; i < list.size(); i++) {
            if (!Problems.in(allowed, list.get(i))) {
                out.add(path + "[" + i + "]", q(list.get(i)) + " is not " + what + Problems.choices(list.get(i), allowed));
            }
        }
    }
}
