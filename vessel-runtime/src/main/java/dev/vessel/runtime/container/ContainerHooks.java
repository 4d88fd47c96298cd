package dev.vessel.runtime.container;

import dev.vessel.linux.Fds;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.launch.PlanBuilder;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.Hooks.Hook;
import dev.vessel.runtime.spec.ProcessSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hooks the spec says run in the container's namespaces (createContainer, startContainer): each
 * is started by vessel-init after joining every namespace of the container's process, exactly
 * as `exec` joins them (the JVM, multi-threaded, cannot setns into a mount namespace), so its
 * path resolves in the container's mount namespace. For createContainer that process waits at
 * its hooks barrier before the pivot, so the mount namespace's root is still the host's root
 * with the container's mounts beneath the rootfs (runc runs them from its init at that point);
 * for startContainer it is the container's own root. The state JSON comes on stdin through a
 * pipe; a hook still running at its timeout is killed.
 */
final class ContainerHooks {

    private ContainerHooks() {}

    /** Each hook also joins {@code cgroup}, the container's, as runc's (children of its init) do. */
    static void run(String phase, List<Hook> hooks, int containerPid, CgroupManager cgroup, byte[] stateJson, Path initBinary) {
        if (hooks == null) {
            return;
        }
        for (int i = 0; i < hooks.size(); i++) {
            Hook h = hooks.get(i);
            String field = "hooks." + phase + "[" + i + "] (" + h.path() + ")";
            List<String> argv = h.args() == null || h.args().isEmpty() ? List.of(h.path()) : h.args();
            List<String> env = h.env() == null ? List.of() : h.env();
            ProcessSpec p = new ProcessSpec(false, null, null, argv, null, env, "/", null, null, false, null, null, null,
                    null, null, null);
            List<LaunchPlan.Step> steps = new ArrayList<>(PlanBuilder.exec(containerPid, p, null, 0, true, -1, null));
            // The plan's exec looks args[0] up on PATH; a hook names its executable by path, args[0] is argv[0].
            steps.removeIf(s -> s.op() instanceof Op.CheckExec || s.op() instanceof Op.Exec);
            steps.add(new LaunchPlan.Step(new Op.Exec(h.path(), "", argv, env), field));
            int code = runWithStdin(steps, cgroup, stateJson, h.timeout() == null ? 0 : h.timeout(), field, initBinary);
            if (code != 0) {
                throw new RuntimeError(field + ": exited with status " + code);
            }
        }
    }

    private static int runWithStdin(List<LaunchPlan.Step> steps, CgroupManager cgroup, byte[] stdin, int timeoutSeconds,
                                    String field, Path init) {
        Fds.Pair pipe = Fds.pipe();
        Helper h;
        try {
            h = Helper.start(init, steps, true, 0, List.of(), new InitSession.Stdio(pipe.first(), 1, 2));
        } finally {
            Fds.close(pipe.first());
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
        AtomicBoolean timedOut = new AtomicBoolean();
        try (h) {
            int pid = h.awaitPid();
            cgroup.apply(pid);
            h.proceed();
            if (timeoutSeconds > 0) {
                timer.schedule(() -> {
                    timedOut.set(true);
                    Teardown.signal(pid, Signals.SIGKILL);
                }, timeoutSeconds, TimeUnit.SECONDS);
            }
            try {
                Fds.writeFully(pipe.second(), stdin);
            } catch (RuntimeException e) {
                // A hook may exit without reading its stdin; that is its right.
            } finally {
                Fds.close(pipe.second());
            }
            int code = h.awaitExit();
            if (timedOut.get()) {
                throw new RuntimeError(field + ": timed out after " + timeoutSeconds + "s");
            }
            return code;
        } finally {
            timer.shutdownNow();
        }
    }
}
