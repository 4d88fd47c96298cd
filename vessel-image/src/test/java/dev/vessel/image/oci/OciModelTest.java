package dev.vessel.image.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OciModelTest {
    private static final String H = "sha256:" + "a".repeat(64);
    private static final String H2 = "sha256:" + "b".repeat(64);
    private static final String H3 = "sha256:" + "c".repeat(64);
    private static final String H4 = "sha256:" + "d".repeat(64);

    /** Shaped like Docker Hub's busybox manifest list (with a BuildKit attestation entry). */
    private static final String LIST = """
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
             "manifests":[
              {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":528,
               "platform":{"architecture":"arm","os":"linux","variant":"v6"}},
              {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":528,
               "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":566,
               "platform":{"architecture":"unknown","os":"unknown"}},
              {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":528,
               "platform":{"architecture":"amd64","os":"linux"}}]}
            """.formatted(H, H2, H3, H4);

    @Test
    void platformSelectionFromAManifestList() {
        byte[] json = LIST.getBytes(StandardCharsets.UTF_8);
        assertEquals(MediaTypes.DOCKER_LIST, OciJson.mediaTypeOf(json, "list"));
        ManifestIndex idx = OciJson.read(json, ManifestIndex.class, "list");
        assertEquals(H4, idx.select(Platform.LINUX_AMD64).orElseThrow().digest());
        assertEquals(H2, idx.select(Platform.parse("linux/arm64")).orElseThrow().digest());
        assertEquals(H2, idx.select(Platform.parse("linux/aarch64/v8")).orElseThrow().digest());
        assertEquals(H, idx.select(Platform.parse("linux/arm/v6")).orElseThrow().digest());
        assertTrue(idx.select(Platform.parse("linux/arm/v7")).isEmpty());
        assertTrue(idx.select(Platform.parse("linux/s390x")).isEmpty());
        assertEquals(List.of("linux/arm/v6", "linux/arm64/v8", "unknown/unknown", "linux/amd64"), idx.platforms());
    }

    @Test
    void platformFlagErrorsSayWhatToWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.parse("amd64"));
        assertTrue(e.getMessage().contains("must be os/arch"), e.getMessage());
    }

    @Test
    void manifestAndConfigRoundTrip() {
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":7},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":9,
                            "annotations":{"x":"y"}}],
                 "futureField":true}""".formatted(H, H2);
        Manifest m = OciJson.read(manifest.getBytes(), Manifest.class, "manifest").validate("manifest");
        assertEquals(H2, m.layers().get(0).digest());
        assertEquals(Map.of("x", "y"), m.layers().get(0).annotations());
        Manifest again = OciJson.read(OciJson.write(m), Manifest.class, "again");
        assertEquals(m, again);

        String config = """
                {"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
                 "config":{"User":"1000:1000","Env":["PATH=/bin"],"Entrypoint":["/init"],"Cmd":["sh"],
                   "WorkingDir":"/app","ExposedPorts":{"80/tcp":{}},"Volumes":{"/data":{}},
                   "Labels":{"a":"b"},"StopSignal":"SIGTERM"},
                 "rootfs":{"type":"layers","diff_ids":["%s"]},
                 "history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs /","empty_layer":false}]}
                """.formatted(H3);
        ImageConfig c = OciJson.read(config.getBytes(), ImageConfig.class, "config").validate("config");
        assertEquals("1000:1000", c.config().user());
        assertEquals(List.of("/init"), c.config().entrypoint());
        assertEquals(List.of("sh"), c.config().cmd());
        assertEquals("/app", c.config().workingDir());
        assertTrue(c.config().exposedPorts().containsKey("80/tcp"));
        assertTrue(c.config().volumes().containsKey("/data"));
        assertEquals("ADD rootfs /", c.history().get(0).createdBy());
        assertEquals(List.of(H3), c.rootfs().diffIds());
        String out = new String(OciJson.write(c));
        assertTrue(out.contains("\"Entrypoint\":[\"/init\"]") && out.contains("\"diff_ids\""), out);
    }

    @Test
    void invalidDocumentsNameTheField() {
        String bad = """
                {"schemaVersion":2,"config":{"mediaType":"x","digest":"%s","size":1},
                 "layers":[{"mediaType":"text/plain","digest":"%s","size":1}]}""".formatted(H, H2);
        Manifest m = OciJson.read(bad.getBytes(), Manifest.class, "m");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.validate("manifest"));
        assertTrue(e.getMessage().contains("layers[0].mediaType \"text/plain\""), e.getMessage());
        String badDigest = """
                {"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:../../etc","size":1},"layers":[]}""";
        Manifest m2 = OciJson.read(badDigest.getBytes(), Manifest.class, "m");
        assertThrows(IllegalArgumentException.class, () -> m2.validate("manifest"));
        String cfg = """
                {"rootfs":{"type":"layers","diff_ids":["nope"]}}""";
        ImageConfig c = OciJson.read(cfg.getBytes(), ImageConfig.class, "c");
        e = assertThrows(IllegalArgumentException.class, () -> c.validate("config"));
        assertTrue(e.getMessage().contains("rootfs.diff_ids[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OciJson.read("{".getBytes(), Manifest.class, "m"));
    }
}
