package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.TestImages;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Bearer-token auth from the WWW-Authenticate challenge, against the real registry's token auth. */
@Tag("registry")
class RegistryTokenIT {
    @TempDir
    static Path shared;
    static TokenServer tokens;
    static RegistryServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl to make the token signing certificate");
        tokens = new TokenServer(shared);
        server = RegistryServer.startWithAuth(shared, tokens.authYaml());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void pushWithCredentialsThenPullAnonymouslyAndAnonymousPushIsRefused() throws Exception {
        DockerConfig cfg = new DockerConfig(dir.resolve("config.json"));
        Registries alice = new Registries(cfg, Set.of(server.host));
        alice.login(server.host, new Credential("alice", "s3cret-pass"));
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = TestImages.build(local, "tok:1", List.of(new TarBuilder().file("t", "token", 0644).build()));
        Reference target = Reference.parse(server.host + "/team/tok:1");
        assertEquals(2, new ImagePusher(local, alice, ImagePusher.DEFAULT_CHUNK).push("tok:1", target, Progress.quiet())
                .uploaded().size());
        assertTrue(tokens.requests.stream().anyMatch(q -> q.contains("service=" + TokenServer.SERVICE)
                && q.contains("scope=repository:team/tok:pull,push")), tokens.requests.toString());

        Registries anonymous = new Registries(new DockerConfig(dir.resolve("none.json")), Set.of(server.host));
        Image pulled = new ImagePuller(new ImageStore(dir.resolve("fresh")), anonymous, 2)
                .pull(target, Platform.LINUX_AMD64, Progress.quiet());
        assertEquals(img.id(), pulled.id());

        RegistryException e = assertThrows(RegistryException.class, () -> new ImagePusher(local, anonymous,
                ImagePusher.DEFAULT_CHUNK).push("tok:1", Reference.parse(server.host + "/team/other:1"), Progress.quiet()));
        assertEquals(401, e.status());
    }

    @Test
    void wrongPasswordIsReportedByTheTokenServer() {
        Registries r = new Registries(new DockerConfig(dir.resolve("c.json")), Set.of(server.host));
        RegistryException e = assertThrows(RegistryException.class,
                () -> r.login(server.host, new Credential("alice", "nope")));
        assertTrue(e.getMessage().contains("token server"), e.getMessage());
    }
}
