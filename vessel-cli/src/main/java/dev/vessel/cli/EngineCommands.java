package dev.vessel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.runtime.RuntimeError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands that only the engine can answer: inspect, kill, wait, events. */
final class EngineCommands {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EngineCommands() {}

    /** The engine's client, or the error that says no engine answers (these commands need one). */
    private static EngineClient engine() {
        EngineClient c = EngineConnection.ifRunning();
        if (c == null) {
            throw new RuntimeError("no engine answers on " + EngineConnection.socket() + ": only containers started with"
                    + " vessel run -d are the engine's; start it with `vessel daemon`");
        }
        return c;
    }

    /** Does {@code each} for every id; one that fails is reported and the rest go on; 1 if any failed. */
    private static int forEach(List<String> ids, java.util.function.BiConsumer<EngineClient, String> each) {
        int status = 0;
        try (EngineClient c = engine()) {
            for (String id : ids) {
                try {
                    each.accept(c, id);
                } catch (EngineClient.Error e) {
                    System.err.println("vessel: " + e.getMessage());
                    status = 1;
                }
            }
        }
        return status;
    }

    private static String path(String id) {
        return "/v1/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "inspect", description = "Show containers as the engine knows them (JSON).")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "CONTAINER", arity = "1..*")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ArrayNode out = JSON.createArrayNode();
            int status = forEach(ids, (c, id) -> out.add(c.get(path(id))));
            System.out.println(JSON.writeValueAsString(out));
            return status;
        }
    }

    @Command(name = "kill", description = "Send a signal to running containers (default KILL).")
    static final class Kill implements Callable<Integer> {
        @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "name (TERM, SIGHUP) or number")
        String signal = "KILL";

        @Parameters(paramLabel = "CONTAINER", arity = "1..*")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() {
            String q = "/kill?signal=" + URLEncoder.encode(signal, StandardCharsets.UTF_8);
            return forEach(ids, (c, id) -> {
                c.post(path(id) + q, null);
                System.out.println(id);
            });
        }
    }

    @Command(name = "wait", description = "Block until containers stop, then print their exit codes.")
    static final class Wait implements Callable<Integer> {
        @Parameters(paramLabel = "CONTAINER", arity = "1..*")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() {
            return forEach(ids, (c, id) -> System.out.println(c.post(path(id) + "/wait", null).get("exitCode").asInt()));
        }
    }

    @Command(name = "events", description = "Print the engine's events as they happen (or those of a period).")
    static final class Events implements Callable<Integer> {
        @Option(names = "--since", paramLabel = "TIME", description = "from this time (RFC 3339 or seconds since the epoch)")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "up to this time, then stop")
        String until;

        @Override
        public Integer call() {
            StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
            if (since != null) {
                q.add("since=" + URLEncoder.encode(since, StandardCharsets.UTF_8));
            }
            if (until != null) {
                q.add("until=" + URLEncoder.encode(until, StandardCharsets.UTF_8));
            }
            try (EngineClient c = engine()) {
                c.stream("/v1/events" + q, line -> {
                    if (!line.isBlank()) {
                        System.out.println(format(line));
                        System.out.flush();
                    }
                });
            } catch (EngineClient.Error e) {
                throw new RuntimeError(e.getMessage());
            }
            return 0;
        }

        /** As docker events prints them: {@code TIME TYPE ACTION ID (k=v, ...)}. */
        static String format(String json) {
            JsonNode e;
            try {
                e = JSON.readTree(json);
            } catch (java.io.IOException x) {
                return json;
            }
            StringJoiner attrs = new StringJoiner(", ", " (", ")").setEmptyValue("");
            Map<String, String> sorted = new TreeMap<>(); // by name, as docker prints them
            for (Iterator<Map.Entry<String, JsonNode>> it = e.path("attributes").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                sorted.put(a.getKey(), a.getValue().asText());
            }
            sorted.forEach((k, v) -> attrs.add(k + "=" + v));
            return e.path("time").asText() + " " + e.path("type").asText() + " " + e.path("action").asText() + " "
                    + e.path("id").asText() + attrs;
        }
    }
}
