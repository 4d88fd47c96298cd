package dev.vessel.image;

import dev.vessel.image.oci.ImageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ProcessDefaultsTest {
    @TempDir
    Path rootfs;

    private static ImageConfig image(List<String> entrypoint, List<String> cmd, String user) {
        return new ImageConfig(null, null, "amd64", "linux", null,
                new ImageConfig.Config(user, null, List.of("PATH=/custom", "A=1"), entrypoint, cmd, null, "/app", null, null),
                new ImageConfig.RootFs("layers", List.of()), null);
    }

    @Test
    void argvFollowsDockerRules() throws IOException {
        ImageConfig img = image(List.of("/init", "--"), List.of("serve"), null);
        assertEquals(List.of("/init", "--", "serve"), derive(img, List.of(), Optional.empty()).args());
        assertEquals(List.of("/init", "--", "sh"), derive(img, List.of("sh"), Optional.empty()).args(), "args replace Cmd");
        assertEquals(List.of("/bin/ls"), derive(img, List.of(), Optional.of(List.of("/bin/ls"))).args(),
                "--entrypoint drops the image's Cmd");
        assertThrows(IllegalArgumentException.class, () -> derive(image(null, null, null), List.of(), Optional.empty()));
    }

    @Test
    void envWorkdirAndUser() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nweb:x:33:44::/srv:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
        ProcessDefaults p = ProcessDefaults.derive(image(null, List.of("sh"), "web"), List.of(), Optional.empty(),
                List.of("A=2", "B=3"), Optional.empty(), Optional.empty(), rootfs);
        assertEquals(List.of("PATH=/custom", "A=2", "B=3"), p.env());
        assertEquals("/app", p.cwd());
        assertEquals(33, p.uid());
        assertEquals(44, p.gid());
        ProcessDefaults q = ProcessDefaults.derive(image(null, List.of("sh"), null), List.of(), Optional.empty(),
                List.of(), Optional.of("/tmp"), Optional.of("33:staff"), rootfs);
        assertEquals(50, q.gid());
        assertEquals("/tmp", q.cwd());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessDefaults.derive(
                image(null, List.of("sh"), "nobody"), List.of(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), rootfs));
        assertTrue(e.getMessage().contains("\"nobody\" is not in the image's /etc/passwd"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessDefaults.derive(image(null, List.of("sh"), null),
                List.of(), Optional.empty(), List.of("NOEQUALS"), Optional.empty(), Optional.empty(), rootfs));
    }

    private ProcessDefaults derive(ImageConfig img, List<String> cmd, Optional<List<String>> ep) throws IOException {
        return ProcessDefaults.derive(img, cmd, ep, List.of(), Optional.empty(), Optional.empty(), rootfs);
    }
}
