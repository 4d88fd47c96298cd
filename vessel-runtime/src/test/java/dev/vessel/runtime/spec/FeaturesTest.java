package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeaturesTest {

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void documentHasTheSpecsShape() throws Exception {
        JsonNode doc = SpecJson.MAPPER.readTree(SpecJson.pretty(Features.vessel("6.1.0-18-amd64")));
        assertEquals("1.0.0", doc.get("ociVersionMin").asText());
        assertEquals(Spec.VERSION, doc.get("ociVersionMax").asText());
        assertEquals(41, doc.at("/linux/capabilities").size());
        assertEquals("CAP_CHECKPOINT_RESTORE", doc.at("/linux/capabilities/40").asText());
        assertTrue(doc.at("/linux/seccomp/enabled").asBoolean());
        assertTrue(doc.at("/linux/cgroup/v1").asBoolean());
        assertTrue(doc.at("/linux/apparmor/enabled").isBoolean());
        assertTrue(doc.at("/linux/mountExtensions/idmap/enabled").isBoolean());
        assertEquals(List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"), texts(doc.at("/linux/namespaces")));
    }

    @Test
    void recognisesEverythingRuncRecognises() throws Exception {
        JsonNode runc = SpecJson.MAPPER.readTree(SpecParserTest.resource("runc-1.1-features.json"));
        JsonNode ours = SpecJson.MAPPER.readTree(SpecJson.pretty(Features.vessel()));
        assertEquals(texts(runc.get("hooks")), texts(ours.get("hooks")));
        assertTrue(texts(ours.get("mountOptions")).containsAll(texts(runc.get("mountOptions"))));
        for (String field : List.of("namespaces", "capabilities")) {
            assertTrue(texts(ours.at("/linux/" + field)).containsAll(texts(runc.at("/linux/" + field))), field);
        }
        for (String field : List.of("actions", "operators", "archs")) {
            assertTrue(texts(ours.at("/linux/seccomp/" + field)).containsAll(texts(runc.at("/linux/seccomp/" + field))), field);
        }
    }

    @Test
    void whatFeaturesListsTheValidatorAccepts() {
        Features f = Features.vessel("6.1.0");
        for (String o : f.mountOptions()) {
            assertTrue(MountOptions.isKnown(o), o);
        }
        for (String ns : f.linux().namespaces()) {
            assertTrue(Namespaces.isKnown(ns), ns);
        }
        for (String cap : f.linux().capabilities()) {
            assertTrue(CapabilityNames.number(cap) >= 0, cap);
        }
        assertTrue(f.linux().seccomp().knownFlags().containsAll(f.linux().seccomp().supportedFlags()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        6.1.0-18-amd64         | SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
        5.15.0-91-generic      | SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW
        4.14.0                 | SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG
        3.10.0-1160.el7.x86_64 | ``
        garbage                | ``
        """)
    void supportedSeccompFlagsFollowTheKernel(String release, String flags) {
        List<String> expected = flags == null || flags.isEmpty() ? List.of() : List.of(flags.split(" "));
        assertEquals(expected, Features.supportedSeccompFlags(release));
    }
}
