package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemfdsTest {

    @Test
    void sealedCopyRunsAndCannotBeChanged() throws Exception {
        byte[] sh = Files.readAllBytes(Path.of("/bin/true"));
        int fd = Memfds.sealedExecutable("true-copy", sh);
        try {
            assertEquals(Memfds.F_SEAL_SEAL | Memfds.F_SEAL_SHRINK | Memfds.F_SEAL_GROW | Memfds.F_SEAL_WRITE,
                    Memfds.seals(fd));
            Path proc = Path.of("/proc/self/fd/" + fd);
            assertTrue(Files.readSymbolicLink(proc).toString().startsWith("/memfd:true-copy"));
            assertThrows(IOException.class, () -> {
                try (FileOutputStream out = new FileOutputStream(proc.toFile(), true)) {
                    out.write(0);
                }
            });
            int pid = new Spawn(proc.toString()).arg0("true").args(List.of()).start();
            assertEquals(0, Processes.waitFor(pid).shellCode());
        } finally {
            Fds.close(fd);
        }
    }
}
