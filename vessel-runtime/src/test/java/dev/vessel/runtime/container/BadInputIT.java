package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, one case per row: each fails create with one line naming the field and the value,
 * and leaves no state directory, cgroup or process behind.
 */
class BadInputIT extends RootRuntimeTest {

    record Case(String name, String id, Consumer<ObjectNode> edit, String raw, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ObjectNode linux(ObjectNode c) {
        return (ObjectNode) c.get("linux");
    }

    static ObjectNode res(ObjectNode c) {
        return linux(c).has("resources") ? (ObjectNode) linux(c).get("resources") : linux(c).putObject("resources");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("malformed JSON", "bad1", null, "{\"ociVersion\": \"1.0.2\", \"process\": {", "config.json"),
                new Case("wrong type", "bad2", c -> ((ObjectNode) c.get("process").get("user")).put("uid", "abc"), null,
                        "process.user.uid"),
                new Case("unknown namespace type", "bad3", c -> ((ArrayNode) linux(c).get("namespaces")).addObject().put("type", "foo"),
                        null, "\"foo\""),
                new Case("negative memory limit", "bad4", c -> res(c).putObject("memory").put("limit", -5), null,
                        "linux.resources.memory.limit"),
                new Case("absurd cpu shares", "bad5", c -> res(c).putObject("cpu").put("shares", 0), null, "linux.resources.cpu.shares"),
                new Case("absurd pids limit", "bad6", c -> res(c).putObject("pids").put("limit", -7), null, "linux.resources.pids.limit"),
                new Case("nonexistent rootfs", "bad7", c -> ((ObjectNode) c.get("root")).put("path", "nowhere"), null, "root.path"),
                new Case("missing executable", "bad8", c -> ((ArrayNode) c.get("process").get("args")).removeAll().add("/no/such/bin"),
                        null, "process.args[0]"),
                new Case("uid outside the user namespace", "bad9", c -> {
                    ((ArrayNode) linux(c).get("namespaces")).addObject().put("type", "user");
                    linux(c).putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
                    linux(c).putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
                    ((ObjectNode) c.get("process").get("user")).put("uid", 70000);
                }, null, "process.user.uid 70000"),
                new Case("id with a slash", "a/b", null, null, "a/b"),
                new Case("id ..", "..", null, null, "\"..\""),
                new Case("cpuset the host does not have (fails in the kernel, after the process exists)", "bad13",
                        c -> res(c).putObject("cpu").put("cpus", "7"), null, "cpuset"),
                new Case("mount destination escaping through a symlink", "bad12", c ->
                        ((ArrayNode) c.get("mounts")).addObject().put("destination", "/evil/x").put("type", "tmpfs")
                                .put("source", "tmpfs"), null, "mounts[")
        ).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusedCleanly(Case k) throws Exception {
        ObjectNode c = Bundles.create(bundle, "true");
        Files.createSymbolicLink(bundle.resolve("rootfs/evil"), Path.of("../../../../../../tmp"));
        if (k.edit() != null) {
            k.edit().accept(c);
            Bundles.write(bundle, c);
        }
        if (k.raw() != null) {
            Files.writeString(bundle.resolve("config.json"), k.raw());
        }
        RuntimeError e = assertThrows(RuntimeError.class,
                () -> rt.create(new CreateOptions(k.id(), bundle, null, null, 0, false, false)));
        assertTrue(e.getMessage().contains(k.expected()), "message names the field/value: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(0, rt.store().ids().size(), "no state left");
        if (!k.id().contains("/") && !k.id().equals("..")) {
            assertFalse(Files.exists(rt.store().dir(k.id())), "no state directory");
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/vessel", k.id())), "no cgroup");
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids/vessel", k.id())), "no cgroup");
            assertEquals(0, LeakIT.processesInCgroup("/vessel/" + k.id()), "no process");
        }
    }

    @org.junit.jupiter.api.Test
    void duplicateId() throws Exception {
        Bundles.create(bundle, "sleep 10");
        rt.create(new CreateOptions("dup", bundle, null, null, 0, false, false));
        try {
            RuntimeError e = assertThrows(RuntimeError.class,
                    () -> rt.create(new CreateOptions("dup", bundle, null, null, 0, false, false)));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertEquals("created", rt.state("dup").status(), "the first one is untouched");
        } finally {
            rt.delete("dup", true);
        }
    }
}
