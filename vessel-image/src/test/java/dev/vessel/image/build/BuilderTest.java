package dev.vessel.image.build;

import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.registry.DockerConfig;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class BuilderTest {
    @TempDir
    Path dir;
    ImageService images;
    Path ctx;
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        images = new ImageService(dir.resolve("images"), dir.resolve("snapshots"), new DockerConfig(dir.resolve("c.json")), Set.of());
        ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.createDirectories(ctx.resolve("app/sub"));
        Files.writeString(ctx.resolve("app/main.sh"), "echo main\n");
        Files.writeString(ctx.resolve("app/sub/data.txt"), "data\n");
        Files.writeString(ctx.resolve("app/secret.key"), "do not ship\n");
        Files.writeString(ctx.resolve("a.conf"), "a\n");
        Files.writeString(ctx.resolve("b.conf"), "b\n");
        Files.write(ctx.resolve("rootfs.tar.gz"), TarBuilder.compress(Compression.GZIP,
                new TarBuilder().file("etc/from-archive", "x", 0644).build()));
        Files.writeString(ctx.resolve(".dockerignore"), "# keys stay home\n**/*.key\n");
    }

    private Image build(String containerfile, Map<String, String> args) throws IOException {
        return build(containerfile, args, "built/app:1");
    }

    private Image build(String containerfile, Map<String, String> args, String tag) throws IOException {
        Path cf = ctx.resolve("Containerfile");
        Files.writeString(cf, containerfile);
        return new Builder(images, dir.resolve("cache"), Optional.empty(), new PrintStream(log, true))
                .build(new Builder.Request(ctx, cf, List.of(tag), args, Optional.empty(), Platform.LINUX_AMD64));
    }

    @Test
    void copyOfHereDocumentsExpandsUnquotedOnesAndIsCachedByContent() throws IOException {
        String file = """
                FROM scratch
                ARG NAME=vessel
                COPY <<conf <<"raw" /etc/app/
                name=$NAME
                conf
                name=$NAME
                raw
                COPY --chmod=0600 <<EOF /etc/secret
                s3cret
                EOF
                """;
        Image img = build(file, Map.of());
        assertEquals(List.of("etc/", "etc/app/", "etc/app/conf", "etc/app/raw"), names(img, 0));
        assertEquals("name=vessel\n", content(img, 0, "etc/app/conf"));
        assertEquals("name=$NAME\n", content(img, 0, "etc/app/raw"), "a quoted delimiter turns expansion off");
        assertEquals("s3cret\n", content(img, 1, "etc/secret"));
        assertEquals(0600, entry(img, 1, "etc/secret").getMode() & 07777);
        log.reset();
        assertEquals(img.id(), build(file, Map.of()).id());
        assertEquals(2, log.toString().split("using cache", -1).length - 1, log.toString());
        assertNotEquals(img.id(), build(file, Map.of("NAME", "other")).id(), "the expanded text is the cache input");
    }

    private static String content(Image img, int layer, String name) throws IOException {
        List<String> found = new ArrayList<>();
        forEach(img, layer, (e, in) -> {
            if (e.getName().equals(name)) {
                found.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        return found.getFirst();
    }

    @Test
    void onbuildTriggersRunInTheChildBuildAndHealthcheckAndShellAreInherited() throws IOException {
        Image parent = build("""
                FROM scratch
                SHELL ["/bin/bash", "-c"]
                HEALTHCHECK --interval=5s --retries=2 CMD test -f /ok
                ONBUILD COPY a.conf /from-trigger/
                CMD echo hi
                """, Map.of(), "built/parent:1");
        var pc = parent.config().config();
        assertEquals(List.of("COPY a.conf /from-trigger/"), pc.onBuild());
        assertEquals(new ImageConfig.Healthcheck(List.of("CMD-SHELL", "test -f /ok"), 5_000_000_000L, null, null, null, 2),
                pc.healthcheck());
        assertEquals(List.of("/bin/bash", "-c"), pc.shell());
        assertEquals(List.of("/bin/bash", "-c", "echo hi"), pc.cmd());
        assertEquals(0, parent.manifest().layers().size(), "a trigger does not run in the image that declares it");

        Image child = build("FROM built/parent:1\nCOPY b.conf /b/\n", Map.of(), "built/child:1");
        assertEquals(List.of("from-trigger/", "from-trigger/a.conf"), names(child, 0), "the trigger ran first");
        assertEquals(List.of("b/", "b/b.conf"), names(child, 1));
        var cc = child.config().config();
        assertNull(cc.onBuild(), "triggers are not passed on to grandchildren");
        assertEquals(pc.healthcheck(), cc.healthcheck());
        assertEquals(pc.shell(), cc.shell());
        assertTrue(log.toString().contains("[0 ONBUILD] COPY a.conf /from-trigger/"), log.toString());

        Image off = build("FROM built/child:1\nHEALTHCHECK NONE\n", Map.of(), "built/off:1");
        assertEquals(List.of("NONE"), off.config().config().healthcheck().test());

        build("FROM scratch\nONBUILD COPY missing.txt /\n", Map.of(), "built/broken:1");
        BuildException e = assertThrows(BuildException.class,
                () -> build("ARG X\n\nFROM built/broken:1\nCOPY a.conf /\n", Map.of(), "built/never:1"));
        assertTrue(e.getMessage().startsWith("Containerfile:3: ONBUILD trigger \"COPY missing.txt /\" of built/broken:1: "
                + "source \"missing.txt\" matches nothing"), e.getMessage());
    }

    private static final String FILE = """
            FROM scratch
            ARG GREETING=hello
            ENV APP_HOME=/opt/app GREETING=${GREETING}
            WORKDIR $APP_HOME
            COPY app/ ./
            COPY --chown=1000:1000 --chmod=0600 *.conf conf/
            ADD rootfs.tar.gz /
            USER 1000:1000
            EXPOSE 8080 53/udp
            LABEL org.opencontainers.image.title="demo $GREETING"
            VOLUME /data
            ENTRYPOINT ["/opt/app/main.sh"]
            CMD ["--verbose"]
            """;

    @Test
    void buildsFromScratchWithCopyAddAndConfig() throws IOException {
        Image img = build(FILE, Map.of("GREETING", "hi"));
        assertEquals(List.of("docker.io/built/app:1"), img.names());
        var c = img.config().config();
        assertEquals(List.of("APP_HOME=/opt/app", "GREETING=hi"), c.env());
        assertEquals("/opt/app", c.workingDir());
        assertEquals("1000:1000", c.user());
        assertEquals(Set.of("8080/tcp", "53/udp"), c.exposedPorts().keySet());
        assertEquals("demo hi", c.labels().get("org.opencontainers.image.title"));
        assertEquals(Set.of("/data"), c.volumes().keySet());
        assertEquals(List.of("/opt/app/main.sh"), c.entrypoint());
        assertEquals(List.of("--verbose"), c.cmd());
        assertEquals(3, img.manifest().layers().size());

        List<String> copyApp = names(img, 0);
        assertTrue(copyApp.containsAll(List.of("opt/", "opt/app/", "opt/app/main.sh", "opt/app/sub/", "opt/app/sub/data.txt")), copyApp.toString());
        assertFalse(copyApp.contains("opt/app/secret.key"), ".dockerignore keeps the key out");
        List<String> conf = names(img, 1);
        assertTrue(conf.containsAll(List.of("opt/app/conf/a.conf", "opt/app/conf/b.conf")), conf.toString());
        TarArchiveEntry a = entry(img, 1, "opt/app/conf/a.conf");
        assertEquals(1000, a.getLongUserId());
        assertEquals(0, entry(img, 0, "opt/app/main.sh").getLongUserId(), "COPY without --chown gives root ownership");
        assertEquals(0600, a.getMode() & 07777);
        assertEquals(List.of("etc/", "etc/from-archive"), names(img, 2), "ADD unpacks a local archive");
    }

    @Test
    void anUnchangedRebuildIsCachedAndFastAndAChangeRebuildsFromThere() throws IOException {
        Image first = build(FILE, Map.of());
        log.reset();
        long t0 = System.nanoTime();
        Image second = build(FILE, Map.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(first.id(), second.id(), "same inputs, same image");
        assertEquals(3, log.toString().split("using cache", -1).length - 1, log.toString());
        assertTrue(ms < 1000, "cached rebuild took " + ms + " ms");

        Files.writeString(ctx.resolve("b.conf"), "changed\n");
        Image third = build(FILE, Map.of());
        assertNotEquals(first.id(), third.id());
        assertEquals(first.manifest().layers().get(0), third.manifest().layers().get(0), "the first COPY is still cached");
        assertNotEquals(first.manifest().layers().get(1), third.manifest().layers().get(1));

        Files.writeString(ctx.resolve("app/secret.key"), "ignored files do not invalidate the cache\n");
        assertEquals(third.id(), build(FILE, Map.of()).id());
    }

    @Test
    void errorsPointAtTheContainerfileLine() throws IOException {
        BuildException e = assertThrows(BuildException.class, () -> build("FROM scratch\nCOPY missing.txt /\n", Map.of()));
        assertTrue(e.getMessage().startsWith("Containerfile:2: source \"missing.txt\" matches nothing"), e.getMessage());
        e = assertThrows(BuildException.class, () -> build("FROM scratch\n\nRUN echo hi\n", Map.of()));
        assertTrue(e.getMessage().startsWith("Containerfile:3: RUN needs a container runtime"), e.getMessage());
        e = assertThrows(BuildException.class, () -> build("FROM scratch\nCOPY ../../etc/passwd /\n", Map.of()));
        assertTrue(e.getMessage().contains("leaves the build context"), e.getMessage());
        e = assertThrows(BuildException.class, () -> build("FROM scratch\nCOPY --chown=bob a.conf /\n", Map.of()));
        assertTrue(e.getMessage().startsWith("Containerfile:2: --chown=bob: the stage has no files yet"), e.getMessage());
    }

    private static List<String> names(Image img, int layer) throws IOException {
        List<String> out = new ArrayList<>();
        forEach(img, layer, (e, in) -> out.add(e.getName()));
        return out;
    }

    private static TarArchiveEntry entry(Image img, int layer, String name) throws IOException {
        List<TarArchiveEntry> found = new ArrayList<>();
        forEach(img, layer, (e, in) -> {
            if (e.getName().equals(name)) {
                found.add(e);
            }
        });
        return found.getFirst();
    }

    private interface Visitor {
        void visit(TarArchiveEntry e, InputStream in) throws IOException;
    }

    private static void forEach(Image img, int layer, Visitor v) throws IOException {
        Path blob = dir(img, layer);
        try (InputStream in = Compression.open(Files.newInputStream(blob))) {
            TarArchiveInputStream t = new TarArchiveInputStream(in);
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                v.visit(e, t);
            }
        }
    }

    private static Path storeRoot;

    private static Path dir(Image img, int layer) {
        return storeRoot.resolve("blobs/sha256").resolve(img.manifest().layers().get(layer).blob().hex());
    }

    @BeforeEach
    void remember() {
        storeRoot = dir.resolve("images");
    }
}
