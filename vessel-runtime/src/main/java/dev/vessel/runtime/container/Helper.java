package dev.vessel.runtime.container;

import dev.vessel.linux.Errno;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.plan.LaunchException;
import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One vessel-init session as the container verbs use it: failures of the helper become
 * one-line {@link RuntimeError}s that name the spec field, the operation and the errno, with a
 * hint where the cause is common.
 */
final class Helper implements AutoCloseable {

    private static final int SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;

    private final InitSession session;

    private Helper(InitSession session) {
        this.session = session;
    }

    /** {@code extraFds} follow the preserved ones: the container sees them as 3+preserveFds, ... */
    static Helper start(Path init, List<LaunchPlan.Step> steps, boolean monitor, int preserveFds, List<Integer> extraFds) {
        return start(init, steps, monitor, preserveFds, extraFds, InitSession.Stdio.INHERIT);
    }

    static Helper start(Path init, List<LaunchPlan.Step> steps, boolean monitor, int preserveFds, List<Integer> extraFds,
                        InitSession.Stdio stdio) {
        return start(init, steps, monitor ? LaunchPlan.Mode.MONITOR : LaunchPlan.Mode.DETACH, null, preserveFds, extraFds, stdio);
    }

    /** {@code exitRecord}: the SUPERVISE helper's record file (null in the other modes). */
    static Helper start(Path init, List<LaunchPlan.Step> steps, LaunchPlan.Mode mode, Path exitRecord, int preserveFds,
                        List<Integer> extraFds, InitSession.Stdio stdio) {
        LaunchPlan.Builder b = LaunchPlan.builder(mode);
        if (exitRecord != null) {
            b.add(new Op.RecordExit(exitRecord.toString()), "the exit record " + exitRecord);
        }
        steps.forEach(s -> b.add(s.op(), s.label()));
        List<Integer> fds = new ArrayList<>();
        for (int i = 0; i < preserveFds; i++) {
            fds.add(3 + i);
        }
        fds.addAll(extraFds);
        return new Helper(mapped(() -> InitSession.start(init, b.build(), stdio, fds)));
    }

    /** Who takes the seccomp listener (see {@link InitSession#onSeccompListener}). */
    void onSeccompListener(java.util.function.IntConsumer handler) {
        session.onSeccompListener(handler);
    }

    int awaitPid() {
        return mapped(session::awaitPid);
    }

    void proceed() {
        mapped(() -> {
            session.proceed();
            return null;
        });
    }

    /** Waits until the container process stands at its hooks barrier (see {@link InitSession#awaitHooks()}). */
    void awaitHooks() {
        mapped(() -> {
            session.awaitHooks();
            return null;
        });
    }

    void resume() {
        mapped(() -> {
            session.resume();
            return null;
        });
    }

    void awaitReady() {
        mapped(session::awaitReady);
    }

    /** The container's exit code in the shell's convention (128+n for signal n). */
    int awaitExit() {
        return mapped(session::awaitExit).shellCode();
    }

    int helperPid() {
        return session.helperPid();
    }

    @Override
    public void close() {
        session.close();
    }

    private static <T> T mapped(Supplier<T> call) {
        try {
            return call.get();
        } catch (LaunchException e) {
            if (e.op() instanceof Op.CheckExec || e.op() instanceof Op.Exec) {
                throw new RuntimeError.CommandFailed(describe(e), e.errnoValue() == Errno.ENOENT);
            }
            throw new RuntimeError(describe(e));
        }
    }

    static String describe(LaunchException e) {
        if (e.op() == null) {
            return e.getMessage();
        }
        Errno errno = e.errnoValue();
        String what = switch (e.op()) {
            case Op.CheckExec x -> "executable \"" + x.file() + "\"";
            case Op.Exec x -> "exec of \"" + x.file() + "\"";
            case Op.Mount x -> "mount of " + (x.source().isEmpty() ? "" : x.source() + " ") + "on " + x.target()
                    + (x.fsType() == null || x.fsType().isEmpty() ? "" : " (type " + x.fsType() + ")");
            case Op.Chdir x -> "chdir to " + x.path();
            case Op.SetNs x -> "joining namespace " + x.path();
            case Op.Seccomp x when (x.flags() & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0 ->
                    "loading the filter with a listener for SCMP_ACT_NOTIFY (or handing the listener over)";
            case Op.JoinSessionKeyring x -> "joining session keyring \"" + x.name() + "\"";
            default -> e.op().getClass().getSimpleName();
        };
        String hint = "";
        if (e.op() instanceof Op.CheckExec && errno == Errno.ENOENT) {
            hint = ": executable file not found in $PATH or in the rootfs; check process.args[0]";
        } else if (e.op() instanceof Op.CheckExec && errno == Errno.EACCES) {
            hint = ": not executable; check its mode bits";
        } else if (e.op() instanceof Op.Seccomp && errno == Errno.ENOSYS) {
            hint = ": SCMP_ACT_NOTIFY needs Linux 5.6 or later (pidfd_getfd)";
        } else if (e.op() instanceof Op.SetUid && errno == Errno.EINVAL) {
            hint = ": the uid is not mapped in the container's user namespace";
        }
        return e.label() + ": " + what + " failed: " + Errno.describe(e.errno()) + hint;
    }
}
