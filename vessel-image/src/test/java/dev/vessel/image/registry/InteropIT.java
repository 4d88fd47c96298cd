package dev.vessel.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.TestImages;
import dev.vessel.image.archive.LoadedImage;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.snapshot.LayerSnapshots;
import dev.vessel.image.store.Digest;
import dev.vessel.linux.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with the real tools: umoci writes an OCI layout that Vessel loads and unpacks;
 * skopeo reads what Vessel saves and pushes, and Vessel pulls what skopeo pushes.
 */
@Tag("registry")
class InteropIT {
    @TempDir
    static Path shared;
    static RegistryServer server;
    @TempDir
    Path dir;
    ImageService vessel;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        server = RegistryServer.start(shared, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void service() throws IOException {
        vessel = new ImageService(dir.resolve("images"), dir.resolve("snapshots"),
                new DockerConfig(dir.resolve("config.json")), Set.of(server.host));
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    private static void need(String tool) {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + tool)), "needs /usr/bin/" + tool + " (apt-get install " + tool + ")");
    }

    @Test
    void loadsAndUnpacksAnImageMadeByUmoci() throws Exception {
        need("umoci");
        assumeTrue(Processes.euid() == 0, "umoci unpack without --rootless and overlay whiteouts need root");
        Path layout = dir.resolve("umoci");
        Path bundle = dir.resolve("bundle");
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", layout + ":v1");
        run("umoci", "unpack", "--image", layout + ":v1", bundle.toString());
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Files.writeString(bundle.resolve("rootfs/etc/greeting"), "made by umoci\n");
        Files.createSymbolicLink(bundle.resolve("rootfs/etc/link"), Path.of("greeting"));
        run("umoci", "repack", "--image", layout + ":v1", bundle.toString());
        run("umoci", "config", "--image", layout + ":v1", "--config.cmd", "/bin/sh", "--config.workingdir", "/srv");

        List<LoadedImage> loaded = vessel.load(layout, Optional.of("umoci/test"), Platform.LINUX_AMD64);
        assertEquals(List.of("umoci/test:v1"), loaded.getFirst().names());
        Image img = vessel.inspect("umoci/test:v1");
        assertEquals(List.of("/bin/sh"), img.config().config().cmd());
        assertEquals("/srv", img.config().config().workingDir());
        List<Path> fs = vessel.snapshots().layers().prepare(img);
        Path top = fs.getLast();
        assertEquals("made by umoci\n", Files.readString(top.resolve("etc/greeting")));
        assertEquals(Path.of("greeting"), Files.readSymbolicLink(top.resolve("etc/link")));
        assertEquals(LayerSnapshots.chainIds(img.diffIds()).getLast().hex(), top.getParent().getFileName().toString());
    }

    private Image sample() throws IOException {
        return TestImages.build(vessel.store(), "interop/app:1", List.of(
                new TarBuilder().file("etc/motd", "hello from vessel\n", 0644).build(),
                new TarBuilder().dir("srv", 0755).file("srv/data", "42", 0600).build()));
    }

    @Test
    void skopeoReadsWhatVesselSavesAndPushes() throws Exception {
        need("skopeo");
        Image img = sample();
        Path docker = dir.resolve("docker.tar");
        Path oci = dir.resolve("oci.tar");
        try (OutputStream o = Files.newOutputStream(docker)) {
            vessel.save(List.of("interop/app:1"), ImageService.ArchiveFormat.DOCKER_ARCHIVE, o);
        }
        try (OutputStream o = Files.newOutputStream(oci)) {
            vessel.save(List.of("interop/app:1"), ImageService.ArchiveFormat.OCI_ARCHIVE, o);
        }
        JsonNode d = OciJson.MAPPER.readTree(run("skopeo", "inspect", "--config", "docker-archive:" + docker));
        assertEquals(img.diffIds().stream().map(Digest::toString).toList(),
                toList(d.path("rootfs").path("diff_ids")));
        run("skopeo", "copy", "oci-archive:" + oci + ":1", "dir:" + dir.resolve("copied"));
        assertTrue(Files.exists(dir.resolve("copied/manifest.json")));

        vessel.push("interop/app:1", Optional.of(server.host + "/interop/app:1"), null);
        JsonNode remote = OciJson.MAPPER.readTree(run("skopeo", "inspect", "--tls-verify=false",
                "docker://" + server.host + "/interop/app:1"));
        assertEquals(img.manifestDigest().toString(), remote.path("Digest").asText());
        assertEquals(img.manifest().layers().stream().map(l -> l.digest()).toList(), toList(remote.path("Layers")));
    }

    @Test
    void vesselPullsAndLoadsWhatSkopeoWrites() throws Exception {
        need("skopeo");
        Image img = sample();
        Path oci = dir.resolve("oci.tar");
        try (OutputStream o = Files.newOutputStream(oci)) {
            vessel.save(List.of("interop/app:1"), ImageService.ArchiveFormat.OCI_ARCHIVE, o);
        }
        // skopeo converts to a Docker v2 schema 2 manifest when writing a docker-archive and pushing it.
        Path dockerArchive = dir.resolve("from-skopeo.tar");
        run("skopeo", "copy", "oci-archive:" + oci + ":1", "docker-archive:" + dockerArchive + ":skopeo/app:2");
        ImageService other = new ImageService(dir.resolve("images2"), dir.resolve("snaps2"),
                new DockerConfig(dir.resolve("c2.json")), Set.of(server.host));
        List<LoadedImage> loaded = other.load(dockerArchive, Optional.empty(), Platform.LINUX_AMD64);
        assertEquals(List.of("skopeo/app:2"), loaded.getFirst().names());
        assertEquals(img.diffIds(), other.inspect("skopeo/app:2").diffIds());

        run("skopeo", "copy", "--dest-tls-verify=false", "--format", "v2s2", "docker-archive:" + dockerArchive,
                "docker://" + server.host + "/skopeo/pushed:3");
        ImageService third = new ImageService(dir.resolve("images3"), dir.resolve("snaps3"),
                new DockerConfig(dir.resolve("c3.json")), Set.of(server.host));
        Image pulled = third.pull(server.host + "/skopeo/pushed:3", Platform.LINUX_AMD64, null);
        assertEquals(MediaTypes.DOCKER_MANIFEST, pulled.manifest().mediaType());
        assertEquals(img.diffIds(), pulled.diffIds());
    }

    /** podman with its own throwaway storage, so the machine's podman state is never touched. */
    private String[] podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", dir.resolve("podman/root").toString(),
                "--runroot", dir.resolve("podman/run").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    @Test
    void podmanAndVesselExchangeImagesThroughArchivesAndTheRegistry() throws Exception {
        need("podman");
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("greeting"), "made by podman\n");
        Path tar = dir.resolve("rootfs.tar");
        run("tar", "-C", dir.resolve("rootfs").toString(), "-cf", tar.toString(), ".");
        run(podman("import", tar.toString(), "localhost/podtest:1"));
        Path saved = dir.resolve("podman-save.tar");
        run(podman("save", "--format", "docker-archive", "-o", saved.toString(), "localhost/podtest:1"));

        List<LoadedImage> loaded = vessel.load(saved, Optional.empty(), Platform.LINUX_AMD64);
        assertEquals(List.of("localhost/podtest:1"), loaded.getFirst().names());
        Image img = vessel.inspect("localhost/podtest:1");
        if (Processes.euid() == 0) {
            Path top = vessel.snapshots().layers().prepare(img).getLast();
            assertEquals("made by podman\n", Files.readString(top.resolve("etc/greeting")));
        }

        Path ociSaved = dir.resolve("podman-oci.tar");
        run(podman("save", "--format", "oci-archive", "-o", ociSaved.toString(), "localhost/podtest:1"));
        ImageService other = new ImageService(dir.resolve("images-oci"), dir.resolve("snaps-oci"),
                new DockerConfig(dir.resolve("c-oci.json")), Set.of(server.host));
        assertEquals(List.of("localhost/podtest:1"), other.load(ociSaved, Optional.empty(), Platform.LINUX_AMD64)
                .getFirst().names(), "podman writes the full name into ref.name");
        assertEquals(img.diffIds(), other.inspect("localhost/podtest:1").diffIds());

        // Vessel pushes, podman pulls and reads it.
        String ref = server.host + "/interop/to-podman:1";
        vessel.push("localhost/podtest:1", Optional.of(ref), null);
        run(podman("pull", "--tls-verify=false", ref));
        JsonNode inspect = OciJson.MAPPER.readTree(run(podman("image", "inspect", ref)));
        assertEquals(img.diffIds().stream().map(Digest::toString).toList(), toList(inspect.get(0).path("RootFS").path("Layers")));

        // podman pushes, Vessel pulls.
        String back = server.host + "/interop/from-podman:2";
        run(podman("push", "--tls-verify=false", "localhost/podtest:1", back));
        Image pulled = vessel.pull(back, Platform.LINUX_AMD64, null);
        assertEquals(img.diffIds(), pulled.diffIds());
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
