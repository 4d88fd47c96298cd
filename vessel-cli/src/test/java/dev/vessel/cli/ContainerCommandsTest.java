package dev.vessel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vessel ps} shows of a container: its age and its command. */
class ContainerCommandsTest {
    private static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");

    @Test
    void ageInTheLargestWholeUnit() {
        assertEquals("0 seconds ago", ContainerCommands.Ps.ago("2026-11-27T16:00:00.5Z", NOW));
        assertEquals("1 second ago", ContainerCommands.Ps.ago("2026-11-27T15:59:59Z", NOW));
        assertEquals("59 seconds ago", ContainerCommands.Ps.ago("2026-11-27T15:59:00.123456789Z", NOW));
        assertEquals("1 minute ago", ContainerCommands.Ps.ago("2026-11-27T15:58:30Z", NOW));
        assertEquals("2 hours ago", ContainerCommands.Ps.ago("2026-11-27T13:10:00Z", NOW));
        assertEquals("3 days ago", ContainerCommands.Ps.ago("2026-11-24T12:00:00Z", NOW));
    }

    @Test
    void aCreationTimeThatDoesNotParseIsShownAsItIs() {
        assertEquals("yesterday", ContainerCommands.Ps.ago("yesterday", NOW));
    }

    @Test
    void theCommandIsQuotedAndCut(@TempDir Path bundle) throws IOException {
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\",\"-c\",\"echo hi\"],\"cwd\":\"/\"}}");
        assertEquals("\"sh -c echo hi\"", ContainerCommands.Ps.command(bundle.toString()));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sleep\",\""
                + "9".repeat(40) + "\"],\"cwd\":\"/\"}}");
        assertEquals("\"sleep " + "9".repeat(23) + "…\"", ContainerCommands.Ps.command(bundle.toString()));
    }

    @Test
    void aBundleWithoutAReadableConfigShowsNoCommand(@TempDir Path bundle) throws IOException {
        assertEquals("", ContainerCommands.Ps.command(bundle.toString()));
        Files.writeString(bundle.resolve("config.json"), "{not json");
        assertEquals("", ContainerCommands.Ps.command(bundle.toString()));
    }
}
