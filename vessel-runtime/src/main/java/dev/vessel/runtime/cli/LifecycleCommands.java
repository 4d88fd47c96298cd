package dev.vessel.runtime.cli;

import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.CreateOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** create, start, run, kill, delete. */
final class LifecycleCommands {

    private LifecycleCommands() {}

    /** Flags shared by create and run. */
    static class BundleArgs {
        @Option(names = {"--bundle", "-b"}, description = "path to the bundle (default: the current directory)")
        Path bundle;

        @Option(names = "--console-socket", description = "unix socket that receives the pty master (process.terminal)")
        Path consoleSocket;

        @Option(names = "--pid-file", description = "write the container process's pid here")
        Path pidFile;

        @Option(names = "--preserve-fds", description = "pass N extra file descriptors (3..3+N-1) to the container",
                defaultValue = "0")
        int preserveFds;

        @Option(names = "--no-pivot", description = "use chroot instead of pivot_root (for a rootfs on a ramdisk)")
        boolean noPivot;

        @Option(names = "--no-new-keyring", description = "keep the caller's session keyring")
        boolean noNewKeyring;

        @Parameters(index = "0", paramLabel = "ID", description = "container id")
        String id;

        CreateOptions toOptions() {
            Path b = bundle != null ? bundle : Path.of("").toAbsolutePath();
            return new CreateOptions(id, b.toAbsolutePath().normalize(), consoleSocket, pidFile, preserveFds, noPivot, noNewKeyring);
        }
    }

    @Command(name = "create", description = "Create a container; its process waits for `start`.")
    static final class Create extends BundleArgs implements Callable<Integer> {
        @ParentCommand
        RuntimeMain main;

        @Override
        public Integer call() {
            main.runtime().create(toOptions());
            return 0;
        }
    }

    @Command(name = "start", description = "Start the process of a created container.")
    static final class Start extends ContainerVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            main.runtime().start(id);
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container; exits with its status unless --detach.")
    static final class Run extends BundleArgs implements Callable<Integer> {
        @ParentCommand
        RuntimeMain main;

        @Option(names = {"--detach", "-d"}, description = "return once the process runs")
        boolean detach;

        @Option(names = "--keep", description = "do not delete the container when it exits")
        boolean keep;

        @Override
        public Integer call() {
            return main.runtime().run(toOptions(), detach, keep);
        }
    }

    @Command(name = "kill", description = "Send a signal (default SIGTERM) to the container's process.")
    static final class Kill extends ContainerVerb implements Callable<Integer> {
        @Option(names = {"--all", "-a"}, description = "signal every process in the container")
        boolean all;

        @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "SIGTERM", description = "name or number")
        String signal;

        @Override
        public Integer call() {
            int number;
            try {
                number = Signals.parse(signal);
            } catch (IllegalArgumentException e) {
                throw new RuntimeError(e.getMessage());
            }
            main.runtime().kill(id, number, all);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a stopped container (any container with --force).")
    static final class Delete extends ContainerVerb implements Callable<Integer> {
        @Option(names = {"--force", "-f"}, description = "kill the container first if it still runs")
        boolean force;

        @Override
        public Integer call() {
            main.runtime().delete(id, force);
            return 0;
        }
    }
}
