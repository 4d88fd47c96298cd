package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.Poll;
import dev.vessel.runtime.cgroups.devices.BpfDeviceGate;
import dev.vessel.runtime.cgroups.devices.DevicePermission;
import dev.vessel.runtime.cgroups.v2.V2Manager;
import dev.vessel.runtime.spec.LinuxResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The v2 backend on the real kernel, as far as this kind of host allows. On a v2 host it runs
 * under the real /sys/fs/cgroup; on a hybrid host (the development machine) it runs in the
 * controller-less cgroup2 tree at /sys/fs/cgroup/unified, which still has what does not need a
 * controller: joining, cgroup.freeze, eBPF device programs, pids listing and removal. To leave
 * the host's own cgroup.subtree_control alone, the test makes a private directory and treats
 * it as the hierarchy's top. Limits (memory.max, cpu.max, ...) are covered by V2ManagerTest.
 */
@Tag("root")
class CgroupV2IT {
    private Path top;
    private CgroupManager m;
    private Process child;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create cgroups");
        CgroupLayout host = CgroupLayout.parse(Files.readString(Path.of("/proc/self/mountinfo")),
                Files.readString(Path.of("/proc/self/cgroup")), Path.of("/"));
        Assumptions.assumeTrue(host.unified() != null, "no cgroup2 mount on this host");
        top = host.unified().mountPoint().resolve("vessel-v2-it-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(top);
        CgroupLayout layout = new CgroupLayout(CgroupLayout.Mode.V2, List.of(),
                new CgroupLayout.Hierarchy(top, "/", Set.of()), Map.of("", "/"));
        m = new V2Manager(layout, CgroupPath.of("/ctr", "ctr"), new BpfDeviceGate());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (top == null) {
            return;
        }
        try {
            if (child != null) {
                if (m.state() == FreezerState.FROZEN) {
                    m.thaw();
                }
                child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 50 && Files.exists(top.resolve("ctr")) && !m.pids().isEmpty(); i++) {
                Thread.sleep(20);
            }
            m.destroy();
        } finally {
            Files.deleteIfExists(top);
        }
    }

    private void spawn(String script) throws IOException {
        child = new ProcessBuilder("sh", "-c", "read go; " + script).redirectErrorStream(true).start();
    }

    private void go() throws IOException {
        child.getOutputStream().write('\n');
        child.getOutputStream().flush();
    }

    @Test
    void joinsFreezesAndRemoves() throws Exception {
        spawn("while :; do :; done");
        m.apply((int) child.pid());
        assertTrue(Files.readString(Path.of("/proc/" + child.pid() + "/cgroup")).contains("0::/" + top.getFileName() + "/ctr"));
        assertEquals(List.of((int) child.pid()), m.pids());
        go();
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.state());
        long ticks = ticks(child.pid());
        Thread.sleep(400);
        assertEquals(ticks, ticks(child.pid()), "frozen task makes no progress");
        m.thaw();
        assertEquals(FreezerState.THAWED, m.state());
        assertTrue(Poll.until(() -> ticks(child.pid()) > ticks), "thawed task runs again");
        assertTrue(m.stats().cpu().usage().total() > 0);
        child.destroyForcibly().waitFor();
        for (int i = 0; i < 50 && !m.pids().isEmpty(); i++) {
            Thread.sleep(20);
        }
        m.destroy();
        assertFalse(Files.exists(top.resolve("ctr")));
    }

    @Test
    void ebpfDeviceProgramAllowsTheDefaultsAndDeniesTheRest() throws Exception {
        spawn("head -c 1 /dev/zero >/dev/null && echo zero-ok; "
                + "(: < /dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied; "
                + "read again; (: < /dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied");
        m.apply((int) child.pid());
        m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, null, null, null, null));
        go();
        byte[] first = child.getInputStream().readNBytes("zero-ok\nkmsg-denied\n".length());
        assertEquals("zero-ok\nkmsg-denied\n", new String(first, StandardCharsets.UTF_8));
        // Update: allow /dev/kmsg (c 1:11) for reading. The old program must be gone, or it
        // would still deny (attached programs must all allow).
        m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm"),
                new LinuxResources.DeviceRule(true, "c", 1L, 11L, "r")), null, null, null, null, null, null, null, null));
        go();
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertEquals("kmsg-ok\n", new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The kernel's verifier accepts every shape of rule the compiler emits, and a re-install replaces the program. */
    @Test
    void verifierAcceptsEveryRuleShape() throws Exception {
        Path dir = Files.createDirectory(top.resolve("verifier"));
        try {
            List<List<DevicePermission>> sets = List.of(
                    DevicePermission.effective(List.of()),
                    List.of(new DevicePermission(true, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm")),
                    List.of(new DevicePermission(false, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm")),
                    List.of(new DevicePermission(true, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm"),
                            new DevicePermission(false, 'b', 8, DevicePermission.ANY, "w"),
                            new DevicePermission(false, 'a', 7, 1, "m"),
                            new DevicePermission(true, 'c', DevicePermission.ANY, 5, "r"),
                            new DevicePermission(true, 'b', 1048575, 1048575, "rwm")));
            BpfDeviceGate gate = new BpfDeviceGate();
            for (List<DevicePermission> rules : sets) {
                gate.install(dir, rules);
            }
            for (int i = 0; i < 70; i++) { // the kernel allows 64 programs per cgroup
                gate.install(dir, sets.get(i % sets.size())); // so replacing must not pile them up
            }
        } finally {
            Files.delete(dir);
        }
    }

    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
