package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessesTest {

    @Test
    void subreaperBitRoundTrips() {
        boolean before = Processes.isChildSubreaper();
        try {
            Processes.setChildSubreaper(true);
            assertTrue(Processes.isChildSubreaper());
            Processes.setChildSubreaper(false);
            assertFalse(Processes.isChildSubreaper());
        } finally {
            Processes.setChildSubreaper(before);
        }
    }

    @Test
    void idsMatchProc() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        String uids = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        String[] f = uids.split("\\s+");
        assertEquals(Integer.parseInt(f[1]), Processes.uid());
        assertEquals(Integer.parseInt(f[2]), Processes.euid());
        assertEquals(ProcessHandle.current().pid(), Processes.pid());
    }

    @Test
    void waitWithNoHangOnARunningChild() {
        int pid = new Spawn("/bin/sleep").args(java.util.List.of("30")).start();
        try {
            assertEquals(null, Processes.waitpid(pid, Processes.WNOHANG));
        } finally {
            Processes.kill(pid, Signals.SIGKILL);
            assertEquals(137, Processes.waitFor(pid).shellCode());
        }
    }
}
