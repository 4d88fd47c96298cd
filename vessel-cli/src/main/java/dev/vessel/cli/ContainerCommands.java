package dev.vessel.cli;

import dev.vessel.engine.container.Storage;
import dev.vessel.engine.container.ContainerBundle;
import dev.vessel.engine.container.Images;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.linux.Fds;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.ContainerSummary;
import dev.vessel.runtime.container.ExecOptions;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** ps, rm, stop, exec on the containers `vessel run` made. */
final class ContainerCommands {

    private ContainerCommands() {}

    static ContainerRuntime runtime(Storage s) {
        return new ContainerRuntime(s.runtimeRoot(), s.initBinary());
    }

    @Command(name = "ps", description = "List containers.")
    static final class Ps implements Callable<Integer> {
        @Option(names = {"-a", "--all"}, description = "include stopped containers")
        boolean all;

        @Override
        public Integer call() {
            Storage s = Storage.defaults();
            Instant now = Instant.now();
            String row = "%-14s %-8s %-12s %-16s %-20s %s%n";
            System.out.printf(row, "CONTAINER ID", "PID", "STATUS", "CREATED", "IMAGE", "COMMAND");
            // The engine's containers, as it knows them; then those `vessel run` made in the foreground.
            java.util.Set<String> shown = new java.util.HashSet<>();
            try (EngineClient c = EngineConnection.ifRunning()) {
                if (c != null) {
                    for (JsonNode n : c.get("/v1/containers?all=true")) {
                        String id = n.get("id").asText();
                        String st = n.get("state").asText();
                        shown.add(id);
                        if (all || st.equals("running") || st.equals("restarting") || st.equals("paused")) {
                            List<String> args = new ArrayList<>();
                            n.path("command").forEach(a -> args.add(a.asText()));
                            String status = st.equals("exited") && n.hasNonNull("exitCode")
                                    ? "exited(" + n.get("exitCode").asInt() + ")"
                                    : st.equals("running") && n.hasNonNull("health") ? st + "(" + n.get("health").asText() + ")" : st;
                            System.out.printf(row, id, n.path("pid").asInt(), status, ago(n.path("created").asText(), now),
                                    n.path("image").asText(), quoted(String.join(" ", args)));
                        }
                    }
                }
            }
            for (ContainerSummary c : runtime(s).list()) {
                if (!shown.contains(c.id()) && (all || !c.status().equals("stopped"))) {
                    String image = c.annotations() == null ? "" : c.annotations().getOrDefault(ContainerBundle.IMAGE_ANNOTATION, "");
                    System.out.printf(row, c.id(), c.pid(), c.status(), ago(c.created(), now), image, command(c.bundle()));
                }
            }
            return 0;
        }

        /** "5 seconds ago", "3 hours ago": how long since {@code created} (RFC 3339), as docker ps shows it. */
        static String ago(String created, Instant now) {
            long s;
            try {
                s = Math.max(0, Duration.between(Instant.parse(created), now).toSeconds());
            } catch (java.time.format.DateTimeParseException e) {
                return created;
            }
            long[] steps = {86_400, 3_600, 60, 1};
            String[] units = {"day", "hour", "minute", "second"};
            for (int i = 0; i < steps.length; i++) {
                long n = s / steps[i];
                if (n > 0 || i == steps.length - 1) {
                    return n + " " + units[i] + (n == 1 ? "" : "s") + " ago";
                }
            }
            throw new AssertionError();
        }

        /** Quoted and cut to 30 characters, as docker ps shows a command. */
        static String quoted(String cmd) {
            return "\"" + (cmd.length() > 30 ? cmd.substring(0, 29) + "…" : cmd) + "\"";
        }

        /** The container's command from its bundle's config.json, quoted and cut as docker ps does; "" if unreadable. */
        static String command(String bundle) {
            List<String> args = new ContainerBundle(Path.of(bundle)).processArgs();
            return args.isEmpty() ? "" : quoted(String.join(" ", args));
        }
    }

    @Command(name = "rm", description = "Remove containers.")
    static final class Rm implements Callable<Integer> {
        @Option(names = {"-f", "--force"}, description = "kill it first if it runs")
        boolean force;

        @Parameters(paramLabel = "CONTAINER", arity = "1..*")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() {
            Storage s = Storage.defaults();
            ContainerRuntime rt = runtime(s);
            // Every id names a directory that is removed with all below it: refuse "..", "/" and
            // the like before anything is touched.
            ids.forEach(ContainerRuntime::validateId);
            int status = 0;
            EngineClient engine = EngineConnection.ifRunning();
            for (String id : ids) {
                boolean known = false;
                if (engine != null && inEngine(engine, id)) {
                    engine.delete("/v1/containers/" + id + (force ? "?force=true" : ""));
                    System.out.println(id);
                    continue;
                }
                if (rt.store().exists(id)) {
                    rt.delete(id, force);
                    known = true;
                }
                if (Files.isDirectory(s.containers().resolve(id))) {
                    new ContainerBundle(s.containers().resolve(id)).remove(Images.service());
                    known = true;
                }
                if (known) {
                    System.out.println(id);
                } else {
                    status = noSuchContainer(id);
                }
            }
            if (engine != null) {
                engine.close();
            }
            return status;
        }
    }

