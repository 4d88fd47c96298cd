package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loopback up in a network namespace made by unshare(1) for the test, seen with ip(8); ours is never touched. */
@Tag("root")
class NetDevicesIT {

    /** Runs {@code script} in a new network namespace and returns the process, which waits on its stdin. */
    private static Process inNewNetns(String script) throws Exception {
        return new ProcessBuilder("unshare", "--net", "sh", "-c", script).redirectErrorStream(true).start();
    }

    @Test
    void bringsLoopbackUpInAnotherNamespaceOnly() throws Exception {
        String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        String ourLo = ip("-o", "link", "show", "lo");
        // ip(8), not /sys/class/net, which shows the namespace sysfs was mounted in.
        Process p = inNewNetns("ip -o link show lo; read x; ip -o link show lo");
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String before = out.readLine();
            assertTrue(before.contains("<LOOPBACK>"), "a new namespace's loopback starts down: " + before);
            Path ns = Path.of("/proc/" + p.pid() + "/ns/net");
            assertNotEquals(ours, Files.readSymbolicLink(ns).toString());
            NetDevices.up(ns, "lo");
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            String flags = out.readLine();
            assertTrue(flags.contains("<LOOPBACK,UP,LOWER_UP>"), "lo in the namespace: " + flags);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(ours, Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), "this thread stayed home");
        assertEquals(ourLo, ip("-o", "link", "show", "lo"), "our own loopback is untouched");
    }

    private static String ip(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ip"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void anUnknownInterfaceIsAnErrorNamingIt() throws Exception {
        Process p = inNewNetns("read x");
        try {
            LinuxException e = assertThrows(LinuxException.class,
                    () -> NetDevices.up(Path.of("/proc/" + p.pid() + "/ns/net"), "eth9"));
            assertTrue(e.getMessage().contains("eth9"), e.getMessage());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBadNameIsRefusedBeforeAnySyscall() {
        assertThrows(IllegalArgumentException.class, () -> NetDevices.up(Path.of("/proc/self/ns/net"), "a-name-longer-than-15"));
    }
}
