package dev.vessel.image.build;

import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.ProcessDefaults;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.registry.DockerConfig;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.linux.Processes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** RUN steps and COPY --from, which mount overlay snapshots: root only. */
@Tag("root")
class BuilderRootIT {
    @TempDir
    Path dir;
    ImageService images;
    Path ctx;
    ChrootExecutor chroot = new ChrootExecutor();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Processes.euid() == 0, "needs root: overlay mounts and chroot");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs a static /bin/busybox (apt-get install busybox-static)");
        images = new ImageService(dir.resolve("images"), dir.resolve("snapshots"), new DockerConfig(dir.resolve("c.json")), Set.of());
        ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.copy(Path.of("/bin/busybox"), ctx.resolve("busybox"));
    }

    private Image build(String containerfile) throws IOException {
        Path cf = ctx.resolve("Containerfile");
        Files.writeString(cf, containerfile);
        return new Builder(images, dir.resolve("cache"), Optional.of(chroot), new PrintStream(log, true))
                .build(new Builder.Request(ctx, cf, List.of("built/run:1"), Map.of(), Optional.empty(), Platform.LINUX_AMD64));
    }

    private static final String FILE = """
            FROM scratch AS tools
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            RUN mkdir -p /etc /tmp && chmod 1777 /tmp && echo 'root:x:0:0::/root:/bin/sh' > /etc/passwd && echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd
            RUN echo doomed > /etc/doomed && mkdir -p /var/cache && echo old > /var/cache/old

            FROM tools
            ARG WHO=builder
            ENV GREETING="hello from $WHO"
            WORKDIR /work
            RUN rm /etc/doomed && rm -r /var/cache && mkdir /var/cache && echo new > /var/cache/new
            RUN echo "$GREETING in $(pwd)" > /work/out.txt
            USER app
            RUN id -u > /tmp/uid
            COPY --from=tools /etc/passwd /copied/passwd
            COPY --chown=app Containerfile /home/app/
            """;

    @Test
    void runWithHereDocumentsInEveryForm() throws IOException {
        Image img = build("""
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "--install", "-s", "/bin"]
                RUN mkdir -p /tmp && chmod 1777 /tmp
                ENV WHO=vessel
                RUN <<EOF
                # a script, comments and all
                echo "plain $WHO" > /plain
                EOF
                RUN <<EOF
                #!/bin/sh -e
                echo "shebang $0" > /shebang
                EOF
                RUN cat <<A > /expanded && cat <<'B' > /literal
                $WHO
                A
                $WHO
                B
                """);
        ContainerSnapshot s = images.snapshots().create("heredoc", img);
        try {
            images.snapshots().mount(s);
            Path root = s.rootfs();
            assertEquals("plain vessel\n", Files.readString(root.resolve("plain")));
            assertTrue(Files.readString(root.resolve("shebang")).startsWith("shebang /tmp/"), "ran as a file of its own");
            assertEquals("vessel\n", Files.readString(root.resolve("expanded")));
            assertEquals("$WHO\n", Files.readString(root.resolve("literal")));
            try (var tmp = Files.list(root.resolve("tmp"))) {
                assertEquals(0, tmp.count(), "the script file is removed");
            }
        } finally {
            images.snapshots().remove("heredoc");
        }
    }

    @Test
    void runStepsBecomeLayersWithWhiteoutsAndRebuildFromCache() throws IOException {
        Image img = build(FILE);
        ContainerSnapshot s = images.snapshots().create("check", img);
        try {
            images.snapshots().mount(s);
            Path root = s.rootfs();
            assertEquals("hello from builder in /work\n", Files.readString(root.resolve("work/out.txt")));
            assertFalse(Files.exists(root.resolve("etc/doomed"), LinkOption.NOFOLLOW_LINKS), "rm in RUN became a whiteout");
            assertFalse(Files.exists(root.resolve("var/cache/old")), "rm -r + mkdir became an opaque directory");
            assertEquals("new\n", Files.readString(root.resolve("var/cache/new")));
            assertEquals("1000\n", Files.readString(root.resolve("tmp/uid")), "USER applies to RUN");
            assertTrue(Files.readString(root.resolve("copied/passwd")).contains("app:x:1000"));
            assertTrue(Files.isSymbolicLink(root.resolve("bin/sh")));
            assertEquals(1000, Files.getAttribute(root.resolve("home/app/Containerfile"), "unix:uid"), "--chown by name");
        } finally {
            images.snapshots().remove("check");
        }
        assertTrue(images.snapshots().list().isEmpty(), "build snapshots are removed");

        int runs = chroot.ran.size();
        long t0 = System.nanoTime();
        Image again = build(FILE);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(img.id(), again.id());
        assertEquals(runs, chroot.ran.size(), "no RUN executed on a cached rebuild");
        assertTrue(ms < 1000, "cached rebuild took " + ms + " ms");
    }

    @Test
    void aFailingRunStopsTheBuildAtItsLine() throws IOException {
        BuildException e = assertThrows(BuildException.class, () -> build("""
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "false"]
                """));
        assertTrue(e.getMessage().startsWith("Containerfile:3: RUN /bin/busybox false exited with status 1"), e.getMessage());
        assertTrue(images.snapshots().list().isEmpty());
    }

    @Test
    void processDefaultsSeeTheImageUsers() throws IOException {
        Image img = build("""
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir /etc && echo 'web:x:33:33::/:/bin/sh' > /etc/passwd"]
                USER web
                CMD ["/bin/busybox", "id"]
                """);
        ContainerSnapshot s = images.snapshots().create("pd", img);
        try {
            images.snapshots().mount(s);
            ProcessDefaults p = ProcessDefaults.derive(img.config(), List.of(), Optional.empty(), List.of(),
                    Optional.empty(), Optional.empty(), s.rootfs());
            assertEquals(33, p.uid());
            assertEquals(List.of("/bin/busybox", "id"), p.args());
        } finally {
            images.snapshots().remove("pd");
        }
    }
}
