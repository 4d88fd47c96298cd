package dev.vessel.runtime.cgroups.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupLayout;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupPath;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.cgroups.FakeRoot;
import dev.vessel.runtime.cgroups.FreezerState;
import dev.vessel.runtime.cgroups.SampleHosts;
import dev.vessel.runtime.cgroups.devices.DevicePermission;
import dev.vessel.runtime.spec.LinuxResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 backend against a fake cgroupfs under a temp dir: which file gets which value. The
 * development machine has only an empty, controller-less cgroup2 mount (its controllers are on
 * v1), so the v2 controllers cannot run for real there; CgroupV2IT covers what the empty
 * unified tree can (join, freeze, eBPF devices, removal).
 */
class V2ManagerTest {
    @TempDir
    Path tmp;

    FakeRoot fake;
    CgroupManager m;
    Path leaf;
    final List<List<DevicePermission>> installed = new ArrayList<>();

    @BeforeEach
    void unifiedHost() throws IOException {
        fake = new FakeRoot(tmp, SampleHosts.V2_MOUNTINFO, SampleHosts.V2_SELF);
        fake.dir("sys/fs/cgroup", Map.of("cgroup.controllers", "cpuset cpu io memory hugetlb pids",
                "cgroup.subtree_control", ""));
        m = manager("/ctr/one");
        leaf = tmp.resolve("sys/fs/cgroup/ctr/one");
    }

    private CgroupManager manager(String path) throws IOException {
        CgroupLayout layout = CgroupLayout.parse(Files.readString(tmp.resolve("proc/self/mountinfo")),
                Files.readString(tmp.resolve("proc/self/cgroup")), tmp);
        return new V2Manager(layout, CgroupPath.of(path, "one"), (dir, rules) -> installed.add(rules));
    }

    private Path files(Map<String, String> files) {
        return fake.dir("sys/fs/cgroup/ctr/one", files);
    }

    private String file(String name) {
        return fake.read("sys/fs/cgroup/ctr/one/" + name);
    }

    private static LinuxResources cpu(Long shares, Long quota, Long period) {
        return new LinuxResources(null, null, new LinuxResources.Cpu(shares, quota, null, period, null, null, null, null,
                null), null, null, null, null, null, null);
    }

    private static LinuxResources memory(Long limit, Long reservation, Long swap) {
        return new LinuxResources(null, new LinuxResources.Memory(limit, reservation, swap, null, null, null, null, null,
                null), null, null, null, null, null, null, null);
    }

    @Test
    void pathsAreOneDirectoryInTheUnifiedTree() throws IOException {
        assertEquals(Map.of("", leaf), m.paths());
        assertEquals(tmp.resolve("sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/ctr"),
                manager("ctr").paths().get(""));
    }

    @Test
    void reopenFromTheSavedDirectory() {
        CgroupManager again = dev.vessel.runtime.cgroups.CgroupManagers.reopen(Map.of("", leaf), tmp);
        assertEquals(Map.of("", leaf), again.paths());
        assertEquals("/ctr/one", again.path());
        assertThrows(CgroupException.class, () -> dev.vessel.runtime.cgroups.CgroupManagers.reopen(
                Map.of("memory", tmp.resolve("sys/fs/cgroup/memory/x")), tmp));
    }

    @Test
    void conversions() {
        assertEquals(39, V2Cpu.weight(1024));
        assertEquals(1, V2Cpu.weight(2));
        assertEquals(10000, V2Cpu.weight(262144));
        assertEquals(1, V2Cpu.weight(1), "clamped like the kernel clamps v1 shares");
        assertEquals("25000 50000", V2Cpu.max(25000L, 50000L));
        assertEquals("max 100000", V2Cpu.max(-1L, 100000L));
        assertEquals("25000", V2Cpu.max(25000L, null));
        assertNull(V2Cpu.max(null, null));
        assertEquals(1, V2Io.ioWeight(10));
        assertEquals(4950, V2Io.ioWeight(500));
        assertEquals(10000, V2Io.ioWeight(1000));
        assertEquals("104857600", V2Memory.swapMax(100L << 20, 200L << 20));
        assertEquals("0", V2Memory.swapMax(100L << 20, 100L << 20));
        assertEquals("max", V2Memory.swapMax(100L << 20, -1));
        assertNull(V2Memory.swapMax(100L << 20, 0));
        CgroupException e = assertThrows(CgroupException.class, () -> V2Memory.swapMax(200, 100));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.swap 100 is below memory.limit 200"), e.getMessage());
        assertThrows(CgroupException.class, () -> V2Memory.swapMax(0, 100));
    }

