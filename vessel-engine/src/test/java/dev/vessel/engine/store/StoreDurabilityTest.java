package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a writer mid-way: every commit it reported survives and the file is sound. */
class StoreDurabilityTest {

    @TempDir
    Path dir;

    /** Enough commits that the kill lands in the middle of the loop, not before it started. */
    private static final int REPORTED_BEFORE_KILL = 200;

    @Test
    void everyReportedCommitSurvivesSigkill() throws Exception {
        Path file = dir.resolve("engine.db");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), StoreWriterMain.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> reported = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (reported.size() < REPORTED_BEFORE_KILL && (line = out.readLine()) != null) {
                reported.add(line);
            }
            // Through the handle: Process.destroyForcibly also closes our end of its stdout, and
            // we still want the lines it wrote between our last read and the kill.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer did not die of SIGKILL");
            // Lines written before the kill that we had not read yet are commits too.
            while ((line = out.readLine()) != null) {
                reported.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(REPORTED_BEFORE_KILL, Math.min(reported.size(), REPORTED_BEFORE_KILL),
                "the writer stopped early, see its stderr above");
        assertEquals(137, child.exitValue(), "the writer was not killed but exited");

        try (Store store = Store.open(file)) {
            for (String id : reported) {
                assertTrue(store.find(id).isPresent(), "committed container " + id + " is missing");
            }
            assertTrue(store.list().size() >= reported.size());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet row = s.executeQuery("PRAGMA integrity_check")) {
            row.next();
            assertEquals("ok", row.getString(1));
        }
    }
}
