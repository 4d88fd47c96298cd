package dev.vessel.runtime.cli;

import dev.vessel.runtime.launch.PlanBuilder;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecParser;
import dev.vessel.runtime.spec.SpecValidator;
import dev.vessel.runtime.state.StateStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden verb for the launcher's AOT training run (JDK 25 -XX:AOTCacheOutput): touches the
 * classes every real invocation loads (CLI parsing, spec parsing and validation, planning,
 * JSON) without creating anything.
 */
@Command(name = "aot-train", hidden = true)
final class AotTrain implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Spec spec = DefaultSpec.example(false);
        byte[] json = StateStore.toJson(spec);
        Spec parsed = SpecParser.parse(json, "config.json");
        SpecValidator.validate(parsed);
        PlanBuilder.container(parsed, new PlanBuilder.Options(Path.of("/tmp"), Path.of("/tmp/rootfs"), "/tmp/fifo", false, 0, false, null, -1, "_ses.aot"));
        CommandLine cl = RuntimeMain.commandLine(null);
        for (String verb : cl.getSubcommands().keySet()) {
            cl.getSubcommands().get(verb).getUsageMessage();
        }
        cl.parseArgs("--root", "/tmp/x", "state", "x");
        return 0;
    }
}
