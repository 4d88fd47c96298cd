package dev.vessel.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caching around a build script, with small scripts standing in for the kernel build. */
class AssetBuildTest {

    @TempDir
    Path cache;
    final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

    AssetBuild build(String body, String input) {
        String script = "set -e\nout=\"${@: -1}\"\n" + body;
        return new AssetBuild("fake", script.getBytes(StandardCharsets.UTF_8), List.of(input.getBytes()), List.of());
    }

    @Test
    void buildsOnceThenServesTheCache() throws IOException {
        Path runs = cache.resolve("runs");
        AssetBuild b = build("echo run >> " + runs + "\necho 'build-fake: step one'\nmkdir -p \"$out\"\necho \"$1\" > \"$out/file\"\n", "v1");
        Path out = b.ensure(cache, progress, List.of("arg"));
        assertEquals(cache.resolve("fake-" + b.key()), out);
        assertEquals("arg\n", Files.readString(out.resolve("file")));
        assertEquals(out, b.ensure(cache, progress, List.of("arg")));
        assertEquals(1, Files.readAllLines(runs).size(), "built once");
        String shown = progressBytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("building guest fake") && shown.contains("step one") && shown.contains("ready after"), shown);
        assertTrue(Files.readString(cache.resolve("fake-" + b.key() + ".log")).contains("build-fake: step one"));
    }

    @Test
    void changedInputsGiveANewDirectory() throws IOException {
        String body = "mkdir -p \"$out\"\n";
        Path a = build(body, "v1").ensure(cache, progress, List.of());
        Path b = build(body, "v2").ensure(cache, progress, List.of());
        assertFalse(a.equals(b));
        assertTrue(Files.isDirectory(a) && Files.isDirectory(b));
    }

    @Test
    void aFailedBuildLeavesNothingThatLooksFinished() {
        AssetBuild b = build("mkdir -p \"$out.partial\"\necho 'compiler exploded' >&2\nexit 7\n", "v1");
        IOException e = assertThrows(IOException.class, () -> b.ensure(cache, progress, List.of()));
        assertTrue(e.getMessage().contains("exit 7): compiler exploded; the build log is ")
                && e.getMessage().endsWith(".log"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("fake-" + b.key())));
    }
}
