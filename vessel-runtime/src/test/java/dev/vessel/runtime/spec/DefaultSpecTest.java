package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The references are the output of Debian's runc 1.1.5 {@code runc spec} (as root, cgroup v1 host). */
class DefaultSpecTest {

    private static String runcOutput(String name) throws Exception {
        String runc = new String(SpecParserTest.resource(name), StandardCharsets.UTF_8);
        // The one intended difference: Vessel declares the spec version it implements.
        return runc.replace("\"ociVersion\": \"1.0.2-dev\"", "\"ociVersion\": \"" + Spec.VERSION + "\"").strip();
    }

    @Test
    void exampleIsRuncSpecByteForByte() throws Exception {
        assertEquals(runcOutput("runc-1.1-spec.json"), SpecJson.pretty(DefaultSpec.example(false)).strip());
    }

    @Test
    void rootlessIsRuncSpecRootlessByteForByte() throws Exception {
        // Generated as root, so runc mapped container root to host uid/gid 0.
        Spec rootless = DefaultSpec.toRootless(DefaultSpec.example(false), 0, 0);
        assertEquals(runcOutput("runc-1.1-spec-rootless.json"), SpecJson.pretty(rootless).strip());
    }

    @Test
    void rootlessMapsTheCallersIdsAndDropsWhatAnUnprivilegedUserCannotHave() {
        Spec s = DefaultSpec.toRootless(DefaultSpec.example(true), 1000, 1001);
        assertEquals(List.of(new Linux.IdMapping(0, 1000, 1)), s.linux().uidMappings());
        assertEquals(List.of(new Linux.IdMapping(0, 1001, 1)), s.linux().gidMappings());
        assertFalse(s.linux().hasNamespace(Namespaces.NETWORK));
        assertTrue(s.linux().hasNamespace(Namespaces.USER));
        assertTrue(s.linux().hasNamespace(Namespaces.CGROUP));
        assertEquals(null, s.linux().resources());
        assertTrue(s.mounts().stream().allMatch(m -> m.options() == null
                || m.options().stream().noneMatch(o -> o.startsWith("gid=") || o.startsWith("uid="))));
    }

    @Test
    void cgroupNamespaceIsAddedLastOnUnifiedHosts() {
        List<Linux.Namespace> ns = DefaultSpec.example(true).linux().namespaces();
        assertEquals(new Linux.Namespace("cgroup"), ns.getLast());
        assertEquals(6, ns.size());
    }

    @Test
    void defaultsPassValidation() throws Exception {
        for (Spec s : List.of(DefaultSpec.example(false), DefaultSpec.example(true),
                DefaultSpec.toRootless(DefaultSpec.example(true), 1000, 1000),
                DefaultSpec.forHost(false, 0, 0), DefaultSpec.forHost(true, 1000, 1000))) {
            // Through JSON, as a user's bundle would be read.
            Spec read = SpecParser.parse(SpecJson.compact(s), "config.json");
            assertEquals(List.of(), SpecValidator.problems(read));
            assertEquals(s, read);
        }
    }

    @Test
    void outputIsTheSameDocumentAsRuncsWhateverTheOrder() throws Exception {
        ObjectNode ours = (ObjectNode) SpecJson.MAPPER.readTree(SpecJson.pretty(DefaultSpec.example(false)));
        ObjectNode runc = (ObjectNode) SpecJson.MAPPER.readTree(SpecParserTest.resource("runc-1.1-spec.json"));
        runc.put("ociVersion", Spec.VERSION);
        assertEquals(runc, ours);
    }
}
