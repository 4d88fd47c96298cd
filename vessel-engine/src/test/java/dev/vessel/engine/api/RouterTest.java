package dev.vessel.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Router.Handler NONE = r -> Response.empty();

    private final Router router = new Router()
            .route("GET", "/v1/containers", NONE)
            .route("GET", "/v1/containers/{id}", NONE)
            .route("GET", "/v1/containers/json", NONE)
            .route("POST", "/v1/containers/{id}/stop", NONE)
            .route("DELETE", "/v1/containers/{id}", NONE);

    @Test
    void aParameterBindsOneSegment() {
        Router.Match m = router.match("POST", "/v1/containers/web/stop");
        assertEquals("/v1/containers/{id}/stop", m.pattern());
        assertEquals(Map.of("id", "web"), m.params());
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertEquals("/v1/containers/json", router.match("GET", "/v1/containers/json").pattern());
        assertEquals("/v1/containers/{id}", router.match("GET", "/v1/containers/jsonx").pattern());
    }

    @Test
    void aTrailingSlashIsTheSamePath() {
        assertEquals("/v1/containers", router.match("GET", "/v1/containers/").pattern());
    }

    @Test
    void anUnknownPathIs404AndAKnownOneUnderAnotherMethodIs405NamingTheMethods() {
        ApiError none = assertThrows(ApiError.class, () -> router.match("GET", "/v1/nothing"));
        assertEquals(404, none.status());
        assertTrue(none.getMessage().contains("GET /v1/nothing"), none.getMessage());
        ApiError method = assertThrows(ApiError.class, () -> router.match("PUT", "/v1/containers/web"));
        assertEquals(405, method.status());
        assertTrue(method.getMessage().endsWith("takes DELETE, GET"), method.getMessage());
    }

    @Test
    void anEmptySegmentDoesNotBindAParameter() {
        assertEquals(404, assertThrows(ApiError.class, () -> router.match("POST", "/v1/containers//stop")).status());
    }

    @Test
    void everyRouterAnswersPing() {
        assertEquals(Router.PING, new Router().match("GET", "/_ping").pattern());
    }

    @Test
    void theSameRouteTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> router.route("GET", "/v1/containers", NONE));
    }
}
