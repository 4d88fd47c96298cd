package dev.vessel.runtime.cli;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code vessel-runtime}: the OCI runtime command line, a drop-in for runc. Verbs and global
 * flags mirror runc's so that podman, containerd and CRI-O can drive it unchanged.
 */
@Command(name = "vessel-runtime", mixinStandardHelpOptions = true, version = "vessel-runtime 0.1.0 (OCI runtime-spec 1.2.0)",
        description = "Run containers from OCI bundles (a drop-in for runc).",
        subcommands = {
            LifecycleCommands.Create.class, LifecycleCommands.Start.class, LifecycleCommands.Run.class,
            LifecycleCommands.Kill.class, LifecycleCommands.Delete.class,
            InspectCommands.State.class, InspectCommands.ListCmd.class, InspectCommands.Ps.class,
            InspectCommands.Events.class, InspectCommands.Features.class, InspectCommands.SpecCmd.class,
            ExecCommand.class,
            ResourceCommands.Pause.class, ResourceCommands.Resume.class, ResourceCommands.Update.class,
            AotTrain.class
        })
public final class RuntimeMain implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    /** Shared by every verb: validates the global flags, sets up logging, builds the runtime. */
    ContainerRuntime runtime() {
        global.check();
        Log.configure(global.log, global.logFormat, global.debug);
        return new ContainerRuntime(global.root, initBinary());
    }

    static Path initBinary() {
        String p = System.getProperty("vessel.init");
        if (p == null) {
            throw new RuntimeError("vessel-init helper not found: start vessel-runtime through bin/vessel-runtime (it sets -Dvessel.init)");
        }
        return Path.of(p);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new RuntimeMain());
        // Everything after the container id is positional (exec's command, ps's arguments), as in runc.
        cl.setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof RuntimeError re) {
                Log.error(re.getMessage());
                return re.exitCode();
            }
            Log.error("internal error: " + ex);
            if (Log.debugEnabled()) {
                ex.printStackTrace();
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("vessel-runtime: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }
}
