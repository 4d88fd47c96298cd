package dev.vessel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden verb for the launcher's AOT training run: loads what `vessel run` loads and, where it
 * may, runs a throwaway container through the runtime (removed again); touches no image store.
 */
@Command(name = "aot-train", hidden = true)
final class AotTrain implements Callable<Integer> {

    @Override
    public Integer call() {
        RunFlags f = new RunFlags("train", false, "64m", "1", 10L, null, List.of("A=b"), null, null, false, List.of("true"),
                SecurityOpts.seccomp(List.of()));
        f.check();
        f.toSpec("train", "/rootfs", new dev.vessel.image.ProcessDefaults(List.of("true"), List.of("PATH=/bin"), "/", 0, 0));
        CommandLine cl = new CommandLine(new VesselMain());
        for (var sub : cl.getSubcommands().values()) {
            sub.getUsageMessage();
        }
        dev.vessel.runtime.cli.AotTrain.exerciseLifecycle();
        return 0;
    }
}