    @Command(name = "stop", description = "Stop containers: SIGTERM, then SIGKILL after the grace period.")
    static final class Stop implements Callable<Integer> {
        @Option(names = {"-t", "--time"}, defaultValue = "10", description = "seconds to wait before SIGKILL")
        int seconds;

        @Parameters(paramLabel = "CONTAINER", arity = "1..*")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            ContainerRuntime rt = runtime(Storage.defaults());
            ids.forEach(ContainerRuntime::validateId);
            int status = 0;
            EngineClient engine = EngineConnection.ifRunning();
            for (String id : ids) {
                if (engine != null && inEngine(engine, id)) {
                    // The engine stops it, so that its restart policy does not bring it back.
                    engine.post("/v1/containers/" + id + "/stop?t=" + seconds, null);
                    System.out.println(id);
                    continue;
                }
                if (!rt.store().exists(id)) {
                    status = noSuchContainer(id);
                    continue;
                }
                if (rt.isAlive(id)) {
                    rt.kill(id, Signals.SIGTERM, false);
                    for (int i = 0; i < seconds * 10 && rt.isAlive(id); i++) {
                        Thread.sleep(100);
                    }
                    if (rt.isAlive(id)) {
                        rt.kill(id, Signals.SIGKILL, true);
                    }
                }
                System.out.println(id);
            }
            if (engine != null) {
                engine.close();
            }
            return status;
        }
    }

    /** Whether the engine knows container {@code id} (made by {@code vessel run -d}). */
    static boolean inEngine(EngineClient engine, String id) {
        return engine.call("GET", "/v1/containers/" + id, null).status() == 200;
    }

    @Command(name = "logs", description = "Print the output of a container started with vessel run -d.")
    static final class Logs implements Callable<Integer> {
        @Option(names = {"-f", "--follow"}, description = "keep printing new output until the container stops")
        boolean follow;

        @Parameters(paramLabel = "CONTAINER")
        String id;

        @Override
        public Integer call() throws IOException, InterruptedException {
            ContainerRuntime.validateId(id);
            try (EngineClient engine = EngineConnection.ifRunning()) {
                if (engine != null && inEngine(engine, id)) {
                    engine.stream("/v1/containers/" + id + "/logs" + (follow ? "?follow=true" : ""), System.out::println);
                    System.out.flush();
                    return 0;
                }
            }
            Storage s = Storage.defaults();
            Path dir = s.containers().resolve(id);
            if (!Files.isDirectory(dir)) {
                return noSuchContainer(id);
            }
            Path log = dir.resolve(ContainerBundle.LOG);
            if (!Files.exists(log)) {
                throw new RuntimeError("container " + id + " has no log: only a container started with vessel run -d"
                        + " has one (the others wrote to the terminal)");
            }
            ContainerRuntime rt = runtime(s);
            new ContainerBundle(dir).copyLog(System.out, follow, () -> rt.isAlive(id));
            return 0;
        }
    }

    /** As docker: the others are still handled, and the command fails at the end. */
    private static int noSuchContainer(String id) {
        System.err.println("vessel: no such container: " + id + " (see `vessel ps -a`)");
        return 1;
    }

    @Command(name = "exec", description = "Run a command in a running container.")
    static final class Exec implements Callable<Integer> {
        @Option(names = {"-e", "--env"}, description = "NAME=VALUE, repeatable")
        List<String> env = new ArrayList<>();

        @Option(names = {"-w", "--workdir"})
        String workdir;

        @Option(names = {"-u", "--user"})
        String user;

        @Option(names = {"-d", "--detach"})
        boolean detach;

        @Option(names = {"-i", "--interactive"}, description = "give the process this command's stdin (without it, stdin is empty)")
        boolean interactive;

        @Option(names = {"-t", "--tty"})
        boolean tty;

        @Parameters(index = "0", paramLabel = "CONTAINER")
        String id;

        @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            if (detach && tty) {
                throw new RuntimeError("exec -d with -t: a detached process has no terminal; drop -t");
            }
            ContainerRuntime rt = runtime(Storage.defaults());
            if (interactive || tty) {
                return rt.exec(new ExecOptions(id, null, command, workdir, env, tty, user, List.of(),
                        detach, null, false, List.of(), 0, null, false, null, null));
            }
            // As docker: without -i the process's stdin is not the caller's (it reads EOF at once).
            int devNull = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
            try {
                return rt.exec(new ExecOptions(id, null, command, workdir, env, false, user, List.of(),
                        detach, null, false, List.of(), 0, null, false, null, null, new InitSession.Stdio(devNull, 1, 2)));
            } finally {
                Fds.close(devNull);
            }
        }
    }
}
