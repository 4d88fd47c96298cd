package dev.vessel.runtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.launch.PlanBuilder;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecJson;
import dev.vessel.runtime.spec.SpecParser;
import dev.vessel.runtime.spec.SpecValidator;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden verb for the launcher's AOT training run (JDK 25 -XX:AOTCacheOutput). The cache holds
 * what the training run loaded and linked, so it should do what real invocations do: parse,
 * validate and plan a spec, and, when it can (root, a static busybox, the helper), take a
 * throwaway container through create, start, state, exec, ps, kill, delete and run under a
 * private state root in a temporary directory, which it removes.
 */
@Command(name = "aot-train", hidden = true)
public final class AotTrain implements Callable<Integer> {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

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
        exerciseLifecycle();
        return 0;
    }

    /**
     * Runs the container lifecycle once, quietly, when this process may; otherwise does nothing.
     * Never throws: a training run that cannot start containers still yields a useful cache.
     */
    public static void exerciseLifecycle() {
        if (Processes.euid() != 0 || !Files.isExecutable(BUSYBOX) || System.getProperty("vessel.init") == null) {
            return;
        }
        try (TrainingScratch scratch = TrainingScratch.open()) {
            Path dir = scratch.dir();
            Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String applet : List.of("sh", "sleep", "true")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            String root = dir.resolve("state").toString(), bundle = dir.toString();
            String id = "aot-train-" + ProcessHandle.current().pid();
            RuntimeMain.execute("spec", "--bundle", bundle);
            writeArgs(dir, "sleep", "30");
            try {
                RuntimeMain.execute("--root", root, "create", "--bundle", bundle, id);
                RuntimeMain.execute("--root", root, "start", id);
                RuntimeMain.execute("--root", root, "state", id);
                RuntimeMain.execute("--root", root, "exec", id, "true");
                RuntimeMain.execute("--root", root, "ps", id);
                RuntimeMain.execute("--root", root, "list");
                RuntimeMain.execute("--root", root, "kill", id, "KILL");
            } finally {
                RuntimeMain.execute("--root", root, "delete", "--force", id);
            }
            writeArgs(dir, "true");
            RuntimeMain.execute("--root", root, "run", "--bundle", bundle, id);
            RuntimeMain.execute("--root", root, "delete", "--force", id);
        } catch (IOException | RuntimeException e) {
            // the cache is still useful without this part; nothing to report from a training run
        }
    }

    /** Sets process.args (and no terminal) in the bundle's config.json. */
    private static void writeArgs(Path bundle, String... args) throws IOException {
        Path config = bundle.resolve("config.json");
        ObjectNode doc = SpecJson.read(Files.readAllBytes(config), ObjectNode.class);
        ObjectNode process = (ObjectNode) doc.get("process");
        process.put("terminal", false);
        var list = process.putArray("args");
        for (String a : args) {
            list.add(a);
        }
        Files.writeString(config, SpecJson.pretty(doc));
    }
}
