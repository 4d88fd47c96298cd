package dev.vessel.runtime.container;

import dev.vessel.linux.Fds;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.launch.PlanBuilder;
import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecException;
import dev.vessel.runtime.spec.SpecParser;
import dev.vessel.runtime.state.ContainerState;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** exec: a new process that joins every namespace and the cgroup of a running container. */
final class Executor {

    private final Path initBinary;

    Executor(StateStore store, Path initBinary) {
        this.initBinary = initBinary;
    }

    /** @param status the container's status now, for the seccomp agent's state */
    int exec(ContainerState s, Status status, Spec spec, CgroupManager cg, ExecOptions o) {
        if (o.processLabel() != null || o.apparmor() != null) {
            throw new RuntimeError("--process-label and --apparmor are not supported: Vessel has no SELinux/AppArmor support");
        }
        ProcessSpec p = process(spec, o);
        boolean tty = o.tty() || p.terminal();
        if (tty && o.consoleSocket() == null && o.detach()) {
            throw new RuntimeError("exec --tty --detach needs --console-socket (the socket that receives the pty master), as with runc");
        }
        if (p.args() == null || p.args().isEmpty()) {
            throw new RuntimeError("exec: no command given: pass it after the container id, or in --process");
        }
        // In the foreground without --console-socket the terminal is ours to proxy, as runc does
        // (and as a foreground run does): the master comes back over a socket pair.
        boolean proxy = tty && o.consoleSocket() == null;
        int consoleEnd = -1;
        int socket = -1;
        if (proxy) {
            Fds.Pair pair = Fds.socketPair(Fds.SOCK_STREAM);
            consoleEnd = pair.first();
            socket = pair.second();
            if (p.consoleSize() == null) {
                p = p.withConsoleSize(ConsoleProxy.callerSize()); // null again without a terminal: the kernel's size
            }
        } else if (tty) {
            socket = Consoles.connect(o.consoleSocket());
        }
        try {
            return run(s, status, cg, o, p, tty, socket, consoleEnd, spec.linux() == null ? null : spec.linux().seccomp());
        } finally {
            if (consoleEnd >= 0) {
                Fds.close(consoleEnd);
            }
        }
    }

    private int run(ContainerState s, Status status, CgroupManager cg, ExecOptions o, ProcessSpec p, boolean tty, int socket,
                    int consoleEnd, Seccomp seccomp) {
        // As runc: exec joins the container's session keyring by name (made at create) unless create kept the caller's.
        List<LaunchPlan.Step> steps = PlanBuilder.exec(s.pid(), p, seccomp, o.preserveFds(), !o.detach(), tty ? 3 + o.preserveFds() : -1,
                s.noNewKeyring() ? null : PlanBuilder.sessionKeyring(s.id()));
        Helper started;
        try {
            started = Helper.start(initBinary, steps, !o.detach(), o.preserveFds(), tty ? List.of(socket) : List.of(), o.stdio());
        } finally {
            if (socket >= 0) {
                Fds.close(socket); // the helper has its copy
            }
        }
        try (Helper h = started) {
            int pid = h.awaitPid();
            if (seccomp != null) {
                // runc's exec: the exec'd process's pid, the container's state (its init's pid).
                h.onSeccompListener(fd -> SeccompAgent.handOver(seccomp, fd, pid, ContainerRuntime.ociState(s, status)));
            }
            cg.apply(pid);
            h.proceed();
            h.awaitReady();
            ContainerRuntime.writePidFile(o.pidFile(), pid);
            if (o.detach()) {
                return 0;
            }
            if (consoleEnd < 0) {
                return h.awaitExit();
            }
            ConsoleProxy console = ConsoleProxy.receive(consoleEnd);
            try {
                console.rawMode();
                return h.awaitExit();
            } finally {
                console.close();
            }
        }
    }

    /** The process to run: a process.json, or the container's own process with the flags applied over it (as runc does). */
    private static ProcessSpec process(Spec spec, ExecOptions o) {
        if (o.process() != null) {
            try {
                return SpecParser.parse(Files.readAllBytes(o.process()), o.process().getFileName().toString(), ProcessSpec.class);
            } catch (IOException e) {
                throw new RuntimeError("--process " + o.process() + ": " + e.getMessage());
            } catch (SpecException e) {
                throw new RuntimeError(e.getMessage());
            }
        }
        ProcessSpec base = spec.process();
        List<String> env = new ArrayList<>(base.env() == null ? List.of() : base.env());
        env.addAll(o.env());
        ProcessSpec.User user = base.user();
        if (o.user() != null) {
            String[] ug = o.user().split(":", 2);
            try {
                long uid = Long.parseLong(ug[0]);
                long gid = ug.length > 1 ? Long.parseLong(ug[1]) : 0;
                user = new ProcessSpec.User(uid, gid, user == null ? null : user.umask(), null, null);
            } catch (NumberFormatException e) {
                throw new RuntimeError("--user \"" + o.user() + "\": use UID[:GID] with numbers");
            }
        }
        if (!o.additionalGids().isEmpty()) {
            List<Long> gids = o.additionalGids().stream().map(Integer::longValue).toList();
            user = new ProcessSpec.User(user == null ? 0 : user.uid(), user == null ? 0 : user.gid(),
                    user == null ? null : user.umask(), gids, null);
        }
        ProcessSpec.Capabilities caps = base.capabilities();
        if (!o.caps().isEmpty() && caps != null) {
            caps = new ProcessSpec.Capabilities(plus(caps.bounding(), o.caps()), plus(caps.effective(), o.caps()),
                    plus(caps.inheritable(), o.caps()), plus(caps.permitted(), o.caps()), plus(caps.ambient(), o.caps()));
        }
        return new ProcessSpec(false, null, user, o.command(), null, env, o.cwd() != null ? o.cwd() : base.cwd(), caps,
                base.rlimits(), base.noNewPrivileges() || o.noNewPrivs(), null, null, null, null, null, null);
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a == null ? List.of() : a);
        for (String s : b) {
            if (!r.contains(s)) {
                r.add(s);
            }
        }
        return r;
    }
}
