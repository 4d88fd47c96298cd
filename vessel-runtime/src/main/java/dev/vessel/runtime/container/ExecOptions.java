package dev.vessel.runtime.container;

import dev.vessel.runtime.plan.InitSession;
import java.nio.file.Path;
import java.util.List;

/**
 * The flags of exec; {@code process} (a process.json) replaces the command-line description.
 * {@code stdio} is the process's stdin, stdout and stderr when it has no terminal: the
 * caller's own (runc's behaviour, and the default) or descriptors the caller opened.
 */
public record ExecOptions(String id, Path process, List<String> command, String cwd, List<String> env, boolean tty,
                          String user, List<Integer> additionalGids, boolean detach, Path pidFile, boolean noNewPrivs,
                          List<String> caps, int preserveFds, Path consoleSocket, boolean ignorePaused,
                          String processLabel, String apparmor, InitSession.Stdio stdio) {

    public ExecOptions(String id, Path process, List<String> command, String cwd, List<String> env, boolean tty,
                       String user, List<Integer> additionalGids, boolean detach, Path pidFile, boolean noNewPrivs,
                       List<String> caps, int preserveFds, Path consoleSocket, boolean ignorePaused,
                       String processLabel, String apparmor) {
        this(id, process, command, cwd, env, tty, user, additionalGids, detach, pidFile, noNewPrivs, caps, preserveFds,
                consoleSocket, ignorePaused, processLabel, apparmor, InitSession.Stdio.INHERIT);
    }
}
