package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.orEmpty;
import static dev.vessel.runtime.spec.Problems.q;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of {@code process}: command, cwd, env, user, capabilities, rlimits, scheduling. */
final class ProcessChecks {

    private static final Set<String> POLICIES = Set.of("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
            "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");
    private static final Set<String> SCHED_FLAGS = Set.of("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
            "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
            "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");
    private static final List<String> IO_CLASSES = List.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
    /** A cpuset list: "0-3,8,10-11". */
    static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    private ProcessChecks() {}

    /** {@code base} is "process" in a config.json, "" in exec's process.json. */
    static void check(ProcessSpec p, Linux linux, String base, Problems out) {
        if (p == null) {
            out.add(base.isEmpty() ? "process" : base, "is missing; give the program to run in args and its directory in cwd");
            return;
        }
        if (p.args() == null || p.args().isEmpty()) {
            out.add(at(base, "args"), "is empty; give the program to run, e.g. [\"sh\"]");
        } else if (p.args().get(0) == null || p.args().get(0).isEmpty()) {
            out.add(at(base, "args[0]"), "is empty; it must name the program to run");
        }
        if (p.cwd() == null || p.cwd().isEmpty()) {
            out.add(at(base, "cwd"), "is missing; set the working directory, e.g. \"/\"");
        } else if (!Problems.isAbsolute(p.cwd())) {
            out.add(at(base, "cwd"), q(p.cwd()) + " is not an absolute path; write it from the container's root, e.g. "
                    + q("/" + p.cwd()));
        }
        env(p.env(), at(base, "env"), out);
        if (p.terminal() && p.consoleSize() != null) { // ignored without a terminal, as the spec says
            if (p.consoleSize().height() > 0xffff) {
                out.add(at(base, "consoleSize.height"), p.consoleSize().height() + " is more rows than a terminal has (at most 65535)");
            }
            if (p.consoleSize().width() > 0xffff) {
                out.add(at(base, "consoleSize.width"), p.consoleSize().width() + " is more columns than a terminal has (at most 65535)");
            }
        }
        if (p.user() != null) {
            user(p.user(), linux, base, out);
        }
        if (p.capabilities() != null) {
            capabilities(p.capabilities(), base, out);
        }
        rlimits(orEmpty(p.rlimits()), base, out);
        if (p.oomScoreAdj() != null && (p.oomScoreAdj() < -1000 || p.oomScoreAdj() > 1000)) {
            out.add(at(base, "oomScoreAdj"), p.oomScoreAdj() + " is outside -1000..1000");
        }
        if (p.scheduler() != null) {
            scheduler(p.scheduler(), base, out);
        }
        if (p.ioPriority() != null) {
            ProcessSpec.IoPriority io = p.ioPriority();
            if (!Problems.in(IO_CLASSES, io.ioClass())) {
                out.add(at(base, "ioPriority.class"), Problems.notA(io.ioClass(), "an I/O class") + Problems.choices(io.ioClass(), IO_CLASSES));
            }
            if (io.priority() < 0 || io.priority() > 7) {
                out.add(at(base, "ioPriority.priority"), io.priority() + " is outside 0..7 (0 is the highest)");
            }
        }
        if (p.execCPUAffinity() != null) {
            cpuList(at(base, "execCPUAffinity.initial"), p.execCPUAffinity().initial(), out);
            cpuList(at(base, "execCPUAffinity.final"), p.execCPUAffinity().finalCpus(), out);
        }
    }

    /** runc refuses entries without "=" or with an empty name, and NUL anywhere (execve cannot pass it). */
    static void env(List<String> env, String path, Problems out) {
        List<String> list = orEmpty(env);
        for (int i = 0; i < list.size(); i++) {
            String e = list.get(i);
            String at = path + "[" + i + "]";
            if (e == null || !e.contains("=")) {
                out.add(at, q(e) + " has no \"=\"; write it as NAME=value");
            } else if (e.startsWith("=")) {
                out.add(at, q(e) + " has an empty name; write it as NAME=value");
            } else if (e.indexOf('\0') >= 0) {
                out.add(at, q(e) + " contains a NUL byte, which cannot be passed to a program");
            }
        }
    }

    private static void user(ProcessSpec.User u, Linux linux, String base, Problems out) {
        if (u.umask() != null && u.umask() > 0777) {
            out.add(at(base, "user.umask"), u.umask() + " (0" + Long.toOctalString(u.umask())
                    + ") has bits outside 0777; write the umask in decimal, e.g. 18 for 022");
        }
        // Only a new user namespace has mappings we can see; a joined one brings its own.
        Linux.Namespace userns = linux == null ? null : linux.namespace(Namespaces.USER);
        if (userns == null || (userns.path() != null && !userns.path().isEmpty())) {
            return;
        }
        mapped(at(base, "user.uid"), u.uid(), linux.uidMappings(), "linux.uidMappings", out);
        mapped(at(base, "user.gid"), u.gid(), linux.gidMappings(), "linux.gidMappings", out);
        List<Long> gids = orEmpty(u.additionalGids());
        for (int i = 0; i < gids.size(); i++) {
            mapped(at(base, "user.additionalGids[") + i + "]", gids.get(i), linux.gidMappings(), "linux.gidMappings", out);
        }
    }

