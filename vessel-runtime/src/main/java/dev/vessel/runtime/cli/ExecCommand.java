package dev.vessel.runtime.cli;

import dev.vessel.runtime.container.ExecOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** exec: run another process inside a running container, joining all of its namespaces and its cgroup. */
@Command(name = "exec", description = "Run a new process inside a running container.")
final class ExecCommand implements Callable<Integer> {

    @ParentCommand
    RuntimeMain main;

    @Option(names = "--console-socket", description = "unix socket that receives the pty master")
    Path consoleSocket;

    @Option(names = "--cwd", description = "working directory in the container")
    String cwd;

    @Option(names = {"--env", "-e"}, description = "NAME=VALUE, repeatable")
    List<String> env = new ArrayList<>();

    @Option(names = {"--tty", "-t"}, description = "allocate a pty")
    boolean tty;

    @Option(names = {"--user", "-u"}, description = "UID[:GID]")
    String user;

    @Option(names = {"--additional-gids", "-g"}, description = "additional group id, repeatable")
    List<Integer> additionalGids = new ArrayList<>();

    @Option(names = {"--process", "-p"}, description = "a process.json (the spec's process object) instead of the flags")
    Path process;

    @Option(names = {"--detach", "-d"}, description = "return once the process runs")
    boolean detach;

    @Option(names = "--pid-file", description = "write the new process's pid here")
    Path pidFile;

    @Option(names = "--no-new-privs", description = "set no_new_privs")
    boolean noNewPrivs;

    @Option(names = {"--cap", "-c"}, description = "add a capability, repeatable")
    List<String> caps = new ArrayList<>();

    @Option(names = "--preserve-fds", defaultValue = "0", description = "pass N extra file descriptors")
    int preserveFds;

    @Option(names = "--ignore-paused", description = "exec even if the container is paused")
    boolean ignorePaused;

    @Option(names = "--process-label", description = "not supported (SELinux)")
    String processLabel;

    @Option(names = "--apparmor", description = "not supported (AppArmor)")
    String apparmor;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "COMMAND")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        var rt = main.runtime();
        ExecOptions o = new ExecOptions(id, process, command, cwd, env, tty, user, additionalGids, detach, pidFile,
                noNewPrivs, caps, preserveFds, consoleSocket, ignorePaused, processLabel, apparmor);
        return rt.exec(o);
    }
}
