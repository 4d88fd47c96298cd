package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdsTest {

    @Test
    void pipeReadWritePoll() {
        Fds.Pair p = Fds.pipe();
        try {
            assertTrue(Fds.isCloseOnExec(p.first()));
            assertEquals(0, Fds.poll(p.first(), Fds.POLLIN, 0));
            Fds.writeFully(p.second(), "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals(Fds.POLLIN, Fds.poll(p.first(), Fds.POLLIN, 1000));
            byte[] buf = new byte[5];
            assertTrue(Fds.readFully(p.first(), buf, 0, 5));
            assertEquals("hello", new String(buf, StandardCharsets.UTF_8));
            Fds.close(p.second());
            assertEquals(0, Fds.read(p.first(), buf, 0, 5));
        } finally {
            Fds.close(p.first());
        }
    }

    @Test
    void passesDescriptorsOverSocketPair() {
        Fds.Pair s = Fds.socketPair(Fds.SOCK_STREAM);
        Fds.Pair p = Fds.pipe();
        try {
            UnixSockets.sendFds(s.first(), new byte[] {42}, p.second());
            UnixSockets.Received r = UnixSockets.receiveFds(s.second(), 16);
            assertArrayEquals(new byte[] {42}, r.data());
            assertEquals(1, r.fds().length);
            assertTrue(r.fds()[0] != p.second());
            assertTrue(Fds.isCloseOnExec(r.fds()[0]));
            Fds.writeFully(r.fds()[0], new byte[] {7}); // the received fd is the pipe's write end
            Fds.close(r.fds()[0]);
            byte[] b = new byte[1];
            assertEquals(1, Fds.read(p.first(), b, 0, 1));
            assertEquals(7, b[0]);
        } finally {
            for (int fd : List.of(s.first(), s.second(), p.first(), p.second())) {
                Fds.close(fd);
            }
        }
    }

    @Test
    void spawnWithChosenDescriptorsAndWaitStatus(@TempDir Path dir) throws Exception {
        Fds.Pair out = Fds.pipe();
        int pid;
        try {
            pid = new Spawn("/bin/sh").args(List.of("-c", "echo hi >&5; kill -TERM $$"))
                    .fd(out.second(), 5).start();
        } finally {
            Fds.close(out.second());
        }
        byte[] buf = new byte[3];
        assertTrue(Fds.readFully(out.first(), buf, 0, 3));
        assertEquals("hi\n", new String(buf, StandardCharsets.UTF_8));
        Fds.close(out.first());
        WaitStatus st = Processes.waitFor(pid);
        assertFalse(st.exited());
        assertTrue(st.signaled());
        assertEquals(Signals.SIGTERM, st.termSignal());
        assertEquals(143, st.shellCode());
        assertEquals("killed by SIGTERM", st.toString());

        int pid2 = new Spawn("/bin/sh").args(List.of("-c", "exit 3")).start();
        WaitStatus st2 = Processes.waitFor(pid2);
        assertTrue(st2.exited());
        assertEquals(3, st2.shellCode());

        Path fifo = dir.resolve("fifo");
        Fds.mkfifo(fifo.toString(), 0600);
        assertTrue(Files.exists(fifo));
    }

    @Test
    void pidfdSignal() {
        int pid = new Spawn("/bin/sleep").args(List.of("30")).start();
        int pidfd = Processes.pidfdOpen(pid);
        Processes.pidfdSendSignal(pidfd, Signals.SIGKILL);
        Fds.close(pidfd);
        WaitStatus st = Processes.waitFor(pid);
        assertEquals(137, st.shellCode());
    }

    @Test
    void startTimeIdentifiesAProcess() throws Exception {
        int pid = new Spawn("/bin/sleep").args(List.of("30")).start();
        long self = Processes.startTime(Processes.pid()).orElseThrow();
        long child = Processes.startTime(pid).orElseThrow();
        assertTrue(child >= self, child + " >= " + self);
        Processes.kill(pid, Signals.SIGKILL);
        Processes.waitFor(pid);
        assertTrue(Processes.startTime(pid).isEmpty());
    }

    @Test
    void flagNames() {
        assertEquals("MS_BIND|MS_REC", Mounts.flagNames(Mounts.MS_BIND | Mounts.MS_REC));
        assertEquals("0", Mounts.flagNames(0));
        assertEquals("MS_RDONLY|0x40000000", Mounts.flagNames(1 | 0x40000000L));
    }
}
