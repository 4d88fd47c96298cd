package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delete of a container that has no state, as runc answers it (engines rely on it in cleanup). */
class ContainerRuntimeDeleteTest {

    @TempDir
    Path tmp;

    @Test
    void deleteWithoutForceOfAMissingContainerFails() {
        var rt = new ContainerRuntime(tmp.resolve("root"), Path.of("/nonexistent/vessel-init"));
        assertThrows(RuntimeError.NotFound.class, () -> rt.delete("gone", false));
    }

    @Test
    void forcedDeleteOfAMissingContainerSucceedsAndRemovesLeftovers() throws Exception {
        var rt = new ContainerRuntime(tmp.resolve("root"), Path.of("/nonexistent/vessel-init"));
        rt.delete("gone", true);
        Path leftover = Files.createDirectories(tmp.resolve("root/aborted"));
        Files.writeString(leftover.resolve("exec.fifo"), "");
        rt.delete("aborted", true);
        assertFalse(Files.exists(leftover));
    }

    @Test
    void forcedDeleteRefusesAnIdThatIsAPath() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("precious"));
        var rt = new ContainerRuntime(tmp.resolve("root"), Path.of("/nonexistent/vessel-init"));
        RuntimeError e = assertThrows(RuntimeError.class, () -> rt.delete("../precious", true));
        assertTrue(e.getMessage().contains("../precious"), e.getMessage());
        assertTrue(Files.exists(outside));
    }
}
