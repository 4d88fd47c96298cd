package dev.vessel.cli;

import dev.vessel.linux.Mounts;
import dev.vessel.linux.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden verb for the launcher's AOT training run (the cache holds what this run loads and
 * links): what `vessel run` loads, then, when root, a real `vessel run --rm busybox true` on
 * a private image store and runtime root in a temporary directory, and the runtime's own
 * container lifecycle. Leaves nothing behind: the directory is unmounted and removed.
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
        if (Processes.euid() == 0 && System.getProperty("vessel.init") != null) {
            runFromImage();
        }
        dev.vessel.runtime.cli.AotTrain.exerciseLifecycle();
        return 0;
    }

    private static void runFromImage() {
        PrintStream out = System.out, err = System.err;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vessel-aot-train");
            System.setProperty("vessel.storage", dir.resolve("lib").toString());
            System.setProperty("vessel.runtime.root", dir.resolve("run").toString());
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(quiet);
            System.setErr(quiet);
            VesselMain.execute("run", "--rm", "busybox", "true");
            VesselMain.execute("image", "ls");
        } catch (IOException | RuntimeException e) {
            // the cache is still useful without this part
        } finally {
            System.clearProperty("vessel.storage");
            System.clearProperty("vessel.runtime.root");
            System.setOut(out);
            System.setErr(err);
            remove(dir);
        }
    }

    /** Detaches whatever is still mounted under {@code dir} (a run cut short), then deletes it. */
    private static void remove(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            List<String> mounted = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String target = line.split(" ")[4];
                if (target.startsWith(dir + "/")) {
                    mounted.add(target);
                }
            }
            mounted.sort(Comparator.reverseOrder());
            for (String target : mounted) {
                Mounts.umount(target, Mounts.MNT_DETACH);
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            // a leftover temporary directory is harmless
        }
    }
}
