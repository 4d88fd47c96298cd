package dev.vessel.cli;

import dev.vessel.runtime.RuntimeError;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vessel}: the user's command line. It holds no state of its own (DESIGN.md). */
@Command(name = "vessel", mixinStandardHelpOptions = true, version = "vessel 0.1.0", scope = CommandLine.ScopeType.INHERIT,
        description = "Run isolated workloads: containers from images.",
        subcommands = {RunCommand.class, ContainerCommands.Ps.class, ContainerCommands.Rm.class,
            ImageCommands.Group.class, ImageCommands.Pull.class, ImageCommands.Push.class, ImageCommands.Login.class,
            ImageCommands.Logout.class, ImageCommands.SystemGroup.class,
            BuildCommand.class, ContainerCommands.Stop.class, ContainerCommands.Exec.class, AotTrain.class,
            dev.vessel.cli.vm.VmCommand.class})
public final class VesselMain implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new VesselMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof RuntimeError re) {
                System.err.println("vessel: " + re.getMessage());
                return re instanceof RuntimeError.CommandFailed c ? c.shellStatus() : 125;
            }
            System.err.println("vessel: internal error: " + ex);
            return 125;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("vessel: " + ex.getMessage());
            return 125;
        });
        // Options after the image belong to the container's command, as with docker run.
        cl.setStopAtPositional(true);
        return cl.execute(args);
    }
}
