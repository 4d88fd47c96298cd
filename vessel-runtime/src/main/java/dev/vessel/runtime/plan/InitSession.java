package dev.vessel.runtime.plan;

import dev.vessel.linux.Errno;
import dev.vessel.linux.Fds;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Signals;
import dev.vessel.linux.Spawn;
import dev.vessel.linux.UnixSockets;
import dev.vessel.linux.WaitStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One run of {@code vessel-init} carrying out a {@link LaunchPlan}; the Java half of the protocol
 * documented at the top of {@code vessel-init.c}:
 *
 * <pre>
 *   try (InitSession s = InitSession.start(plan, Stdio.INHERIT, List.of())) {
 *       int pid = s.awaitPid();      // the container process exists, waiting
 *       ... write uid_map/gid_map, join the cgroup ...
 *       s.onSeccompListener(fd -> ...); // a filter with SCMP_ACT_NOTIFY: its listener, before READY
 *       s.proceed();                 // GO: it runs the rest of the plan
 *       s.awaitHooks();              // a plan with SyncHooks: it stopped there, rootfs mounted
 *       ... run the prestart, createRuntime, createContainer hooks ...
 *       s.resume();                  // RESUME: on to the pivot
 *       s.awaitReady();              // READY (stopped at the fifo) or EXECED
 *       s.awaitExit();               // MONITOR mode only
 *   }
 * </pre>
 *
 * A failed op becomes a {@link LaunchException} naming the op and its spec field. The helper is
 * always reaped; {@link #close()} before the launch completed kills the container process and
 * the helper, so a failure leaves no process behind.
 */
public final class InitSession implements AutoCloseable {

    /** The descriptors that become the helper's (and so the container's) stdin, stdout, stderr. */
    public record Stdio(int in, int out, int err) {
        public static final Stdio INHERIT = new Stdio(0, 1, 2);
    }

    /** How far {@link #awaitReady()} got. */
    public enum Started {
        /** Stopped at WaitStart until the fifo is read. */
        READY,
        /** The container's program was exec'd. */
        EXECED
    }

    private final LaunchPlan plan;
    private final int helperPid;
    private int channel;
    private int containerPid = -1;
    private int pidfd = -1;
    private WaitStatus helperStatus;
    private boolean launched;
    private boolean exited;
    private long timeoutMillis = -1;
    private IntConsumer seccompListener;

    private InitSession(LaunchPlan plan, int helperPid, int channel) {
        this.plan = plan;
        this.helperPid = helperPid;
        this.channel = channel;
    }

    /** Starts the helper found at the path in the system property {@code vessel.init}. */
    public static InitSession start(LaunchPlan plan, Stdio stdio, List<Integer> preservedFds) {
        String path = System.getProperty("vessel.init");
        if (path == null || path.isBlank()) {
            throw new IllegalStateException("system property vessel.init is not set: set it to the path of "
                    + "the vessel-init binary (built into vessel-runtime/target/native/vessel-init)");
        }
        return start(Path.of(path), plan, stdio, preservedFds);
    }

    /**
     * Starts {@code helper} with stdio, the channel as fd 3 and {@code preservedFds} (which the
     * container process gets as 3, 4, ...), and sends it the plan.
     */
    public static InitSession start(Path helper, LaunchPlan plan, Stdio stdio, List<Integer> preservedFds) {
        if (!Files.isExecutable(helper)) {
            throw new IllegalStateException("vessel-init " + helper + " does not exist or is not executable: "
                    + "build vessel-runtime (mvn compile) or point vessel.init at the binary");
        }
        byte[] encoded = plan.encode();
        String executable = SealedHelper.path(helper);
        Fds.Pair pair = Fds.socketPair(Fds.SOCK_STREAM);
        int pid;
        try {
            Spawn spawn = new Spawn(executable).arg0("vessel-init")
                    .args(List.of(Integer.toString(preservedFds.size())))
                    .fd(stdio.in(), 0).fd(stdio.out(), 1).fd(stdio.err(), 2).fd(pair.second(), 3);
            for (int i = 0; i < preservedFds.size(); i++) {
                spawn.fd(preservedFds.get(i), 4 + i);
            }
            pid = spawn.start();
        } catch (RuntimeException e) {
            Fds.close(pair.first());
            throw e;
        } finally {
            Fds.close(pair.second());
        }
        InitSession session = new InitSession(plan, pid, pair.first());
        try {
            Fds.sendFully(pair.first(), encoded);
        } catch (LinuxException e) {
            // EPIPE: the helper died or refused the plan already; it may have said why.
            if (!e.is(Errno.EPIPE) && !e.is(Errno.ECONNRESET)) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    /**
     * Bounds each wait of {@link #awaitPid()} and {@link #awaitReady()} (not {@link #awaitExit()}):
     * a helper stuck in an op (a hung mount) then becomes a LaunchException with ETIMEDOUT, and
     * {@link #close()} kills it. Without a call, they wait as long as it takes.
     */
    public InitSession timeout(Duration timeout) {
        this.timeoutMillis = Math.max(0, timeout.toMillis());
        return this;
    }

    public int helperPid() {
        return helperPid;
    }

    /** The container process's pid in our pid namespace; -1 before {@link #awaitPid()}. */
    public int containerPid() {
        return containerPid;
    }

    public LaunchPlan plan() {
        return plan;
    }

    /** Waits for the clone: returns the container process's pid. It waits for {@link #proceed()}. */
    public int awaitPid() {
        int[] frame = expect("PID", PlanEncoder.MSG_PID);
        containerPid = frame[1];
        // A pidfd keeps naming this process for close(), whoever reaps it in between.
        pidfd = Processes.pidfdOpen(containerPid);
        return containerPid;
    }

    /** GO: uid/gid maps and cgroup are in place, the container process runs the rest of the plan. */
    public void proceed() {
        Fds.sendFully(channel, PlanEncoder.frame(PlanEncoder.MSG_GO));
    }

    /**
     * Waits for HOOKS: the container process stopped at its {@link Op.SyncHooks} barrier, its
     * rootfs mounted, not yet pivoted. It waits there for {@link #resume()}; {@link #close()}
     * instead kills it.
     */
    public void awaitHooks() {
        expect("HOOKS", PlanEncoder.MSG_HOOKS);
    }

    /** RESUME: the hooks have run, the container process goes on past its barrier. */
    public void resume() {
        Fds.sendFully(channel, PlanEncoder.frame(PlanEncoder.MSG_RESUME));
    }

    /**
     * Waits for READY (the plan stopped at WaitStart) or EXECED. In DETACH mode the helper exits
     * after this and is reaped here; in MONITOR mode a plan with WaitStart reports READY first and
     * a second call returns EXECED.
     */
    public Started awaitReady() {
        int[] frame = expect("READY or EXECED", PlanEncoder.MSG_READY, PlanEncoder.MSG_EXECED);
        launched = true;
        if (plan.mode() == LaunchPlan.Mode.DETACH) {
            reapHelper();
        }
        return frame[0] == PlanEncoder.MSG_READY ? Started.READY : Started.EXECED;
    }

    /** MONITOR mode: waits for the container process to exit and returns its wait status. */
    public WaitStatus awaitExit() {
        if (plan.mode() == LaunchPlan.Mode.DETACH) {
            throw new IllegalStateException("awaitExit needs a MONITOR or SUPERVISE plan; in DETACH mode the helper does not wait");
        }
        int[] frame;
        long bound = timeoutMillis;
        timeoutMillis = -1; // a container runs as long as it runs
        try {
            do {
                frame = expect("EXIT", PlanEncoder.MSG_READY, PlanEncoder.MSG_EXECED, PlanEncoder.MSG_EXIT);
            } while (frame[0] != PlanEncoder.MSG_EXIT);
        } finally {
            timeoutMillis = bound;
        }
        launched = true;
        exited = true;
        reapHelper();
        return new WaitStatus(frame[1]);
    }

    /**
     * Who takes the seccomp listener of a Seccomp op with SECCOMP_FILTER_FLAG_NEW_LISTENER: it
     * arrives while {@link #awaitReady()} (or {@link #awaitExit()}) waits, before READY, and is
     * closed here once {@code handler} returns; what the handler throws ends the wait. Without a
     * handler, a listener is a protocol error.
     */
    public InitSession onSeccompListener(IntConsumer handler) {
        this.seccompListener = handler;
        return this;
    }

    /** The helper's own exit status once it was reaped, else null. */
    public WaitStatus helperStatus() {
        return helperStatus;
    }

    /**
     * Releases the session. If the launch did not complete (no READY/EXECED, or MONITOR mode
     * without the exit seen), the container process and the helper are killed first. The helper
     * is reaped, except a SUPERVISE helper of a launched container: that one goes on watching
     * the container, and is reaped by {@link #awaitExit()} (call it before this) or, once this
     * process has gone, by the host.
     */
    @Override
    public void close() {
        boolean complete = launched && (plan.mode() != LaunchPlan.Mode.MONITOR || exited);
        try {
            if (complete && plan.mode() == LaunchPlan.Mode.SUPERVISE && !exited) {
                // The supervisor goes on without us: it is not killed, and whoever called
                // awaitExit (or nobody, once this process is gone) reaps it.
                return;
            }
            if (!complete && pidfd >= 0) {
                ignoreEsrch(() -> Processes.pidfdSendSignal(pidfd, Signals.SIGKILL));
            }
            if (helperStatus == null) {
                ignoreEsrch(() -> Processes.kill(helperPid, Signals.SIGKILL));
                reapHelper();
            }
        } finally {
            if (pidfd >= 0) {
                Fds.close(pidfd);
                pidfd = -1;
            }
            if (channel >= 0) {
                Fds.close(channel);
                channel = -1;
            }
        }
    }

    private static void ignoreEsrch(Runnable kill) {
        try {
            kill.run();
        } catch (LinuxException e) {
            if (!e.is(Errno.ESRCH)) { // ESRCH: it has exited already, which is what we wanted
                throw e;
            }
        }
    }

    private void reapHelper() {
        if (helperStatus == null) {
            helperStatus = Processes.waitFor(helperPid);
        }
    }

    /**
     * Reads the next frame; it must be one of {@code types}, else ERROR/EOF become exceptions. A
     * LISTENER frame on the way goes to the seccomp listener handler.
     */
    private int[] expect(String what, int... types) {
        for (;;) {
            int[] listener = new int[1];
            int[] frame = nextFrame(what, listener, types);
            if (frame != null) {
                return frame;
            }
            try {
                if (seccompListener == null) {
                    throw new LaunchException("vessel-init sent a seccomp listener but the plan's owner takes none",
                            Errno.EPROTO.number());
                }
                seccompListener.accept(listener[0]);
            } finally {
                Fds.close(listener[0]);
            }
        }
    }

    /** One frame: its type and u32 values, or null for a LISTENER frame, whose fd goes to {@code listener[0]}. */
    private int[] nextFrame(String what, int[] listener, int... types) {
        if (channel < 0) {
            throw new IllegalStateException("the session is closed");
        }
        if (timeoutMillis >= 0 && Fds.poll(channel, Fds.POLLIN, (int) Math.min(Integer.MAX_VALUE, timeoutMillis)) == 0) {
            throw new LaunchException("vessel-init sent no " + what + " within " + timeoutMillis + " ms",
                    Errno.ETIMEDOUT.number());
        }
        List<Integer> fds = new ArrayList<>();
        byte[] header = readHeader(fds);
        ByteBuffer h = ByteBuffer.wrap(header == null ? new byte[8] : header).order(ByteOrder.LITTLE_ENDIAN);
        int type = h.getInt();
        int length = h.getInt();
        if (type == PlanEncoder.MSG_LISTENER && length == 0 && fds.size() == 1) {
            listener[0] = fds.getFirst();
            return null;
        }
        fds.forEach(Fds::close); // no other frame carries descriptors
        if (header == null) {
            reapHelper();
            throw new LaunchException("vessel-init " + helperStatus + " before sending " + what, 0);
        }
        if (length < 0 || length > 64) {
            throw new LaunchException("vessel-init sent a frame of type 0x" + Integer.toHexString(type)
                    + " with length " + length + ", expected " + what, Errno.EPROTO.number());
        }
        byte[] payload = new byte[length];
        if (!Fds.readFully(channel, payload, 0, length)) {
            reapHelper();
            throw new LaunchException("vessel-init " + helperStatus + " in the middle of a message", 0);
        }
        ByteBuffer p = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        if (type == PlanEncoder.MSG_ERROR && length == 8) {
            throw failure(p.getInt(), p.getInt());
        }
        for (int t : types) {
            if (t == type) {
                List<Integer> values = new ArrayList<>();
                values.add(type);
                while (p.remaining() >= 4) {
                    values.add(p.getInt());
                }
                return values.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        throw new LaunchException("vessel-init sent message type 0x" + Integer.toHexString(type)
                + ", expected " + what, Errno.EPROTO.number());
    }

    /**
     * A frame's 8-byte header, null at EOF. Read with recvmsg: the LISTENER frame carries its fd
     * (SCM_RIGHTS), which a plain read would drop; the kernel hands it over with the first bytes
     * of that frame and never joins them to the bytes of another message.
     */
    private byte[] readHeader(List<Integer> fds) {
        byte[] header = new byte[8];
        int done = 0;
        while (done < 8) {
            UnixSockets.Received r = UnixSockets.receiveFds(channel, 8 - done);
            for (int fd : r.fds()) {
                fds.add(fd);
            }
            if (r.data().length == 0) {
                return null;
            }
            System.arraycopy(r.data(), 0, header, done, r.data().length);
            done += r.data().length;
        }
        return header;
    }

    private LaunchException failure(int index, int errno) {
        reapHelper(); // it exits right after ERROR
        if (index >= 0 && index < plan.steps().size()) {
            return new LaunchException(index, plan.steps().get(index), errno);
        }
        if (index == plan.steps().size()) {
            return new LaunchException("launch plan: it ends without Exec (or has no Clone)", errno);
        }
        return new LaunchException("launch plan: vessel-init rejected the plan or its protocol", errno);
    }
}
