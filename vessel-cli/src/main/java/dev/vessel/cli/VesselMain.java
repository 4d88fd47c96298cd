package dev.vessel.cli;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cli.Commands;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vessel}: the user's command line. It holds no state of its own (DESIGN.md). */
@Command(name = "vessel", mixinStandardHelpOptions = true, version = "vessel 0.1.0", scope = CommandLine.ScopeType.INHERIT,
        description = "Run isolated workloads: containers from images.")
public final class VesselMain implements Callable<Integer> {

    /** The commands, of which only the one being run is registered ({@link Commands}). */
    static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("ps", ContainerCommands.Ps::new);
        COMMANDS.put("rm", ContainerCommands.Rm::new);
        COMMANDS.put("image", ImageCommands.Group::new);
        COMMANDS.put("pull", ImageCommands.Pull::new);
        COMMANDS.put("push", ImageCommands.Push::new);
        COMMANDS.put("login", ImageCommands.Login::new);
        COMMANDS.put("logout", ImageCommands.Logout::new);
        COMMANDS.put("system", ImageCommands.SystemGroup::new);
        COMMANDS.put("build", BuildCommand::new);
        COMMANDS.put("stop", ContainerCommands.Stop::new);
        COMMANDS.put("exec", ContainerCommands.Exec::new);
        COMMANDS.put("logs", ContainerCommands.Logs::new);
        COMMANDS.put("inspect", EngineCommands.Inspect::new);
        COMMANDS.put("kill", EngineCommands.Kill::new);
        COMMANDS.put("wait", EngineCommands.Wait::new);
        COMMANDS.put("events", EngineCommands.Events::new);
        COMMANDS.put("daemon", DaemonCommand::new);
        COMMANDS.put("aot-train", AotTrain::new);
        COMMANDS.put("vm", dev.vessel.cli.vm.VmCommand::new);
    }

    @Override
    public Integer call() {
        commandLine(null).usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** The command line with {@code command} registered, or every command when it is null or unknown (help, errors). */
    static CommandLine commandLine(String command) {
        return Commands.line(new VesselMain(), COMMANDS, command);
    }

    /** The first argument that is not an option: vessel's own options take no value. */
    static String command(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    public static int execute(String... args) {
        CommandLine cl = commandLine(command(args));
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
