package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vessel-init as the container's monitor (SUPERVISE mode), the engine's way to start a
 * container: the monitor is the container's parent in a session of its own, records the exit
 * atomically, and reaps what the container leaves behind.
 */
@Tag("root")
class SupervisedContainerIT {

    @TempDir
    Path tmp;

    private ContainerRuntime runtime() {
        assumeTrue(Processes.euid() == 0, "needs root (namespaces, cgroups, mounts)");
        assumeTrue(Bundles.busyboxAvailable(), "needs /bin/busybox (Debian package busybox-static)");
        return new ContainerRuntime(tmp.resolve("root"), Path.of(System.getProperty("vessel.init")));
    }

    private static String stat(int pid, int field) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2).split(" ")[field - 3];
    }

    @Test
    void theMonitorIsTheParentInASessionOfItsOwnAndRecordsTheExit() throws Exception {
        ContainerRuntime rt = runtime();
        Path bundle = tmp.resolve("b");
        Bundles.create(bundle, "read x < /out/go; exit 3");
        dev.vessel.linux.Fds.mkfifo(bundle.resolve("out/go").toString(), 0600);
        Path record = tmp.resolve("exit");
        Instant before = Instant.now();
        try (SupervisedContainer c = rt.supervise(new CreateOptions("sup1", bundle, null, null, 0, false, false,
                dev.vessel.runtime.plan.InitSession.Stdio.INHERIT, null, record))) {
            assertEquals(Integer.toString(c.monitorPid()), stat(c.pid(), 4), "the monitor is the container's parent");
            assertEquals(Integer.toString(c.monitorPid()), stat(c.monitorPid(), 6), "the monitor leads a session of its own");
            assertNotEquals(Integer.toString(Processes.pid()), stat(c.monitorPid(), 6));
            assertEquals(Optional.empty(), SupervisedContainer.readRecord(record), "no record while it runs");
            Files.writeString(bundle.resolve("out/go"), "go\n");
            assertEquals(3, c.awaitExit());
        }
        SupervisedContainer.Exit exit = SupervisedContainer.readRecord(record).orElseThrow();
        assertEquals(3, exit.code());
        assertFalse(exit.time().isBefore(before.minus(Duration.ofSeconds(1))), exit.time() + " vs " + before);
        assertFalse(Files.exists(tmp.resolve("exit.tmp")), "the temporary record was renamed");
        rt.delete("sup1", true);
    }

    @Test
    void theMonitorAndTheContainerKeepNoneOfTheStartersDescriptors() throws Exception {
        ContainerRuntime rt = runtime();
        Path bundle = tmp.resolve("b");
        Bundles.create(bundle, "ls -l /proc/self/fd/ > /out/fds; sleep 600");
        // A listening socket as an engine's API has: the JDK opens sockets without close-on-exec.
        try (java.nio.channels.ServerSocketChannel api = java.nio.channels.ServerSocketChannel
                .open(java.net.StandardProtocolFamily.UNIX)) {
            api.bind(java.net.UnixDomainSocketAddress.of(tmp.resolve("api.sock")));
            try (SupervisedContainer c = rt.supervise(new CreateOptions("sup4", bundle, null, null, 0, false, false,
                    dev.vessel.runtime.plan.InitSession.Stdio.INHERIT, null, tmp.resolve("exit")))) {
                java.util.List<String> fds;
                try (var s = Files.list(Path.of("/proc/" + c.monitorPid() + "/fd"))) {
                    fds = s.map(p -> p.getFileName().toString()).sorted().toList();
                }
                for (String fd : fds) {
                    assertTrue(Integer.parseInt(fd) <= 3, "the monitor holds only stdio and its channel: " + fds);
                }
                Poll.until(() -> Files.exists(bundle.resolve("out/fds")) && Files.size(bundle.resolve("out/fds")) > 0);
                assertFalse(Files.readString(bundle.resolve("out/fds")).contains("socket:"),
                        "the container holds no socket of ours: " + Files.readString(bundle.resolve("out/fds")));
                rt.kill("sup4", dev.vessel.linux.Signals.SIGKILL, false);
                c.awaitExit();
            }
        }
        rt.delete("sup4", true);
    }

    @Test
    void aKilledContainerIsRecordedAsItsSignalAndTheMonitorGoesOnWithoutItsStarter() throws Exception {
        ContainerRuntime rt = runtime();
        Path bundle = tmp.resolve("b");
        Bundles.create(bundle, "sleep 600");
        Path record = tmp.resolve("exit");
        SupervisedContainer c = rt.supervise(new CreateOptions("sup2", bundle, null, null, 0, false, false,
                dev.vessel.runtime.plan.InitSession.Stdio.INHERIT, null, record));
        int monitor = c.monitorPid();
        c.close(); // the starter lets go: the monitor and the container go on
        assertTrue(rt.isAlive("sup2"), "the container runs after its starter let go");
        assertTrue(ProcessHandle.of(monitor).map(ProcessHandle::isAlive).orElse(false), "so does its monitor");
        rt.kill("sup2", dev.vessel.linux.Signals.SIGKILL, false);
        assertTrue(Poll.until(() -> SupervisedContainer.readRecord(record).isPresent()), "the monitor recorded the exit");
        assertEquals(137, SupervisedContainer.readRecord(record).orElseThrow().code());
        // It is still our child (we started it): reap it, as an engine would.
        assertEquals(0, Processes.waitFor(monitor).shellCode());
        rt.delete("sup2", true);
    }

    @Test
    void orphansOfAContainerWithoutAPidNamespaceAreReapedByTheMonitor() throws Exception {
        ContainerRuntime rt = runtime();
        Path bundle = tmp.resolve("b");
        ObjectNode c = Bundles.create(bundle, "sleep 1 & echo $! > /out/orphan; exit 0");
        ArrayNode ns = (ArrayNode) c.get("linux").get("namespaces");
        for (int i = ns.size() - 1; i >= 0; i--) {
            if (ns.get(i).get("type").asText().equals("pid")) {
                ns.remove(i);
            }
        }
        Bundles.write(bundle, c);
        Path record = tmp.resolve("exit");
        int monitor;
        try (SupervisedContainer s = rt.supervise(new CreateOptions("sup3", bundle, null, null, 0, false, false,
                dev.vessel.runtime.plan.InitSession.Stdio.INHERIT, null, record))) {
            monitor = s.monitorPid();
            assertEquals(0, s.awaitExit()); // returns at the container's exit; the orphan lives on a second
        }
        int orphan = Integer.parseInt(Bundles.out(bundle, "orphan"));
        assertTrue(Poll.until(() -> !Files.exists(Path.of("/proc/" + orphan))),
                "the orphan was reaped (not left a zombie) by the monitor");
        assertFalse(Files.exists(Path.of("/proc/" + monitor)), "the monitor ended once nothing was left to reap");
        rt.delete("sup3", true);
    }
}
