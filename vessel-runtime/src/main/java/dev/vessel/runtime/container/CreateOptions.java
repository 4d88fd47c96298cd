package dev.vessel.runtime.container;

import dev.vessel.runtime.plan.InitSession;
import java.nio.file.Path;

/**
 * The flags of create and run. {@code stdio} is what the container's stdin, stdout and stderr
 * are: the caller's own (runc's behaviour, and the default), or descriptors it opened, such as
 * {@code vessel run -d}'s log file.
 */
public record CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                            boolean noNewKeyring, InitSession.Stdio stdio) {

    public CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                         boolean noNewKeyring) {
        this(id, bundle, consoleSocket, pidFile, preserveFds, noPivot, noNewKeyring, InitSession.Stdio.INHERIT);
    }
}
