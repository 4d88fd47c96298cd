package dev.vessel.runtime.cli;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code vessel-runtime}: the OCI runtime command line, a drop-in for runc. Verbs and global
 * flags mirror runc's so that podman, containerd and CRI-O can drive it unchanged.
 */
@Command(name = "vessel-runtime", mixinStandardHelpOptions = true, version = "vessel-runtime 0.1.0 (OCI runtime-spec 1.2.0)",
        description = "Run containers from OCI bundles (a drop-in for runc).")
public final class RuntimeMain implements Callable<Integer> {

    /** The verbs, of which only the one being run is registered ({@link Commands}). */
    static final Map<String, Supplier<Object>> VERBS = new LinkedHashMap<>();

    static {
        VERBS.put("create", LifecycleCommands.Create::new);
        VERBS.put("start", LifecycleCommands.Start::new);
        VERBS.put("run", LifecycleCommands.Run::new);
        VERBS.put("kill", LifecycleCommands.Kill::new);
        VERBS.put("delete", LifecycleCommands.Delete::new);
        VERBS.put("state", InspectCommands.State::new);
        VERBS.put("list", InspectCommands.ListCmd::new);
        VERBS.put("ps", InspectCommands.Ps::new);
        VERBS.put("events", InspectCommands.Events::new);
        VERBS.put("features", InspectCommands.Features::new);
        VERBS.put("spec", InspectCommands.SpecCmd::new);
        VERBS.put("exec", ExecCommand::new);
        VERBS.put("pause", ResourceCommands.Pause::new);
        VERBS.put("resume", ResourceCommands.Resume::new);
        VERBS.put("update", ResourceCommands.Update::new);
        VERBS.put("aot-train", AotTrain::new);
    }

    /** Global options that take a value, to find the verb without building the model. */
    private static final Set<String> VALUED = Set.of("--root", "--log", "--log-format", "--criu", "--rootless");

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Override
    public Integer call() {
        commandLine(null).usage(System.err);
        return 2;
    }

    /** Shared by every verb: validates the global flags, sets up logging, builds the runtime. */
    ContainerRuntime runtime() {
        global.check();
        Log.configure(global.log, global.logFormat, global.debug);
        return new ContainerRuntime(global.root, initBinary());
    }

    /** The command line with {@code verb} registered, or every verb when it is null or unknown (help, errors). */
    static CommandLine commandLine(String verb) {
        CommandLine cl = Commands.line(new RuntimeMain(), VERBS, verb);
        cl.getSubcommands().values().stream().distinct().forEach(RuntimeMain::addHelp); // "ls" is list again
        return cl;
    }

    /**
     * {@code -h, --help} on a verb, as runc has it. Added to the model by hand rather than
     * with picocli's help mixin, whose annotations are read by reflection on every call
     * (~20 ms of a run, A/B over 20 calls each); this option costs nothing until it is used.
     */
    private static void addHelp(CommandLine verb) {
        verb.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
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

    /** The verb in {@code args} (first argument that is not a global option or its value), or null. */
    static String verb(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                return a.equals("ls") ? "list" : a;
            }
            if (VALUED.contains(a)) {
                i++;
            }
        }
        return null;
    }

    public static int execute(String... args) {
        CommandLine cl = commandLine(verb(args));
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