    @Test
    void applyEnablesControllersDownThePathAndJoins() {
        fake.dir("sys/fs/cgroup/ctr", Map.of("cgroup.controllers", "cpu memory", "cgroup.subtree_control", ""));
        files(Map.of("cgroup.procs", ""));
        m.apply(77);
        assertEquals("+cpuset +cpu +io +memory +hugetlb +pids", fake.read("sys/fs/cgroup/cgroup.subtree_control"));
        assertEquals("+cpu +memory", fake.read("sys/fs/cgroup/ctr/cgroup.subtree_control"));
        assertEquals("77", file("cgroup.procs"));
    }

    @Test
    void failedApplyRemovesTheDirectoriesItMade() {
        // The fake mkdir makes directories without cgroup.procs, so joining fails.
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(77));
        assertTrue(e.getMessage().startsWith("cgroup v2: writing 77 to cgroup.procs: No such file or directory (ENOENT)"),
                e.getMessage());
        assertFalse(fake.exists("sys/fs/cgroup/ctr"));
    }

    @Test
    void cpuFiles() {
        files(Map.of("cpu.weight", "100", "cpu.max", "max 100000", "cpu.max.burst", "0", "cpu.idle", "0"));
        m.set(new LinuxResources(null, null, new LinuxResources.Cpu(512L, 20000L, 1000L, 50000L, null, null, null, null,
                1L), null, null, null, null, null, null));
        assertEquals(Map.of("cpu.weight", "20", "cpu.max", "20000 50000", "cpu.max.burst", "1000", "cpu.idle", "1"),
                read("cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle"));
        m.set(cpu(null, -1L, 100000L));
        assertEquals("max 100000", file("cpu.max"));
    }

    @Test
    void realtimeIsRefusedOnV2() {
        files(Map.of());
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null,
                new LinuxResources.Cpu(null, null, null, null, 950000L, 1000000L, null, null, null), null, null, null,
                null, null, null)));
        assertTrue(e.getMessage().contains("no cgroup v2 equivalent"), e.getMessage());
    }

    @Test
    void cpusetFiles() {
        files(Map.of("cpuset.cpus", "", "cpuset.mems", ""));
        m.set(new LinuxResources(null, null, new LinuxResources.Cpu(null, null, null, null, null, null, "1", "0", null),
                null, null, null, null, null, null));
        assertEquals(Map.of("cpuset.cpus", "1", "cpuset.mems", "0"), read("cpuset.cpus", "cpuset.mems"));
    }

    @Test
    void memoryFilesWithSwapMinusLimit() {
        files(Map.of("memory.max", "max", "memory.low", "0", "memory.swap.max", "max"));
        m.set(memory(100L << 20, 64L << 20, 300L << 20));
        assertEquals(Map.of("memory.max", "104857600", "memory.low", "67108864", "memory.swap.max", "209715200"),
                read("memory.max", "memory.low", "memory.swap.max"));
        m.set(memory(-1L, null, -1L));
        assertEquals(Map.of("memory.max", "max", "memory.swap.max", "max"), read("memory.max", "memory.swap.max"));
    }

    @Test
    void swapLimitsThatAlreadyHoldAreFineWithoutSwapAccounting() {
        files(Map.of("memory.max", "max"));
        m.set(memory(100L << 20, null, 100L << 20)); // no swap: swap.max "0" on a kernel without it
        assertEquals("104857600", file("memory.max"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(memory(100L << 20, null, 200L << 20)));
        assertTrue(e.getMessage().startsWith("cgroup v2 memory: writing 104857600 to memory.swap.max: No such file"),
                e.getMessage());
    }

    @Test
    void checkBeforeUpdateRefusesALimitBelowUsage() {
        files(Map.of("memory.max", "max", "memory.current", "5000000"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null,
                new LinuxResources.Memory(4000000L, null, null, null, null, null, null, null, true), null, null, null,
                null, null, null, null)));
        assertTrue(e.getMessage().contains("below the container's current usage 5000000"), e.getMessage());
        assertEquals("max", file("memory.max"));
    }

    @Test
    void v1OnlyMemoryKnobsAreRefused() {
        files(Map.of());
        assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null,
                new LinuxResources.Memory(null, null, null, null, null, 30L, null, null, null), null, null, null, null,
                null, null, null)));
        assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null,
                new LinuxResources.Memory(null, null, null, null, null, null, true, null, null), null, null, null, null,
                null, null, null)));
    }

    @Test
    void pidsMax() {
        files(Map.of("pids.max", "max"));
        m.set(new LinuxResources(null, null, null, new LinuxResources.Pids(64L), null, null, null, null, null));
        assertEquals("64", file("pids.max"));
        m.set(new LinuxResources(null, null, null, new LinuxResources.Pids(-1L), null, null, null, null, null));
        assertEquals("max", file("pids.max"));
    }

    @Test
    void ioWeightConvertedWithoutBfqAndIoMaxPerKey() {
        files(Map.of("io.weight", "default 100", "io.max", ""));
        m.set(new LinuxResources(null, null, null, null, new LinuxResources.BlockIO(500, null, null, null,
                List.of(new LinuxResources.ThrottleDevice(8, 16, 2097152)), null, null), null, null, null, null));
        assertEquals("4950", file("io.weight"));
        assertEquals("8:16 wbps=2097152", file("io.max"));
    }

    @Test
    void ioWeightGoesToBfqUnconvertedWhenPresent() {
        files(Map.of("io.weight", "default 100", "io.bfq.weight", "default 100"));
        m.set(new LinuxResources(null, null, null, null, new LinuxResources.BlockIO(500, null, null, null, null, null,
                null), null, null, null, null));
        assertEquals("500", file("io.bfq.weight"));
        assertEquals("default 100", file("io.weight"));
    }

    @Test
    void hugetlbMaxAndReservation() {
        files(Map.of("hugetlb.2MB.max", "max", "hugetlb.2MB.rsvd.max", "max"));
        m.set(new LinuxResources(null, null, null, null, null, List.of(new LinuxResources.HugepageLimit("2MB", 8388608)),
                null, null, null));
        assertEquals(Map.of("hugetlb.2MB.max", "8388608", "hugetlb.2MB.rsvd.max", "8388608"),
                read("hugetlb.2MB.max", "hugetlb.2MB.rsvd.max"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, List.of(new LinuxResources.HugepageLimit("3MB", 1)), null, null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.hugepageLimits[0].pageSize \"3MB\""), e.getMessage());
    }

    @Test
    void rdmaMaxPerDevice() {
        files(Map.of("rdma.max", ""));
        Map<String, LinuxResources.Rdma> rdma = new LinkedHashMap<>();
        rdma.put("mlx5_0", new LinuxResources.Rdma(3L, null));
        m.set(new LinuxResources(null, null, null, null, null, null, null, rdma, null));
        assertEquals("mlx5_0 hca_handle=3", file("rdma.max"));
        assertEquals(List.of("a hca_handle=1 hca_object=2", "b hca_object=5"), dev.vessel.runtime.cgroups.RdmaLimits.lines(
                Map.of("b", new LinuxResources.Rdma(null, 5L), "a", new LinuxResources.Rdma(1L, 2L))));
        assertThrows(CgroupException.class, () -> dev.vessel.runtime.cgroups.RdmaLimits.lines(
                Map.of("../x", new LinuxResources.Rdma(1L, 1L))));
    }

    @Test
    void networkClassesAreRefusedOnV2() {
        files(Map.of());
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, null, new LinuxResources.Network(42L, null), null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.network (net_cls classID, net_prio priorities) has no cgroup v2"),
                e.getMessage());
    }

    @Test
    void unifiedIsWrittenVerbatimAndLast() {
        files(Map.of("memory.max", "max", "memory.high", "max", "cgroup.controllers", "memory pids"));
        Map<String, String> unified = new LinkedHashMap<>();
        unified.put("memory.high", "50000000");
        unified.put("memory.max", "60000000");
        m.set(new LinuxResources(null, new LinuxResources.Memory(70000000L, null, null, null, null, null, null, null, null),
                null, null, null, null, null, null, unified));
        assertEquals(Map.of("memory.high", "50000000", "memory.max", "60000000"), read("memory.high", "memory.max"));
    }

    @Test
    void unifiedKeysAreChecked() {
        files(Map.of("cgroup.controllers", "memory pids"));
        for (String bad : List.of("../../etc/passwd", "memory/high", "noperiod", "cgroup.procs", "memory..x")) {
            CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                    null, null, null, null, Map.of(bad, "1"))), bad);
            assertTrue(e.getMessage().startsWith("linux.resources.unified key \"" + bad + "\""), e.getMessage());
        }
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, null, null, null, Map.of("io.max", "8:0 rbps=1"))));
        assertEquals("linux.resources.unified key \"io.max\": this cgroup has no such file; the io controller is not "
                + "enabled for it (available: memory pids)", e.getMessage());
    }

    @Test
    void missingControllerFileSaysWhichControllerIsNotEnabled() {
        files(Map.of());
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null,
                new LinuxResources.Pids(5L), null, null, null, null, null)));
        assertTrue(e.getMessage().endsWith("(the pids controller is not enabled for " + leaf
                + "; its parent's cgroup.subtree_control lacks it)"), e.getMessage());
    }

    @Test
    void devicesGoToTheGateWithTheDefaults() {
        files(Map.of());
        m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm"),
                new LinuxResources.DeviceRule(true, "c", 4L, 64L, "rw")), null, null, null, null, null, null, null, null));
        assertEquals(1, installed.size());
        List<DevicePermission> rules = installed.get(0);
        assertEquals("c 4:64 rw", rules.get(2).v1Line());
        assertEquals(DevicePermission.DEFAULT_ALLOWED, rules.subList(3, rules.size()));
        m.set(memory(null, null, null));
        assertEquals(1, installed.size(), "no devices field: devices left alone");
    }

    @Test
    void freezeWritesCgroupFreezeAndReadsEvents() {
        files(Map.of("cgroup.freeze", "0", "cgroup.events", "populated 1\nfrozen 1\n"));
        m.freeze();
        assertEquals("1", file("cgroup.freeze"));
        assertEquals(FreezerState.FROZEN, m.state());
        files(Map.of("cgroup.events", "populated 1\nfrozen 0\n"));
        m.thaw();
        assertEquals("0", file("cgroup.freeze"));
        assertEquals(FreezerState.THAWED, m.state());
    }

    @Test
    void statsInRuncUnits() {
        files(Map.of(
                "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 3\nthrottled_usec 70\n",
                "memory.current", "4096000", "memory.max", "max", "memory.peak", "5000000",
                "memory.stat", "anon 1000\nfile 2000\nkernel 300\nsock 0\n",
                "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n",
                "memory.swap.current", "100", "memory.swap.max", "max"));
        files(Map.of("pids.current", "3", "pids.max", "100",
                "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n",
                "hugetlb.2MB.current", "2097152"));
        fake.dir("sys/fs/cgroup/ctr/one", Map.of("hugetlb.2MB.events", "max 2\n", "hugetlb.2MB.max", "max"));
        CgroupStats s = m.stats();
        assertEquals(new CgroupStats.CpuUsage(1_500_000, List.of(), List.of(), List.of(), 500_000, 1_000_000), s.cpu().usage());
        assertEquals(new CgroupStats.Throttling(10, 3, 70_000), s.cpu().throttling());
        assertEquals(new CgroupStats.MemoryEntry(CgroupStats.UNLIMITED, 4096000, 5000000, 4), s.memory().usage());
        assertEquals(new CgroupStats.MemoryEntry(CgroupStats.UNLIMITED, 4096100, 0, 0), s.memory().swap());
        assertEquals(2000, s.memory().cache());
        assertEquals(1, s.memory().oomKill());
        assertEquals(1, m.oomKillCount());
        assertEquals(new CgroupStats.Pids(3, 100), s.pids());
        assertEquals(List.of(new CgroupStats.BlkioEntry(8, 0, "Read", 4096), new CgroupStats.BlkioEntry(8, 0, "Write", 8192)),
                s.blkio().ioServiceBytesRecursive());
        assertEquals(List.of(new CgroupStats.BlkioEntry(8, 0, "Read", 1), new CgroupStats.BlkioEntry(8, 0, "Write", 2)),
                s.blkio().ioServicedRecursive());
        assertEquals(Map.of("2MB", new CgroupStats.Hugetlb(2097152, 0, 2)), s.hugetlb());
    }

    @Test
    void pidsAndDestroyCoverNestedCgroups() {
        files(Map.of("cgroup.procs", "10\n11\n"));
        fake.dir("sys/fs/cgroup/ctr/one/inner", Map.of("cgroup.procs", "12\n"));
        assertEquals(List.of(10, 11, 12), m.pids().stream().sorted().toList());
        Path empty = tmp.resolve("sys/fs/cgroup/ctr/two/inner");
        fake.dir("sys/fs/cgroup/ctr/two/inner", Map.of());
        CgroupManager two = assertDoesNotThrowCreate("/ctr/two");
        two.destroy();
        assertFalse(Files.exists(empty.getParent()));
        two.destroy();
    }

    private CgroupManager assertDoesNotThrowCreate(String path) {
        try {
            return manager(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Map<String, String> read(String... names) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String n : names) {
            out.put(n, file(n));
        }
        return out;
    }
}
