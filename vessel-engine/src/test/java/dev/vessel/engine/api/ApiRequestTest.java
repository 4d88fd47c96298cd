package dev.vessel.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    record Body(String image, List<String> command, Long pidsLimit) {}

    private static ApiRequest withBody(String json) {
        return new ApiRequest("POST", "/x", Map.of(), Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiRequest withQuery(String name, String... values) {
        return new ApiRequest("GET", "/x", Map.of(), Map.of(name, List.of(values)), null);
    }

    @Test
    void aBodyIsReadAsTheRecord() {
        Body b = withBody("{\"image\":\"busybox\",\"command\":[\"sh\"],\"pidsLimit\":5}").body(Body.class);
        assertEquals(new Body("busybox", List.of("sh"), 5L), b);
    }

    @Test
    void anUnknownFieldIsRefusedByNameWithTheKnownOnes() {
        ApiError e = assertThrows(ApiError.class, () -> withBody("{\"image\":\"busybox\",\"memroy\":\"1g\"}").body(Body.class));
        assertEquals(400, e.status());
        assertEquals("memroy", e.field());
        assertEquals("field \"memroy\" is not known; known fields: command, image, pidsLimit", e.getMessage());
    }

    @Test
    void aWrongTypeNamesTheFieldAndTheTypeWanted() {
        ApiError e = assertThrows(ApiError.class, () -> withBody("{\"pidsLimit\":\"many\"}").body(Body.class));
        assertEquals("pidsLimit", e.field());
        assertTrue(e.getMessage().endsWith("expected a number"), e.getMessage());
        ApiError list = assertThrows(ApiError.class, () -> withBody("{\"command\":{\"a\":1}}").body(Body.class));
        assertEquals("command", list.field());
    }

    @Test
    void badJsonAndNoBodyAre400s() {
        ApiError bad = assertThrows(ApiError.class, () -> withBody("{\"image\":").body(Body.class));
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().startsWith("the body is not JSON"), bad.getMessage());
        ApiError none = assertThrows(ApiError.class, () -> new ApiRequest("POST", "/x", Map.of(), Map.of(), null).body(Body.class));
        assertTrue(none.getMessage().startsWith("the request has no body"), none.getMessage());
        assertEquals(400, assertThrows(ApiError.class, () -> withBody("null").body(Body.class)).status());
    }

    @Test
    void flagsTakeDockersSpellingsAndRefuseOthersByName() {
        assertTrue(withQuery("all", "1").flag("all", false));
        assertTrue(withQuery("all", "true").flag("all", false));
        assertFalse(withQuery("all", "0").flag("all", true));
        assertTrue(withQuery("other").flag("all", true), "absent: the default");
        ApiError e = assertThrows(ApiError.class, () -> withQuery("all", "maybe").flag("all", false));
        assertEquals("all", e.field());
        assertEquals("maybe", e.value());
    }

    @Test
    void theLastOfARepeatedQueryParameterCounts() {
        assertEquals("2", withQuery("t", "1", "2").query("t"));
        assertEquals("10", withQuery("x").query("t", "10"));
    }
}
