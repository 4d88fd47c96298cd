package dev.vessel.runtime.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd socket activation, as runc does it: when the runtime itself was started with
 * LISTEN_FDS=N, fds 3..3+N-1 go to the container first (before --preserve-fds), and the
 * container's environment gets LISTEN_FDS=N and LISTEN_PID=1, its init's pid in its namespace.
 */
final class SocketActivation {

    private SocketActivation() {}

    /** N from our own LISTEN_FDS, 0 when unset. */
    static int listenFds() {
        String v = System.getenv("LISTEN_FDS");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RuntimeError("environment LISTEN_FDS \"" + v + "\" is not a count of file descriptors");
        }
    }

    static Spec apply(Spec spec, int n) {
        ProcessSpec p = spec.process();
        if (n == 0 || p == null) {
            return spec;
        }
        List<String> env = new ArrayList<>(p.env() == null ? List.of() : p.env());
        env.removeIf(e -> e.startsWith("LISTEN_FDS=") || e.startsWith("LISTEN_PID="));
        env.add("LISTEN_FDS=" + n);
        env.add("LISTEN_PID=1");
        return spec.withProcess(new ProcessSpec(p.terminal(), p.consoleSize(), p.user(), p.args(), p.commandLine(), env,
                p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(), p.apparmorProfile(), p.oomScoreAdj(),
                p.scheduler(), p.selinuxLabel(), p.ioPriority(), p.execCPUAffinity()));
    }
}
