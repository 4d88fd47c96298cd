package dev.vessel.runtime.cli;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.ContainerSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** state, list, ps, events, features, spec. */
final class InspectCommands {

    private InspectCommands() {}

    /** runc's layout (Go's MarshalIndent with tabs), so scripts that diff the output keep working. */
    static void printJson(Object o) {
        System.out.println(dev.vessel.runtime.spec.SpecJson.pretty(o));
    }

    @Command(name = "state", description = "Print the OCI state of a container.")
    static final class State extends ContainerVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            printJson(main.runtime().state(id));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List containers.")
    static final class ListCmd implements Callable<Integer> {
        @ParentCommand
        RuntimeMain main;

        @Option(names = {"--format", "-f"}, defaultValue = "table", description = "table or json")
        String format;

        @Option(names = {"--quiet", "-q"}, description = "print ids only")
        boolean quiet;

        @Override
        public Integer call() {
            List<ContainerSummary> all = main.runtime().list();
            if (quiet) {
                all.forEach(c -> System.out.println(c.id()));
            } else if (format.equals("json")) {
                printJson(all);
            } else if (format.equals("table")) {
                PrintStream out = System.out;
                out.printf("%-12s %-8s %-10s %-40s %-31s %s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                for (ContainerSummary c : all) {
                    out.printf("%-12s %-8d %-10s %-40s %-31s %s%n", c.id(), c.pid(), c.status(), c.bundle(), c.created(), c.owner());
                }
            } else {
                throw new RuntimeError("--format \"" + format + "\" is not supported: use table or json");
            }
            return 0;
        }
    }

    @Command(name = "ps", description = "List the processes of a container (ps arguments may follow).")
    static final class Ps extends ContainerVerb implements Callable<Integer> {
        @Option(names = {"--format", "-f"}, defaultValue = "table", description = "table or json")
        String format;

        @Parameters(index = "1..*", paramLabel = "PS_ARGS", description = "arguments for ps (default -ef)")
        List<String> psArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<Integer> pids = main.runtime().pids(id);
            if (format.equals("json")) {
                printJson(pids);
                return 0;
            }
            if (!format.equals("table")) {
                throw new RuntimeError("--format \"" + format + "\" is not supported: use table or json");
            }
            List<String> cmd = new ArrayList<>(List.of("ps"));
            cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            if (lines.isEmpty()) {
                return 0;
            }
            int pidCol = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
            if (pidCol < 0) {
                throw new RuntimeError("ps " + String.join(" ", psArgs) + ": output has no PID column; include it in the format");
            }
            System.out.println(lines.get(0));
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                if (f.length > pidCol && pids.contains(Integer.parseInt(f[pidCol]))) {
                    System.out.println(l);
                }
            }
            return 0;
        }
    }

    @Command(name = "events", description = "Print container events (stats and OOM kills) as JSON lines.")
    static final class Events extends ContainerVerb implements Callable<Integer> {
        @Option(names = "--stats", description = "print the statistics once and exit")
        boolean stats;

        @Option(names = "--interval", defaultValue = "5s", description = "statistics interval (e.g. 5s, 500ms)")
        String interval;

        @Override
        public Integer call() throws InterruptedException {
            ContainerRuntime rt = main.runtime();
            if (stats) {
                printJson(Map.of("type", "stats", "id", id, "data", rt.stats(id)));
                return 0;
            }
            Duration every = parseDuration(interval);
            long oomSeen = rt.oomKills(id);
            while (rt.isAlive(id)) {
                long oom = rt.oomKills(id);
                if (oom > oomSeen) {
                    System.out.println(oneLine(Map.of("type", "oom", "id", id)));
                    oomSeen = oom;
                }
                System.out.println(oneLine(Map.of("type", "stats", "id", id, "data", rt.stats(id))));
                System.out.flush();
                Thread.sleep(every);
            }
            return 0;
        }

        private static String oneLine(Object event) {
            return new String(dev.vessel.runtime.spec.SpecJson.compact(event), java.nio.charset.StandardCharsets.UTF_8);
        }

        static Duration parseDuration(String s) {
            try {
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                }
                if (s.endsWith("s")) {
                    return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
                }
                if (s.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new RuntimeError("--interval \"" + s + "\" is not a duration: use e.g. 500ms, 5s or 1m");
        }
    }

    @Command(name = "features", description = "Print the features this runtime supports (OCI features document).")
    static final class Features implements Callable<Integer> {
        @ParentCommand
        RuntimeMain main;

        @Override
        public Integer call() {
            main.global.check();
            printJson(dev.vessel.runtime.spec.Features.vessel());
            return 0;
        }
    }

    @Command(name = "spec", description = "Write a default config.json into the bundle directory.")
    static final class SpecCmd implements Callable<Integer> {
        @ParentCommand
        RuntimeMain main;

        @Option(names = {"--bundle", "-b"}, description = "bundle directory (default: the current directory)")
        Path bundle;

        @Option(names = "--rootless", description = "a spec for a rootless container")
        boolean rootless;

        @Override
        public Integer call() throws IOException {
            main.global.check();
            Path dir = bundle != null ? bundle : Path.of("");
            Path f = dir.resolve("config.json");
            if (Files.exists(f)) {
                throw new RuntimeError("File " + f + " exists. Remove it first");
            }
            if (!Files.isDirectory(f.toAbsolutePath().getParent())) {
                throw new RuntimeError("--bundle " + dir + ": no such directory; create it first");
            }
            // runc writes the effective gid of the caller into a rootless spec; vessel runs as root, where both are 0.
            long id = dev.vessel.linux.Processes.euid();
            Files.writeString(f, dev.vessel.runtime.spec.SpecJson.pretty(dev.vessel.runtime.spec.DefaultSpec.forHost(rootless, id, id)));
            return 0;
        }
    }
}
