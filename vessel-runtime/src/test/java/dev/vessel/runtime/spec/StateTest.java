package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateTest {

    @Test
    void hookStdinIsTheSpecsStateDocument() throws Exception {
        State s = new State(Spec.VERSION, "web", "created", 4242, "/run/bundles/web", Map.of("k", "v"));
        String json = new String(SpecJson.compact(s), StandardCharsets.UTF_8);
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"web\",\"status\":\"created\",\"pid\":4242,"
                + "\"bundle\":\"/run/bundles/web\",\"annotations\":{\"k\":\"v\"}}", json);
        assertEquals(s, SpecParser.parseState(json.getBytes(StandardCharsets.UTF_8), "state"));
    }

    @Test
    void stoppedContainerHasNoPid() {
        String json = new String(SpecJson.compact(new State(Spec.VERSION, "web", "stopped", null, "/b", null)),
                StandardCharsets.UTF_8);
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"web\",\"status\":\"stopped\",\"bundle\":\"/b\"}", json);
    }

    @Test
    void badStateNamesItsField() {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecParser.parseState("{\"pid\":\"x\"}".getBytes(StandardCharsets.UTF_8), "state.json"));
        assertTrue(e.getMessage().startsWith("state.json: pid: expected an integer"), e.getMessage());
    }
}
