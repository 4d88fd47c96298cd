package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.TestImages;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real registry behind htpasswd (bcrypt) Basic auth: login, then push and pull with the stored credentials. */
@Tag("registry")
class RegistryAuthIT {
    @TempDir
    static Path shared;
    static RegistryServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        assumeTrue(Files.isExecutable(RegistryServer.HTPASSWD), "needs /usr/bin/htpasswd (apt-get install apache2-utils)");
        server = RegistryServer.start(shared, "alice", "s3cret-pass");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anonymousAccessIsRefusedWithAHint() throws Exception {
        Registries anon = new Registries(new DockerConfig(dir.resolve("config.json")), Set.of(server.host));
        RegistryException e = assertThrows(RegistryException.class, () -> new ImagePuller(new ImageStore(dir.resolve("s")),
                anon, 1).pull(Reference.parse(server.host + "/x/y:1"), Platform.LINUX_AMD64, Progress.quiet()));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("vessel login " + server.host), e.getMessage());
    }

    @Test
    void wrongPasswordIsNotStored() throws Exception {
        DockerConfig cfg = new DockerConfig(dir.resolve("config.json"));
        Registries r = new Registries(cfg, Set.of(server.host));
        RegistryException e = assertThrows(RegistryException.class,
                () -> r.login(server.host, new Credential("alice", "wrong")));
        assertTrue(e.getMessage().contains("rejected the credentials"), e.getMessage());
        assertFalse(Files.exists(cfg.file()));
    }

    @Test
    void loginStoresDockerConfigAndPushPullUseIt() throws Exception {
        DockerConfig cfg = new DockerConfig(dir.resolve("docker/config.json"));
        Registries r = new Registries(cfg, Set.of(server.host));
        r.login(server.host, new Credential("alice", "s3cret-pass"));
        var json = OciJson.MAPPER.readTree(cfg.file().toFile());
        String auth = json.path("auths").path(server.host).path("auth").asText();
        assertEquals("alice:s3cret-pass", new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg.file())));

        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = TestImages.build(local, "secret:1", List.of(new TarBuilder().file("f", "private", 0644).build()));
        Reference target = Reference.parse(server.host + "/private/app:1");
        assertEquals(2, new ImagePusher(local, r, ImagePusher.DEFAULT_CHUNK).push("secret:1", target, Progress.quiet())
                .uploaded().size());
        Image pulled = new ImagePuller(new ImageStore(dir.resolve("fresh")), r, 2)
                .pull(target, Platform.LINUX_AMD64, Progress.quiet());
        assertEquals(img.id(), pulled.id());
        assertTrue(r.logout(server.host));
        assertTrue(cfg.lookup(server.host).isEmpty());
    }
}
