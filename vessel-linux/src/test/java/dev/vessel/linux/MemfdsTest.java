package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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

    /**
     * F_SEAL_WRITE answers EBUSY while the kernel sees extra page references; a writable shared
     * mapping is the one way to cause that on purpose. The seal then falls back to
     * F_SEAL_FUTURE_WRITE: write() is refused afterwards and no further seal can be added.
     */
    @Test
    void sealFallsBackToFutureWriteWhenPagesAreBusy() throws Exception {
        int fd = LinuxException.check(LibC.memfd_create("busy", Memfds.MFD_CLOEXEC | Memfds.MFD_ALLOW_SEALING), "memfd_create");
        try {
            Fds.writeFully(fd, new byte[8192]);
            Path proc = Path.of("/proc/self/fd/" + fd);
            int seals;
            try (Arena arena = Arena.ofConfined();
                 FileChannel ch = FileChannel.open(proc, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
                seals = Memfds.sealAgainstChange(fd);
            }
            assertEquals(Memfds.F_SEAL_SEAL | Memfds.F_SEAL_SHRINK | Memfds.F_SEAL_GROW | Memfds.F_SEAL_FUTURE_WRITE, seals);
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(-Errno.EPERM.number(), LibC.write(fd, arena.allocate(1), 1));
            }
        } finally {
            Fds.close(fd);
        }
    }
}
