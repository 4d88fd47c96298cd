package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SpecParserTest.class.getResourceAsStream("/spec/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /spec/" + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void runcGeneratedConfigRoundTripsToTheSameDocument() throws Exception {
        for (String name : List.of("runc-1.1-spec.json", "runc-1.1-spec-rootless.json")) {
            byte[] original = resource(name);
            Spec spec = SpecParser.parse(original, name);
            JsonNode written = SpecJson.MAPPER.readTree(SpecJson.pretty(spec));
            assertEquals(SpecJson.MAPPER.readTree(original), written, name);
        }
    }

    @Test
    void prettyOutputUsesTabsAndGoSeparatorsLikeRunc() throws Exception {
        byte[] original = resource("runc-1.1-spec.json");
        String written = SpecJson.pretty(SpecParser.parse(original, "config.json"));
        // Same field order and layout as runc's json.MarshalIndent(spec, "", "\t").
        assertEquals(new String(original, StandardCharsets.UTF_8).strip(), written.strip());
    }

    @Test
    void everyFieldOfARealisticConfigIsReadAndSurvivesARoundTrip() throws Exception {
        Spec spec = SpecParser.parse(resource("full-config.json"), "config.json");
        Spec again = SpecParser.parse(SpecJson.compact(spec), "config.json");
        assertEquals(spec, again);

        ProcessSpec p = spec.process();
        assertEquals(1000, p.user().uid());
        assertEquals(18L, p.user().umask());
        assertEquals(List.of(5L, 10L, 65534L), p.user().additionalGids());
        assertEquals(List.of("/usr/bin/nginx", "-g", "daemon off;"), p.args());
        assertEquals(-1L, p.rlimits().get(1).hard(), "RLIM_INFINITY is all ones");
        assertEquals("IOPRIO_CLASS_BE", p.ioPriority().ioClass());
        assertEquals("0-1", p.execCPUAffinity().finalCpus());
        assertEquals(24, p.consoleSize().height());
        assertTrue(spec.root().readonly());
        assertEquals("example.internal", spec.domainname());
        assertEquals(List.of("rbind", "rro", "nosuid", "nodev", "idmap"), spec.mounts().get(2).options());
        assertEquals(100000, spec.mounts().get(2).uidMappings().get(0).hostID());
        assertEquals(5, spec.hooks().createRuntime().get(0).timeout());
        assertNull(spec.hooks().createContainer().get(0).timeout());
        assertEquals(6, List.of(spec.hooks().prestart(), spec.hooks().createRuntime(), spec.hooks().createContainer(),
                spec.hooks().startContainer(), spec.hooks().poststart(), spec.hooks().poststop()).size());

        Linux l = spec.linux();
        assertEquals(-86400, l.timeOffsets().get("boottime").secs());
        assertEquals("1", l.sysctl().get("net.ipv4.ip_forward"));
        assertEquals(536870912L, l.resources().memory().limit());
        assertEquals("/var/run/netns/web", l.namespace("network").path());
        assertTrue(l.hasNamespace("time"));
        assertEquals(438L, l.devices().get(0).fileMode());
        assertEquals(4294967295L, l.seccomp().syscalls().get(1).args().get(0).value());
        assertEquals(38L, l.seccomp().syscalls().get(2).errnoRet());
        assertEquals("rslave", l.rootfsPropagation());
        assertEquals("guaranteed_group", l.intelRdt().closID());
        assertEquals("LINUX", l.personality().domain());
        assertEquals("eth0", l.netDevices().get("eth1").name());
    }

    @Test
    void uint64MaximumIsWrittenBackUnsigned() throws Exception {
        Spec spec = SpecParser.parse(resource("full-config.json"), "config.json");
        JsonNode tree = SpecJson.MAPPER.readTree(SpecJson.compact(spec));
        assertEquals("18446744073709551615", tree.at("/process/rlimits/1/hard").asText());
    }

    @Test
    void absentNumbersStayAbsentAndPrimitivesDefaultToZero() throws Exception {
        Spec spec = SpecParser.parse(
                "{\"ociVersion\":\"1.0.0\",\"process\":{\"user\":{},\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1,\"minor\":3}]}}"
                        .getBytes(StandardCharsets.UTF_8), "config.json");
        assertEquals(0, spec.process().user().uid());
        assertNull(spec.process().user().umask());
        assertNull(spec.linux().devices().get(0).fileMode());
        assertNull(spec.linux().devices().get(0).uid());
        assertFalse(spec.process().terminal());
    }

    @Test
    void fieldNamesMatchCaseInsensitivelyAsInGoButMapKeysDoNot() throws Exception {
        Spec spec = SpecParser.parse(("{\"OciVersion\":\"1.0.0\",\"Process\":{\"Args\":[\"sh\"],\"CWD\":\"/\"},"
                + "\"annotations\":{\"Key\":\"v\"}}").getBytes(StandardCharsets.UTF_8), "config.json");
        assertEquals("1.0.0", spec.ociVersion());
        assertEquals(List.of("sh"), spec.process().args());
        assertEquals("/", spec.process().cwd());
        assertEquals(java.util.Map.of("Key", "v"), spec.annotations());
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"ociVersion\": 1}");
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(config));
        assertEquals("config.json: ociVersion: expected a string, got 1", e.getMessage());

        SpecException missing = assertThrows(SpecException.class, () -> SpecParser.parse(dir.resolve("nope/config.json")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());

        Path directory = Files.createDirectory(dir.resolve("config.d"));
        SpecException isDir = assertThrows(SpecException.class, () -> SpecParser.parse(directory));
        assertEquals(directory + ": cannot read: Is a directory", isDir.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        {"process":{"user":{"uid":"abc"}}}          | config.json: process.user.uid: expected an unsigned integer (0 to 4294967295), got "abc"
        {"process":{"user":{"uid":-1}}}             | config.json: process.user.uid: expected an unsigned integer (0 to 4294967295), got -1
        {"process":{"user":{"uid":4294967296}}}     | config.json: process.user.uid: expected an unsigned integer (0 to 4294967295), got 4294967296
        {"process":{"user":{"uid":1.5}}}            | config.json: process.user.uid: expected an unsigned integer (0 to 4294967295), got 1.5
        {"process":{"user":{"additionalGids":[1,"x"]}}} | config.json: process.user.additionalGids[1]: expected an unsigned integer (0 to 4294967295), got "x"
        {"process":{"args":"sh"}}                   | config.json: process.args: expected an array, got "sh"
        {"process":{"args":["sh",1]}}               | config.json: process.args[1]: expected a string, got 1
        {"process":{"terminal":"yes"}}              | config.json: process.terminal: expected true or false, got "yes"
        {"process":{"terminal":1}}                  | config.json: process.terminal: expected true or false, got 1
        {"process":{"oomScoreAdj":99999999999}}     | config.json: process.oomScoreAdj: expected an integer (-2147483648 to 2147483647), got 99999999999
        {"linux":{"resources":{"memory":{"limit":99999999999999999999}}}} | config.json: linux.resources.memory.limit: expected an integer, got 99999999999999999999
        {"process":{"oomScoreAdj":"5"}}             | config.json: process.oomScoreAdj: expected an integer (-2147483648 to 2147483647), got "5"
        {"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":-1}]}} | config.json: process.rlimits[0].hard: expected an unsigned integer (0 to 18446744073709551615), got -1
        {"process":{"rlimits":[{"hard":18446744073709551616}]}} | config.json: process.rlimits[0].hard: expected an unsigned integer (0 to 18446744073709551615), got 18446744073709551616
        {"root":"rootfs"}                           | config.json: root: expected an object, got "rootfs"
        {"mounts":{"destination":"/x"}}             | config.json: mounts: expected an array, got an object
        {"linux":{"sysctl":{"net.ipv4.ip_forward":1}}} | config.json: linux.sysctl["net.ipv4.ip_forward"]: expected a string, got 1
        {"linux":{"resources":{"memory":{"limit":"1g"}}}} | config.json: linux.resources.memory.limit: expected an integer, got "1g"
        {"linux":{"uidMappings":[{"containerID":0,"hostID":1000,"size":-5}]}} | config.json: linux.uidMappings[0].size: expected an unsigned integer (0 to 4294967295), got -5
        {"annotations":{"a":{"b":1}}}               | config.json: annotations.a: expected a string, got an object
        []                                          | config.json: expected an object, got an array
        null                                        | config.json: expected a JSON object, got null
        """)
    void wrongTypesNameThePathAndTheValue(String json, String expected) {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecParser.parse(json.getBytes(StandardCharsets.UTF_8), "config.json"));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        String json = "{\n  \"ociVersion\": \"1.0.0\",\n    }\n";
        SpecException e = assertThrows(SpecException.class,
                () -> SpecParser.parse(json.getBytes(StandardCharsets.UTF_8), "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: malformed JSON at line 3 column 5: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void truncatedEmptyAndTrailingDocumentsAreOneLineErrors() {
        for (String json : List.of("{\"ociVersion\": \"1.0", "", "{} {}", "{\"process\": {\"args\": [\"sh\"")) {
            SpecException e = assertThrows(SpecException.class,
                    () -> SpecParser.parse(json.getBytes(StandardCharsets.UTF_8), "config.json"), json);
            assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.getMessage().contains("dev.vessel"), "no class names: " + e.getMessage());
        }
    }
}
