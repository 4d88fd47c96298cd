package dev.vessel.image.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ChallengeTest {
    @TempDir
    Path dir;

    @Test
    void parsesBearerChallengesAsDockerHubSendsThem() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/busybox:pull\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull"), c.params());
    }

    @Test
    void parsesBasicUnquotedAndEscapedValues() {
        Challenge c = Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\", charset=UTF-8").orElseThrow();
        assertEquals("basic", c.scheme());
        assertEquals("a \"quoted\" realm", c.param("realm"));
        assertEquals("UTF-8", c.param("charset"));
        assertTrue(Challenge.parse("").isEmpty());
        assertEquals("negotiate", Challenge.parse("Negotiate").orElseThrow().scheme());
    }

    @Test
    void dockerConfigReadsWhatDockerWritesAndKeepsOtherKeys() throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, """
                {"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNzOndpdGg6Y29sb25z"},
                          "quay.io":{"username":"u2","password":"p2"}},
                 "credsStore":"desktop","proxies":{"default":{}}}""");
        DockerConfig c = new DockerConfig(f);
        assertEquals(new Credential("user", "pass:with:colons"), c.lookup("docker.io").orElseThrow());
        assertEquals(new Credential("u2", "p2"), c.lookup("quay.io").orElseThrow());
        assertTrue(c.lookup("ghcr.io").isEmpty());
        c.store("localhost:5000", new Credential("me", "pw"));
        String after = Files.readString(f);
        assertTrue(after.contains("\"credsStore\" : \"desktop\"") && after.contains("proxies"), after);
        assertEquals(new Credential("me", "pw"), c.lookup("localhost:5000").orElseThrow());
        assertFalse(new Credential("me", "pw").toString().contains("pw"), "secrets are not printed");
    }
}
