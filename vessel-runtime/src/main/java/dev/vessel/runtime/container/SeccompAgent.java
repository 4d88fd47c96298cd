package dev.vessel.runtime.container;

import dev.vessel.linux.Fds;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.UnixSockets;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.ContainerProcessState;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.State;
import dev.vessel.runtime.state.StateStore;
import java.util.List;

/**
 * The seccomp agent at {@code linux.seccomp.listenerPath}: it gets the listener of a filter with
 * SCMP_ACT_NOTIFY rules as runc gives it, one connection per process, one message holding the
 * {@link ContainerProcessState} JSON with the listener attached (SCM_RIGHTS), then the
 * connection is closed. Until the agent has the listener, the process's notified syscalls wait.
 */
final class SeccompAgent {

    private SeccompAgent() {}

    /**
     * Sends {@code listener} of process {@code pid} to the agent; the caller keeps (and closes)
     * its own copy. Any failure is a one-line error naming listenerPath.
     */
    static void handOver(Seccomp s, int listener, int pid, State state) {
        String path = s.listenerPath();
        ContainerProcessState message = new ContainerProcessState(Spec.VERSION, List.of(ContainerProcessState.SECCOMP_FD),
                pid, s.listenerMetadata(), state);
        int socket;
        try {
            socket = UnixSockets.connect(path);
        } catch (LinuxException | IllegalArgumentException e) {
            throw new RuntimeError("linux.seccomp.listenerPath \"" + path + "\": cannot connect to the seccomp agent: "
                    + e.getMessage() + " (start the agent listening on that unix socket, or drop the SCMP_ACT_NOTIFY rules)");
        }
        try {
            UnixSockets.sendFds(socket, StateStore.toJson(message), listener);
        } catch (LinuxException e) {
            throw new RuntimeError("linux.seccomp.listenerPath \"" + path + "\": cannot send the seccomp listener to the agent: "
                    + e.getMessage());
        } finally {
            Fds.close(socket);
        }
    }
}
