package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {

    @Test
    void ioctlNumbersMatchTheKernelHeaders() {
        // printed by a C program from <sys/ioctl.h> on x86_64
        assertEquals(0x80045430L, Terminal.TIOCGPTN);
        assertEquals(0x40045431L, Terminal.TIOCSPTLCK);
        assertEquals(0x5441L, Terminal.TIOCGPTPEER);
    }

    @Test
    void sockaddrUnLayout() {
        assertEquals(110, Structs.SOCKADDR_UN.byteSize());
        assertEquals(0, Structs.offset(Structs.SOCKADDR_UN, "sun_family"));
        assertEquals(2, Structs.offset(Structs.SOCKADDR_UN, "sun_path"));
    }

    @Test
    void ptyWindowSizeAndData() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/ptmx")), "no /dev/ptmx");
        Terminal.Pty pty = Terminal.openPty("/dev/ptmx");
        try {
            assertTrue(pty.name().startsWith("/dev/pts/"));
            Terminal.setWindowSize(pty.master(), new Terminal.WindowSize(40, 100));
            assertEquals(new Terminal.WindowSize(40, 100), Terminal.windowSize(pty.peer()));
            Fds.writeFully(pty.master(), "x\n".getBytes(StandardCharsets.UTF_8));
            byte[] line = new byte[2];
            assertTrue(Fds.readFully(pty.peer(), line, 0, 2));
            assertArrayEquals("x\n".getBytes(StandardCharsets.UTF_8), line);
        } finally {
            Fds.close(pty.master());
            Fds.close(pty.peer());
        }
    }

    @Test
    void connectListenAccept(@TempDir Path dir) {
        String path = dir.resolve("console.sock").toString();
        int listener = UnixSockets.listen(path, 1);
        int client = UnixSockets.connect(path);
        int server = UnixSockets.accept(listener);
        try {
            UnixSockets.sendFds(client, new byte[] {1, 2}, 0);
            UnixSockets.Received r = UnixSockets.receiveFds(server, 8);
            assertArrayEquals(new byte[] {1, 2}, r.data());
            assertEquals(1, r.fds().length);
            Fds.close(r.fds()[0]);
        } finally {
            Fds.close(listener);
            Fds.close(client);
            Fds.close(server);
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(LinuxException.class,
                () -> UnixSockets.connect(dir.resolve("absent.sock").toString()));
        assertTrue(e.getMessage().endsWith("ENOENT (No such file or directory)"), e.getMessage());
    }
}
