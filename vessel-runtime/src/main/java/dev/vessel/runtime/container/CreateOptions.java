package dev.vessel.runtime.container;

import dev.vessel.runtime.plan.InitSession;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * The flags of create and run. {@code stdio} is what the container's stdin, stdout and stderr
 * are: the caller's own (runc's behaviour, and the default), or descriptors it opened, such as
 * {@code vessel run -d}'s log file. {@code beforeStart}, if not null, is called with the
 * container process's pid once its namespaces exist and before it runs any of the container's
 * setup: where an engine sets up what the runtime does not (vessel run brings loopback up, as
 * docker's "none" network does), as CNI plugins do between create and start.
 */
public record CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                            boolean noNewKeyring, InitSession.Stdio stdio, IntConsumer beforeStart, Path exitRecord) {

    /**
     * {@code exitRecord}: where the container's monitor writes its exit, for
     * {@link ContainerRuntime#supervise}; null for the runc verbs.
     */
    public CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                         boolean noNewKeyring, InitSession.Stdio stdio, IntConsumer beforeStart) {
        this(id, bundle, consoleSocket, pidFile, preserveFds, noPivot, noNewKeyring, stdio, beforeStart, null);
    }

    public CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                         boolean noNewKeyring) {
        this(id, bundle, consoleSocket, pidFile, preserveFds, noPivot, noNewKeyring, InitSession.Stdio.INHERIT, null);
    }
}
