package dev.vessel.image.build;

import dev.vessel.image.store.Digest;
import dev.vessel.linux.Xattrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BuildContextTest {
    @TempDir
    Path ctx;

    @Test
    void dockerignoreRulesWithExceptionsAndDirectories() throws IOException {
        Files.createDirectories(ctx.resolve("node_modules/x"));
        Files.createDirectories(ctx.resolve("src/deep"));
        Files.createDirectories(ctx.resolve("docs"));
        for (String f : List.of("node_modules/x/index.js", "src/a.java", "src/deep/b.java", "src/deep/b.tmp",
                "docs/README.md", "docs/notes.md", "secret.env")) {
            Files.writeString(ctx.resolve(f), f);
        }
        Files.writeString(ctx.resolve(".dockerignore"), """
                node_modules
                **/*.tmp
                docs/*.md
                !docs/README.md
                /secret.env
                """);
        BuildContext c = new BuildContext(ctx);
        assertTrue(c.ignored(ctx.resolve("node_modules/x/index.js")), "a directory rule covers its content");
        assertTrue(c.ignored(ctx.resolve("src/deep/b.tmp")));
        assertFalse(c.ignored(ctx.resolve("src/deep/b.java")));
        assertTrue(c.ignored(ctx.resolve("docs/notes.md")));
        assertFalse(c.ignored(ctx.resolve("docs/README.md")), "a later ! rule re-includes");
        assertTrue(c.ignored(ctx.resolve("secret.env")));
        assertEquals(List.of(ctx.resolve("src/a.java")), c.resolve("src/*.java"));
        assertEquals(List.of(ctx.resolve("src/deep/b.java")), c.resolve("src/**/*.java"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.resolve("secret.env"));
        assertTrue(e.getMessage().contains(".dockerignore excludes it"), e.getMessage());
        assertNotEquals(c.hash(List.of(ctx.resolve("src"))), c.hash(List.of(ctx.resolve("docs"))));
    }

    @Test
    void sourcesCannotLeaveTheContextThroughSymlinks() throws IOException {
        Path outside = Files.createDirectories(ctx.resolveSibling(ctx.getFileName() + "-outside"));
        Files.writeString(outside.resolve("passwd"), "x");
        Files.createSymbolicLink(ctx.resolve("link"), outside);
        BuildContext c = new BuildContext(ctx);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.resolve("link/passwd"));
        assertTrue(e.getMessage().contains("goes through the symlink link"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.resolve("../" + outside.getFileName() + "/passwd"));
        // The link itself may be copied: as a link, never followed.
        assertEquals(List.of(ctx.resolve("link")), c.resolve("link"));
    }

    @Test
    void theCopyCacheKeyChangesWithAFilesXattrs() throws IOException {
        Path f = Files.writeString(ctx.resolve("tool"), "bin");
        BuildContext c = new BuildContext(ctx);
        Digest before = c.hash(List.of(f));
        Xattrs.set(f.toString(), "user.vessel.test", new byte[]{0, (byte) 0xff});
        Digest with = c.hash(List.of(f));
        assertNotEquals(before, with, "a COPY of the same bytes with another xattr is another layer");
        Xattrs.set(f.toString(), "user.vessel.test", new byte[]{0, (byte) 0xfe});
        assertNotEquals(with, c.hash(List.of(f)), "and so is another value");
    }
}
