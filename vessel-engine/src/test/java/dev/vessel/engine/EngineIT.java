package dev.vessel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.engine.container.ContainerBundle;
import dev.vessel.engine.container.Images;
import dev.vessel.engine.container.Storage;
import dev.vessel.engine.container.UsernsAllocations;
import dev.vessel.engine.container.UsernsMode;
import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.store.Store;
import dev.vessel.image.BuiltinImages;
import dev.vessel.image.ImageService;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.cgroups.CgroupLayout;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private engine (its own root and socket) running real containers under their monitors,
 * driven through its API as {@code vessel} drives it.
 */
@Tag("root")
class EngineIT {

    @TempDir
    Path tmp;
    private Path root;
    private Path socket;
    private Storage storage;
    private Engine engine;
    private EngineClient client;
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root: the engine makes namespaces, cgroups and mounts");
        Assumptions.assumeTrue(Files.isExecutable(BuiltinImages.HOST_BUSYBOX), "needs Debian's busybox-static");
        root = tmp.toRealPath().resolve("root");
        socket = tmp.toRealPath().resolve("engine.sock");
        storage = new Storage(root, root.resolve("runtime"), Path.of(System.getProperty("vessel.init")));
        engine = Engine.start(storage, socket);
        client = EngineClient.unix(socket);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            for (JsonNode c : client.get("/v1/containers?all=true")) {
                client.call("DELETE", "/v1/containers/" + c.get("id").asText() + "?force=true", null);
            }
            client.close();
        }
        if (engine != null) {
            engine.close();
        }
        for (Process p : children) {
            p.destroyForcibly();
        }
    }

    private String name(String what) {
        return "eit-" + what + "-" + tag;
    }

    private JsonNode run(String name, String restart, String... command) {
        Map<String, Object> req = new HashMap<>(Map.of("image", "busybox", "name", name, "command", List.of(command)));
        if (restart != null) {
            req.put("restart", restart);
        }
        return client.post("/v1/containers", req);
    }

    private JsonNode inspect(String name) {
        return client.get("/v1/containers/" + name);
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Everything a container could leave on the host: runtime state, directory, snapshot, cgroups, row. */
    private List<String> leftovers(String id) throws Exception {
        List<String> left = new ArrayList<>();
        if (Files.exists(storage.runtimeRoot().resolve(id))) {
            left.add("runtime state");
        }
        if (Files.exists(storage.containers().resolve(id))) {
            left.add("container directory");
        }
        if (Files.exists(root.resolve("snapshots").resolve("containers").resolve(id))
                || Files.exists(root.resolve("snapshots").resolve(id))) {
            left.add("snapshot");
        }
        // v1: one hierarchy per controller (or group of them); v2: the unified tree at the top.
        if (Files.exists(Path.of("/sys/fs/cgroup/vessel", id))) {
            left.add("cgroup /sys/fs/cgroup/vessel/" + id);
        }
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                if (Files.exists(c.resolve("vessel").resolve(id))) {
                    left.add("cgroup " + c.resolve("vessel").resolve(id));
                }
            }
        }
        if (client.call("GET", "/v1/containers/" + id, null).status() != 404) {
            left.add("row");
        }
        if (Files.readString(Path.of("/proc/self/mountinfo")).contains(id)) {
            left.add("mount");
        }
        return left;
    }

    private List<String> events(String id) {
        List<String> actions = new ArrayList<>();
        client.stream("/v1/events?until=" + Instant.now().plusSeconds(1), line -> {
            if (line.contains("\"id\":\"" + id + "\"")) {
                actions.add(line.replaceAll(".*\"action\":\"([^\"]+)\".*", "$1"));
            }
        });
        return actions;
    }

    @Test
    void aDetachedContainerRunsItsExitIsRecordedAndRemovingItLeavesNothing() throws Exception {
        String n = name("exit");
        JsonNode c = run(n, null, "sh", "-c", "echo hello; sleep 0.3; exit 3");
        assertEquals("running", c.get("state").asText());
        assertTrue(c.get("pid").asInt() > 0);
        until("it exits", () -> inspect(n).get("state").asText().equals("exited"));
        JsonNode done = inspect(n);
        assertEquals(3, done.get("exitCode").asInt());
        assertTrue(done.get("finished").isTextual());
        List<String> log = new ArrayList<>();
        client.stream("/v1/containers/" + n + "/logs", log::add);
        assertEquals(List.of("hello"), log);
        assertEquals(List.of("create", "start", "die"), events(n));
        assertEquals(204, client.call("DELETE", "/v1/containers/" + n, null).status());
        assertEquals(List.of(), leftovers(n));
    }

    @Test
    void autoRemoveTakesTheContainerAwayAtItsExitAndWaitStillGetsItsCode() throws Exception {
        String n = name("autorm");
        client.post("/v1/containers", Map.of("image", "busybox", "name", n, "command", List.of("sh", "-c", "sleep 0.5; exit 4"),
                "autoRemove", true));
        assertEquals(4, client.post("/v1/containers/" + n + "/wait", null).get("exitCode").asInt());
        until("removed", () -> client.call("GET", "/v1/containers/" + n, null).status() == 404);
        assertEquals(List.of(), leftovers(n));
        assertTrue(events(n).containsAll(List.of("die", "destroy")), events(n).toString());
        EngineClient.Reply both = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n, "autoRemove", true,
                "restart", "always"));
        assertEquals(400, both.status());
        assertEquals("autoRemove", both.body().get("field").asText());
        assertEquals(List.of(), leftovers(n));
    }

    @Test
    void aHealthCheckGoesHealthyThenUnhealthyAndOnFailureKillKillsIt() throws Exception {
        String n = name("health");
        client.post("/v1/containers", Map.of("image", "busybox", "name", n,
                "command", List.of("sh", "-c", "touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 300"),
                "healthCmd", "test -e /tmp/ok && echo fine", "healthInterval", "200ms", "healthRetries", 2,
                "healthOnFailure", "kill"));
        until("healthy", () -> inspect(n).path("health").asText().equals("healthy"));
        JsonNode log = inspect(n).get("healthLog");
        assertTrue(log.size() >= 1 && log.size() <= 5, log.toString());
        assertTrue(log.toString().contains("\"exitCode\":0,\"output\":\"fine\\n\""), log.toString());
        until("unhealthy and killed", () -> inspect(n).get("state").asText().equals("exited"));
        JsonNode done = inspect(n);
        assertEquals("unhealthy", done.get("health").asText());
        assertEquals(137, done.get("exitCode").asInt(), "--health-on-failure=kill");
        List<String> actions = events(n);
        assertTrue(actions.containsAll(List.of("health_status: healthy", "health_status: unhealthy", "health_action", "kill")),
                actions.toString());
        EngineClient.Reply bad = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", name("badhealth"),
                "healthCmd", "true", "healthInterval", "soon"));
        assertEquals(400, bad.status());
        assertTrue(bad.body().get("message").asText().contains("--health-interval"), bad.body().toString());
        assertEquals(List.of(), leftovers(name("badhealth")));
    }

    @Test
    void onFailureRestartsAsOftenAsItSaysThenStaysExited() throws Exception {
        String n = name("onfail");
        run(n, "on-failure:2", "sh", "-c", "echo run; exit 5");
        until("two restarts, then exited", () -> {
            JsonNode c = inspect(n);
            return c.get("state").asText().equals("exited") && c.get("restartCount").asInt() == 2;
        });
        Thread.sleep(1_000); // a third restart would be due well within this
        JsonNode c = inspect(n);
        assertEquals("exited", c.get("state").asText());
        assertEquals(2, c.get("restartCount").asInt());
        assertEquals(5, c.get("exitCode").asInt());
        List<String> log = new ArrayList<>();
        client.stream("/v1/containers/" + n + "/logs", log::add);
        assertEquals(List.of("run", "run", "run"), log, "three runs, one log");
        assertEquals(2, events(n).stream().filter("restart"::equals).count());
    }

    @Test
    void aStoppedContainerIsNotRestartedByItsPolicy() throws Exception {
        String n = name("stop");
        JsonNode c = run(n, "always", "sleep", "300");
        int pid = c.get("pid").asInt();
        JsonNode stopped = client.post("/v1/containers/" + n + "/stop?t=1", null);
        assertEquals("exited", stopped.get("state").asText());
        // pid 1 of its namespace ignores a SIGTERM it has no handler for, as under docker: killed after t=1.
        assertEquals(137, stopped.get("exitCode").asInt());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        Thread.sleep(1_000);
        assertEquals("exited", inspect(n).get("state").asText());
        assertEquals(0, inspect(n).get("restartCount").asInt());
    }

    @Test
    void badRequestsAre4xxNamingTheFieldAndLeaveNothing() throws Exception {
        String n = name("bad");
        EngineClient.Reply unknown = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n, "memroy", "1g"));
        assertEquals(400, unknown.status());
        assertEquals("memroy", unknown.body().get("field").asText());
        EngineClient.Reply noImage = client.call("POST", "/v1/containers", Map.of("name", n));
        assertEquals(400, noImage.status());
        assertEquals("image", noImage.body().get("field").asText());
        EngineClient.Reply policy = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n, "restart", "sometimes"));
        assertEquals(400, policy.status());
        assertEquals("restart", policy.body().get("field").asText());
        EngineClient.Reply memory = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n, "memory", "lots"));
        assertEquals(400, memory.status(), memory.body().toString());
        assertTrue(memory.body().get("message").asText().contains("lots"), memory.body().toString());
        EngineClient.Reply missing = client.call("POST", "/v1/containers",
                Map.of("image", "busybox", "name", n, "command", List.of("/no/such/program")));
        assertEquals(422, missing.status(), missing.body().toString());
        assertEquals("command", missing.body().get("field").asText());
        assertEquals(List.of(), leftovers(n), "nothing of the failed runs");

        run(n, null, "sleep", "300");
        EngineClient.Reply taken = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n));
        assertEquals(409, taken.status(), taken.body().toString());
        assertEquals("running", inspect(n).get("state").asText(), "the first one is untouched");
        assertEquals(409, client.call("DELETE", "/v1/containers/" + n, null).status(), "running: rm without force");
        assertEquals(400, client.call("POST", "/v1/containers/" + n + "/stop?t=soon", null).status());
        assertEquals(400, client.call("POST", "/v1/containers/" + n + "/kill?signal=SIGNOPE", null).status());
        assertEquals(404, client.call("GET", "/v1/containers/nothing-" + tag, null).status());
        assertEquals(405, client.call("PUT", "/v1/containers/" + n, null).status());
        assertEquals(204, client.call("DELETE", "/v1/containers/" + n + "?force=true", null).status());
        assertEquals(List.of(), leftovers(n));
    }

    @Test
    void twoHundredRunAndRemoveCyclesLeaveNothing() throws Exception {
        long zombiesBefore = zombieChildren();
        for (int i = 0; i < 200; i++) {
            String n = name("cycle" + i);
            run(n, null, "true");
            assertEquals(204, client.call("DELETE", "/v1/containers/" + n + "?force=true", null).status(), n);
            if (i % 50 == 0) {
                assertEquals(List.of(), leftovers(n), n);
            }
        }
        assertEquals(List.of(), client.get("/v1/containers?all=true").findValuesAsText("id"), "no row");
        try (Stream<Path> dirs = Files.list(storage.containers())) {
            assertEquals(List.of(), dirs.toList(), "no container directory");
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(root.toString()), "no mount under the root");
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                try (Stream<Path> left = Files.exists(c.resolve("vessel")) ? Files.list(c.resolve("vessel")) : Stream.empty()) {
                    assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("eit-cycle")).toList());
                }
            }
        }
        assertEquals(zombiesBefore, zombieChildren(), "every monitor was reaped");
    }

    /** Zombies whose parent is this JVM (the in-process engine starts the monitors). */
    private static long zombieChildren() {
        return ProcessHandle.current().children().filter(p -> {
            try {
                return Files.readString(Path.of("/proc/" + p.pid() + "/stat")).replaceAll(".*\\) ", "").startsWith("Z");
            } catch (java.io.IOException e) {
                return false;
            }
        }).count();
    }

    @Test
    void aRunRefusedForANameOnTheHostLeavesWhatBearsThatNameAlone() throws Exception {
        String n = name("kept");
        // A container `vessel run` kept (no --rm) has a directory of that name, and no row in the engine.
        Path kept = Files.createDirectories(storage.containers().resolve(n));
        Files.writeString(kept.resolve("config.json"), "{}");
        Path state = Files.createDirectories(storage.runtimeRoot().resolve(n)).resolve("state.json");
        Files.writeString(state, "{}"); // its runtime state, as far as the engine's checks can tell
        EngineClient.Reply r = client.call("POST", "/v1/containers", Map.of("image", "busybox", "name", n));
        assertEquals(409, r.status(), r.body().toString());
        assertTrue(Files.exists(kept.resolve("config.json")), "the other container's directory stays");
        assertTrue(Files.exists(state), "and its runtime state");
        assertEquals(404, client.call("GET", "/v1/containers/" + n, null).status(), "no row");
        Files.delete(kept.resolve("config.json"));
        Files.delete(kept);
        Files.delete(state);
        Files.delete(state.getParent());
    }

    @Test
    void metricsShowTheContainersAndTheRequests() throws Exception {
        String n = name("metrics");
        run(n, null, "sleep", "300");
        List<String> lines = new ArrayList<>();
        client.stream("/metrics", lines::add);
        String text = String.join("\n", lines);
        assertTrue(lines.contains("vessel_containers{state=\"running\"} 1.0"), text);
        String labels = "{id=\"" + n + "\",image=\"busybox\",name=\"" + n + "\"}";
        assertTrue(lines.contains("vessel_container_running" + labels + " 1.0"), text);
        // The cgroup series exist where the host has the controller, and are absent where it has not.
        if (hostHas("memory")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("vessel_container_memory_usage_bytes" + labels + " ")
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0), text);
        } else {
            assertFalse(text.contains("vessel_container_memory_usage_bytes" + labels), "no memory controller: " + text);
        }
        if (hostHas("pids")) {
            assertTrue(lines.contains("vessel_container_pids" + labels + " 1.0"), text);
        } else {
            assertFalse(text.contains("vessel_container_pids" + labels), "no pids controller: " + text);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("vessel_api_requests_total{code=\"201\",method=\"POST\","
                + "route=\"/v1/containers\"}")), text);
    }

    /** Whether the host has cgroup controller {@code name}: in a v1 hierarchy, or enabled in the unified one. */
    private static boolean hostHas(String name) throws Exception {
        CgroupLayout layout = CgroupLayout.parse(Files.readString(Path.of("/proc/self/mountinfo")),
                Files.readString(Path.of("/proc/self/cgroup")), Path.of("/"));
        if (layout.v1(name) != null) {
            return true;
        }
        Path controllers = layout.unified() == null ? null : layout.unified().mountPoint().resolve("cgroup.controllers");
        return controllers != null && Files.exists(controllers)
                && List.of(Files.readString(controllers).trim().split("\\s+")).contains(name);
    }

    @Test
    void aRunTheEngineDidNotFinishIsUndoneAtTheNextStart() throws Exception {
        String n = name("half");
        engine.close();
        engine = null;
        // What a kill -9 in the middle of a run leaves: the row in "created", the directory, the snapshot.
        ImageService images = Images.service(root);
        try (Store store = Store.open(root.resolve("engine.db"))) {
            store.insert(new ContainerRecord(n, n, "busybox", "{}", "created", 0, null, Instant.now(), null, null, 0, "no",
                    false, null));
        }
        ContainerBundle.reserve(storage, n);
        Images.snapshot(images, n, Images.resolve(images, "busybox"),
                UsernsAllocations.of(storage).assign(new UsernsMode.Host(), storage.containers().resolve(n)));
        assertTrue(Files.isDirectory(storage.containers().resolve(n)));
        engine = Engine.start(storage, socket);
        assertEquals(List.of(), leftovers(n));
    }

    @Test
    void containersOutliveAKilledEngineAndTheNextOneAdoptsThem() throws Exception {
        engine.close();
        engine = null;
        Process first = engineProcess();
        String keeps = name("keeps");
        String ends = name("ends");
        int pid = run(keeps, null, "sleep", "300").get("pid").asInt();
        run(ends, null, "sh", "-c", "sleep 2; exit 7");
        first.destroyForcibly().waitFor(); // kill -9
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the container outlived its engine");
        Path record = storage.containers().resolve(ends).resolve(ContainerService.EXIT_RECORD);
        until("the second container exits while no engine runs", () -> Files.exists(record));

        engineProcess();
        JsonNode kept = inspect(keeps);
        assertEquals("running", kept.get("state").asText());
        assertEquals(pid, kept.get("pid").asInt(), "the same process, adopted");
        JsonNode ended = inspect(ends);
        assertEquals("exited", ended.get("state").asText());
        assertEquals(7, ended.get("exitCode").asInt(), "its exit, as its monitor recorded it");
        JsonNode stopped = client.post("/v1/containers/" + keeps + "/stop?t=1", null);
        assertEquals("exited", stopped.get("state").asText(), "the adopted container's exit is seen");
        assertEquals(137, stopped.get("exitCode").asInt());
    }

    /** Starts an engine in a child JVM on this test's root and socket, and waits until it answers. */
    private Process engineProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dvessel.init=" + System.getProperty("vessel.init"),
                "-cp", System.getProperty("java.class.path"), EngineProcess.class.getName(), root.toString(), socket.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        assertEquals("ready", out.readLine(), "the engine started");
        assertTrue(client.ping());
        return p;
    }

    @SuppressWarnings("unused")
    private static final Set<String> STATES = Set.copyOf(ContainerRecord.STATES);
}
