package dev.vessel.runtime.container;

import java.nio.file.Path;
import java.util.List;

/** The flags of exec; {@code process} (a process.json) replaces the command-line description. */
public record ExecOptions(String id, Path process, List<String> command, String cwd, List<String> env, boolean tty,
                          String user, List<Integer> additionalGids, boolean detach, Path pidFile, boolean noNewPrivs,
                          List<String> caps, int preserveFds, Path consoleSocket, boolean ignorePaused,
                          String processLabel, String apparmor) {}
