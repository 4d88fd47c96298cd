package dev.vessel.runtime.launch;

import dev.vessel.runtime.seccomp.SeccompCompiler;
import dev.vessel.runtime.seccomp.SeccompProgram;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.spec.RlimitTypes;
import dev.vessel.runtime.spec.ProcessSpec.Capabilities;
import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * The process half of a plan, shared by create/run and exec: rlimits, cwd, umask, then the
 * identity change in the order the kernel demands (bounding set while still privileged, keep
 * caps across setuid, groups, gid, uid, then the remaining sets), no_new_privs, and exec.
 */
final class ProcessPlan {

    private ProcessPlan() {}

    /** Ops from rlimits up to (not including) the exec; {@code preserveFds} extra fds stay open. */
    static void identity(ProcessSpec p, List<LaunchPlan.Step> out, boolean setUmask) {
        identity(p, null, out, setUmask);
    }

    /**
     * As above, with {@code linux.seccomp} (null: none). As runc does, the filter is loaded last,
     * after no_new_privs, so it has the fewest syscalls to allow; without no_new_privs loading it
     * needs CAP_SYS_ADMIN, so it is loaded before the identity change drops capabilities.
     */
    static void identity(ProcessSpec p, Seccomp seccomp, List<LaunchPlan.Step> out, boolean setUmask) {
        LaunchPlan.Step filter = seccomp == null ? null : seccompStep(seccomp);
        if (p.rlimits() != null) {
            for (int i = 0; i < p.rlimits().size(); i++) {
                ProcessSpec.Rlimit r = p.rlimits().get(i);
                out.add(new LaunchPlan.Step(new Op.SetRlimit(RlimitTypes.number(r.type()), r.soft(), r.hard()),
                        "process.rlimits[" + i + "] (" + r.type() + ")"));
            }
        }
        if (p.cwd() != null) {
            out.add(new LaunchPlan.Step(new Op.Chdir(p.cwd()), "process.cwd (" + p.cwd() + ")"));
        }
        ProcessSpec.User u = p.user();
        if (setUmask) {
            int umask = u != null && u.umask() != null ? (int) (long) u.umask() : 0022;
            out.add(new LaunchPlan.Step(new Op.Umask(umask), "process.user.umask"));
        }
        if (filter != null && !p.noNewPrivileges()) {
            out.add(filter);
        }
        Capabilities caps = p.capabilities();
        if (caps != null) {
            out.add(new LaunchPlan.Step(new Op.CapBounding(CapabilitySet.mask(caps.bounding())), "process.capabilities.bounding"));
        }
        long uid = u == null ? 0 : u.uid();
        long gid = u == null ? 0 : u.gid();
        List<Integer> groups = new ArrayList<>();
        if (u != null && u.additionalGids() != null) {
            u.additionalGids().forEach(g -> groups.add((int) (long) g));
        }
        out.add(new LaunchPlan.Step(new Op.SetGroups(groups), "process.user.additionalGids"));
        out.add(new LaunchPlan.Step(new Op.SetGid((int) gid), "process.user.gid (" + gid + ")"));
        out.add(new LaunchPlan.Step(new Op.SetUid((int) uid), "process.user.uid (" + uid + ")"));
        if (caps != null) {
            long permitted = CapabilitySet.mask(caps.permitted());
            long inheritable = CapabilitySet.mask(caps.inheritable());
            // The kernel raises an ambient capability only if it is permitted and inheritable; runc
            // warns and goes on for the others (runc's own default spec lists ambient without
            // inheritable), so the plan asks only for the raisable ones.
            long ambient = CapabilitySet.mask(caps.ambient()) & permitted & inheritable;
            out.add(new LaunchPlan.Step(new Op.Caps(CapabilitySet.mask(caps.effective()), permitted, inheritable, ambient),
                    "process.capabilities"));
        }
        if (p.noNewPrivileges()) {
            out.add(new LaunchPlan.Step(new Op.NoNewPrivs(), "process.noNewPrivileges"));
            if (filter != null) {
                out.add(filter);
            }
        }
    }

    private static LaunchPlan.Step seccompStep(Seccomp seccomp) {
        SeccompProgram program = SeccompCompiler.compile(seccomp);
        return new LaunchPlan.Step(new Op.Seccomp(program.bpf(), program.flags()), "linux.seccomp");
    }

    static String searchPath(ProcessSpec p) {
        if (p.env() != null) {
            for (String e : p.env()) {
                if (e.startsWith("PATH=")) {
                    return e.substring(5);
                }
            }
        }
        return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }

    static LaunchPlan.Step checkExec(ProcessSpec p) {
        return new LaunchPlan.Step(new Op.CheckExec(p.args().get(0), searchPath(p)), "process.args[0] (" + p.args().get(0) + ")");
    }

    static LaunchPlan.Step exec(ProcessSpec p) {
        return new LaunchPlan.Step(new Op.Exec(p.args().get(0), searchPath(p), p.args(), p.env() == null ? List.of() : p.env()),
                "process.args[0] (" + p.args().get(0) + ")");
    }
}