    static void mapped(String path, long id, List<Linux.IdMapping> mappings, String mappingPath, Problems out) {
        List<Linux.IdMapping> list = orEmpty(mappings);
        for (Linux.IdMapping m : list) {
            if (m == null || m.size() == 0 || m.containerID() + m.size() - 1 > Unsigned.UINT32_MAX) {
                return; // a broken mapping is reported by the namespace checks, and is the cause
            }
        }
        if (list.isEmpty()) {
            return; // reported once by the namespace checks
        }
        for (Linux.IdMapping m : list) {
            if (m != null && m.containsContainerId(id)) {
                return;
            }
        }
        StringBuilder ranges = new StringBuilder();
        for (Linux.IdMapping m : list) {
            if (m != null && m.size() > 0) {
                ranges.append(ranges.isEmpty() ? "" : ", ").append(m.containerID()).append('-')
                        .append(m.containerID() + m.size() - 1);
            }
        }
        out.add(path, id + " is not mapped in " + mappingPath + " (mapped: " + ranges
                + "); add a mapping for it or run as a mapped id");
    }

    private static void capabilities(ProcessSpec.Capabilities c, String base, Problems out) {
        Map<String, List<String>> sets = new java.util.LinkedHashMap<>();
        sets.put("bounding", c.bounding());
        sets.put("effective", c.effective());
        sets.put("inheritable", c.inheritable());
        sets.put("permitted", c.permitted());
        sets.put("ambient", c.ambient());
        for (Map.Entry<String, List<String>> set : sets.entrySet()) {
            List<String> names = orEmpty(set.getValue());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (CapabilityNames.number(name) < 0) {
                    String hint = Suggest.didYouMean(name, CapabilityNames.ALL);
                    out.add(at(base, "capabilities.") + set.getKey() + "[" + i + "]", q(name)
                            + " is not a Linux capability (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE, see capabilities(7))"
                            + hint);
                }
            }
        }
    }

    private static void rlimits(List<ProcessSpec.Rlimit> rlimits, String base, Problems out) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rlimits.size(); i++) {
            ProcessSpec.Rlimit r = rlimits.get(i);
            String at = at(base, "rlimits[") + i + "]";
            if (r == null) {
                out.add(at, "is null; remove it or give {\"type\", \"hard\", \"soft\"}");
                continue;
            }
            if (RlimitTypes.number(r.type()) < 0) {
                out.add(at + ".type", Problems.notA(r.type(), "a resource limit (see setrlimit(2))")
                        + Problems.choices(r.type(), RlimitTypes.ALL));
            } else if (seen.putIfAbsent(r.type(), i) != null) {
                out.add(at + ".type", q(r.type()) + " is already set by " + at(base, "rlimits[") + seen.get(r.type())
                        + "]; keep one entry per type");
            }
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                out.add(at + ".soft", Long.toUnsignedString(r.soft()) + " is above the hard limit "
                        + Long.toUnsignedString(r.hard()) + "; setrlimit(2) refuses soft > hard");
            }
        }
    }

    private static void scheduler(ProcessSpec.Scheduler s, String base, Problems out) {
        if (!Problems.in(POLICIES, s.policy())) {
            out.add(at(base, "scheduler.policy"), Problems.notA(s.policy(), "a scheduling policy")
                    + Problems.choices(s.policy(), POLICIES.stream().sorted().toList()));
        }
        if (s.nice() != null && (s.nice() < -20 || s.nice() > 19)) {
            out.add(at(base, "scheduler.nice"), s.nice() + " is outside -20..19");
        }
        boolean realtime = "SCHED_FIFO".equals(s.policy()) || "SCHED_RR".equals(s.policy());
        if (s.priority() != null && realtime && (s.priority() < 1 || s.priority() > 99)) {
            out.add(at(base, "scheduler.priority"), s.priority() + " is outside 1..99, the range of " + s.policy());
        } else if (s.priority() != null && !realtime && s.priority() != 0) {
            out.add(at(base, "scheduler.priority"), s.priority() + " must be 0 for " + s.policy()
                    + "; only SCHED_FIFO and SCHED_RR take a priority");
        }
        List<String> flags = orEmpty(s.flags());
        for (int i = 0; i < flags.size(); i++) {
            if (!Problems.in(SCHED_FLAGS, flags.get(i))) {
                out.add(at(base, "scheduler.flags[") + i + "]", q(flags.get(i)) + " is not a scheduler flag"
                        + Problems.choices(flags.get(i), SCHED_FLAGS.stream().sorted().toList()));
            }
        }
        boolean deadlineParams = s.runtime() != null || s.deadline() != null || s.period() != null;
        if (deadlineParams && !"SCHED_DEADLINE".equals(s.policy())) {
            out.add(at(base, "scheduler"), "has runtime, deadline or period, which only SCHED_DEADLINE takes; remove them or set that policy");
        }
        if ("SCHED_DEADLINE".equals(s.policy())) {
            long runtime = s.runtime() == null ? 0 : s.runtime();
            long deadline = s.deadline() == null ? 0 : s.deadline();
            long period = s.period() == null ? deadline : s.period();
            if (runtime == 0 || Long.compareUnsigned(runtime, deadline) > 0 || Long.compareUnsigned(deadline, period) > 0) {
                out.add(at(base, "scheduler"), "SCHED_DEADLINE needs 0 < runtime <= deadline <= period (got runtime "
                        + Long.toUnsignedString(runtime) + ", deadline " + Long.toUnsignedString(deadline)
                        + ", period " + Long.toUnsignedString(period) + ")");
            }
        }
    }

    static String at(String base, String name) {
        return base.isEmpty() ? name : base + "." + name;
    }

    static void cpuList(String path, String value, Problems out) {
        if (value != null && !value.isEmpty() && !CPU_LIST.matcher(value).matches()) {
            out.add(path, q(value) + " is not a CPU list; write it like \"0-3,8\"");
        }
    }
}
