package dev.vessel.runtime.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.cgroups.CgroupManagers;
import dev.vessel.runtime.cgroups.FakeRoot;
import dev.vessel.runtime.cgroups.SampleHosts;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v1 backend against a fake cgroupfs (plain files under a temp dir; see {@link FakeRoot}):
 * which file gets which value. The kernel's side (ordering rules, refusals) is in CgroupV1IT.
 */
class V1ManagerTest {
    @TempDir
    Path tmp;

    FakeRoot fake;
    CgroupManager m;

    @BeforeEach
    void hybridHost() {
        fake = new FakeRoot(tmp, SampleHosts.HYBRID_MOUNTINFO, SampleHosts.HYBRID_SELF);
        m = CgroupManagers.create("/ctr/one", "one", tmp);
    }

    private Path leaf(String controller, Map<String, String> files) {
        return fake.dir("sys/fs/cgroup/" + controller + "/ctr/one", files);
    }

    private static LinuxResources resources(LinuxResources.Memory mem, LinuxResources.Cpu cpu, LinuxResources.Pids pids) {
        return new LinuxResources(null, mem, cpu, pids, null, null, null, null, null);
    }

    @Test
    void hybridHostGetsTheV1BackendWithEveryHierarchyAndTheUnifiedTree() {
        assertInstanceOf(V1Manager.class, m);
        assertEquals("/ctr/one", m.path());
        Map<String, Path> p = m.paths();
        for (String c : List.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids")) {
            assertEquals(tmp.resolve("sys/fs/cgroup/" + c + "/ctr/one"), p.get(c), c);
        }
        assertEquals(tmp.resolve("sys/fs/cgroup/systemd/ctr/one"), p.get("name=systemd"));
        assertEquals(tmp.resolve("sys/fs/cgroup/unified/ctr/one"), p.get(""));
    }

    @Test
    void relativePathFollowsOurOwnCgroupPerHierarchy() {
        CgroupManager rel = CgroupManagers.create("ctr", "one", tmp);
        assertEquals(tmp.resolve("sys/fs/cgroup/memory/process_api/5f0e092d47a0187ed7ca766681fea203/ctr"),
                rel.paths().get("memory"));
        assertEquals(tmp.resolve("sys/fs/cgroup/cpu/ctr"), rel.paths().get("cpu"));
    }

    @Test
    void reopenFromSavedPathsWhateverOurOwnCgroupNowIs() throws Exception {
        CgroupManager rel = CgroupManagers.create("ctr", "one", tmp);
        Map<String, Path> saved = rel.paths();
        // A later command runs in another memory cgroup: resolving "ctr" again would miss.
        Files.writeString(tmp.resolve("proc/self/cgroup"), SampleHosts.HYBRID_SELF.replace("/process_api/", "/other/"));
        assertEquals(false, CgroupManagers.create("ctr", "one", tmp).paths().equals(saved));
        CgroupManager again = CgroupManagers.reopen(saved, tmp);
        assertEquals(saved, again.paths());
        assertEquals("/process_api/5f0e092d47a0187ed7ca766681fea203/ctr", again.path());
        fake.dir("sys/fs/cgroup/pids/ctr", Map.of("pids.max", "max"));
        again.set(resources(null, null, new LinuxResources.Pids(9L)));
        assertEquals("9", fileOf(tmp.resolve("sys/fs/cgroup/pids/ctr"), "pids.max"));
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupManagers.reopen(Map.of("memory", Path.of("/elsewhere/x")), tmp));
        assertTrue(e.getMessage().startsWith("saved cgroup path /elsewhere/x for \"memory\" is not in a hierarchy"),
                e.getMessage());
    }

    @Test
    void cpuFiles() {
        Path d = leaf("cpu", Map.of("cpu.shares", "1024", "cpu.cfs_quota_us", "-1", "cpu.cfs_period_us", "100000",
                "cpu.cfs_burst_us", "0", "cpu.rt_period_us", "1000000", "cpu.rt_runtime_us", "0", "cpu.idle", "0"));
        m.set(resources(null, new LinuxResources.Cpu(512L, 25000L, 5000L, 50000L, 1000L, 20000L, null, null, 1L), null));
        assertEquals(Map.of("cpu.shares", "512", "cpu.cfs_quota_us", "25000", "cpu.cfs_period_us", "50000",
                "cpu.cfs_burst_us", "5000", "cpu.rt_period_us", "20000", "cpu.rt_runtime_us", "1000", "cpu.idle", "1"),
                read(d, "cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.cfs_burst_us", "cpu.rt_period_us",
                        "cpu.rt_runtime_us", "cpu.idle"));
    }

    @Test
    void cpusetFiles() {
        Path d = leaf("cpuset", Map.of("cpuset.cpus", "", "cpuset.mems", ""));
        m.set(resources(null, new LinuxResources.Cpu(null, null, null, null, null, null, "0-1", "0", null), null));
        assertEquals("0-1", fileOf(d, "cpuset.cpus"));
        assertEquals("0", fileOf(d, "cpuset.mems"));
    }

    @Test
    void memoryFilesWithSwapAsTheMemoryPlusSwapTotal() {
        Path d = leaf("memory", Map.of("memory.limit_in_bytes", "9223372036854771712",
                "memory.memsw.limit_in_bytes", "9223372036854771712", "memory.soft_limit_in_bytes", "0",
                "memory.swappiness", "60", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"));
        m.set(resources(new LinuxResources.Memory(100L << 20, 50L << 20, 200L << 20, 1L << 20, null, 10L, true, null, null),
                null, null));
        assertEquals(Map.of("memory.limit_in_bytes", "104857600", "memory.memsw.limit_in_bytes", "209715200",
                "memory.soft_limit_in_bytes", "52428800", "memory.swappiness", "10", "memory.oom_control", "1"),
                read(d, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                        "memory.swappiness", "memory.oom_control"));
        // kernel (kmem) limit asked for: ignored as in runc (no effect since Linux 5.16), nothing created.
        assertFalse(Files.exists(d.resolve("memory.kmem.limit_in_bytes")));
    }

    @Test
    void kmemIsNeverWrittenButTcpBuffersAre() {
        Path d = leaf("memory", Map.of("memory.kmem.limit_in_bytes", "9223372036854771712",
                "memory.kmem.tcp.limit_in_bytes", "9223372036854771712"));
        m.set(resources(new LinuxResources.Memory(null, null, null, 1L << 20, 2L << 20, null, null, null, null), null, null));
        assertEquals("9223372036854771712", fileOf(d, "memory.kmem.limit_in_bytes"));
        assertEquals("2097152", fileOf(d, "memory.kmem.tcp.limit_in_bytes"));
    }

    @Test
    void unlimitedMemoryAlsoLiftsSwap() {
        Path d = leaf("memory", Map.of("memory.limit_in_bytes", "100", "memory.memsw.limit_in_bytes", "200"));
        m.set(resources(new LinuxResources.Memory(-1L, null, null, null, null, null, null, null, null), null, null));
        assertEquals("-1", fileOf(d, "memory.limit_in_bytes"));
        assertEquals("-1", fileOf(d, "memory.memsw.limit_in_bytes"));
    }

    @Test
    void swapWithoutSwapAccountingIsAnError() {
        leaf("memory", Map.of("memory.limit_in_bytes", "100"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(resources(
                new LinuxResources.Memory(100L, null, 200L, null, null, null, null, null, null), null, null)));
        assertTrue(e.getMessage().contains("swapaccount=1"), e.getMessage());
    }

    @Test
    void badSwappinessNamesTheField() {
        leaf("memory", Map.of("memory.swappiness", "60"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(resources(
                new LinuxResources.Memory(null, null, null, null, null, 101L, null, null, null), null, null)));
        assertEquals("linux.resources.memory.swappiness 101 is out of range: use 0-100", e.getMessage());
    }

    @Test
    void pidsMax() {
        Path d = leaf("pids", Map.of("pids.max", "max"));
        m.set(resources(null, null, new LinuxResources.Pids(5L)));
        assertEquals("5", fileOf(d, "pids.max"));
        m.set(resources(null, null, new LinuxResources.Pids(0L)));
        assertEquals("max", fileOf(d, "pids.max"));
        m.set(resources(null, null, new LinuxResources.Pids(7L)));
        m.set(resources(null, null, new LinuxResources.Pids(-1L)));
        assertEquals("max", fileOf(d, "pids.max"));
    }

    @Test
    void missingFileErrorNamesControllerFileValueAndErrno() {
        leaf("pids", Map.of());
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(resources(null, null, new LinuxResources.Pids(5L))));
        assertEquals("cgroup v1 pids: writing 5 to pids.max: No such file or directory (ENOENT) "
                + "(this kernel's cgroup has no pids.max; is the controller enabled?)", e.getMessage());
        assertEquals("ENOENT", e.errno());
    }

    @Test
    void blkioUsesBfqWhenCfqIsAbsentAndThrottlesPerDevice() {
        Path d = leaf("blkio", Map.of("blkio.bfq.weight", "100", "blkio.bfq.weight_device", "",
                "blkio.throttle.read_bps_device", "", "blkio.throttle.write_iops_device", ""));
        m.set(new LinuxResources(null, null, null, null, new LinuxResources.BlockIO(300, null,
                List.of(new LinuxResources.WeightDevice(8, 0, 200, null)),
                List.of(new LinuxResources.ThrottleDevice(8, 0, 1048576)), null, null,
                List.of(new LinuxResources.ThrottleDevice(253, 1, 100))), null, null, null, null));
        assertEquals(Map.of("blkio.bfq.weight", "300", "blkio.bfq.weight_device", "8:0 200",
                "blkio.throttle.read_bps_device", "8:0 1048576", "blkio.throttle.write_iops_device", "253:1 100"),
                read(d, "blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device",
                        "blkio.throttle.write_iops_device"));
    }

    @Test
    void blkioUsesCfqWeightWhenPresent() {
        Path d = leaf("blkio", Map.of("blkio.weight", "500", "blkio.bfq.weight", "100"));
        m.set(new LinuxResources(null, null, null, null, new LinuxResources.BlockIO(300, null, null, null, null, null, null),
                null, null, null, null));
        assertEquals("300", fileOf(d, "blkio.weight"));
        assertEquals("100", fileOf(d, "blkio.bfq.weight"));
    }

    @Test
    void devicesStartFromDenyAllAndEndWithTheDefaultAllowList() {
        Path d = leaf("devices", Map.of("devices.allow", "", "devices.deny", "", "devices.list", "a *:* rwm\n"));
        m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, null, null, null, null));
        assertEquals("a", fileOf(d, "devices.deny"));
        assertEquals("c 10:200 rwm", fileOf(d, "devices.allow")); // the last default: /dev/net/tun
    }

    @Test
    void hugetlbOnThisHostIsNotMountedAsV1() {
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, List.of(new LinuxResources.HugepageLimit("2MB", 1 << 21)), null, null, null)));
        assertTrue(e.getMessage().startsWith("cannot set hugetlb limits: the hugetlb controller is not mounted"),
                e.getMessage());
    }

    @Test
    void hugetlbAndNetClsOnALegacyHost() {
        FakeRoot legacy = new FakeRoot(tmp.resolve("legacy"), SampleHosts.V1_MOUNTINFO, SampleHosts.V1_SELF);
        CgroupManager lm = CgroupManagers.create("/c", "c", legacy.root);
        Path h = legacy.dir("sys/fs/cgroup/hugetlb/c", Map.of("hugetlb.2MB.limit_in_bytes", "0",
                "hugetlb.1GB.limit_in_bytes", "0", "hugetlb.2MB.rsvd.limit_in_bytes", "0"));
        Path n = legacy.dir("sys/fs/cgroup/net_cls,net_prio/c", Map.of("net_cls.classid", "0", "net_prio.ifpriomap", ""));
        lm.set(new LinuxResources(null, null, null, null, null, List.of(new LinuxResources.HugepageLimit("2MB", 4194304)),
                new LinuxResources.Network(0x100001L, List.of(new LinuxResources.InterfacePriority("eth0", 5))), null, null));
        assertEquals("4194304", fileOf(h, "hugetlb.2MB.limit_in_bytes"));
        assertEquals("4194304", fileOf(h, "hugetlb.2MB.rsvd.limit_in_bytes"));
        assertEquals("0", fileOf(h, "hugetlb.1GB.limit_in_bytes"));
        assertEquals("1048577", fileOf(n, "net_cls.classid"));
        assertEquals("eth0 5", fileOf(n, "net_prio.ifpriomap"));
        CgroupException e = assertThrows(CgroupException.class, () -> lm.set(new LinuxResources(null, null, null, null,
                null, List.of(new LinuxResources.HugepageLimit("4MB", 1)), null, null, null)));
        assertEquals("linux.resources.hugepageLimits[0].pageSize \"4MB\" is not a huge page size of this kernel: "
                + "use one of [1GB, 2MB]", e.getMessage());
    }

    @Test
    void rdmaOnThisHostIsNotMounted() {
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, null, null, Map.of("mlx5_0", new LinuxResources.Rdma(1L, 1L)), null)));
        assertTrue(e.getMessage().startsWith("cannot set rdma limits: the rdma controller is not mounted"), e.getMessage());
    }

    @Test
    void unifiedIsRefusedOnV1() {
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null, null, null,
                null, null, null, null, Map.of("memory.high", "1000000"))));
        assertTrue(e.getMessage().startsWith("linux.resources.unified needs cgroup v2"), e.getMessage());
    }

    @Test
    void applyJoinsEveryHierarchyAndInitialisesCpusetFromTheParent() {
        long pid = 4242;
        fake.processCgroup(pid, SampleHosts.HYBRID_SELF);
        for (String h : List.of("cpu", "cpuacct", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified")) {
            leaf(h, Map.of("cgroup.procs", ""));
        }
        fake.dir("sys/fs/cgroup/cpuset", Map.of("cpuset.cpus", "0-1", "cpuset.mems", "0"));
        fake.dir("sys/fs/cgroup/cpuset/ctr", Map.of("cpuset.cpus", "", "cpuset.mems", ""));
        leaf("cpuset", Map.of("cgroup.procs", "", "cpuset.cpus", "", "cpuset.mems", ""));
        m.apply((int) pid);
        for (String h : List.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified")) {
            assertEquals("4242", fake.read("sys/fs/cgroup/" + h + "/ctr/one/cgroup.procs"), h);
        }
        assertEquals("0-1", fake.read("sys/fs/cgroup/cpuset/ctr/cpuset.cpus"));
        assertEquals("0", fake.read("sys/fs/cgroup/cpuset/ctr/one/cpuset.mems"));
    }

    @Test
    void failedApplyMovesTheProcessBackAndRemovesWhatItMade() {
        long pid = 4243;
        fake.processCgroup(pid, SampleHosts.HYBRID_SELF);
        // The process's current cgroups, where it must go back to.
        for (String h : List.of("cpu", "cpuacct", "devices", "freezer", "blkio", "pids", "systemd", "unified")) {
            fake.dir("sys/fs/cgroup/" + h, Map.of("cgroup.procs", ""));
        }
        fake.dir("sys/fs/cgroup/memory/process_api/5f0e092d47a0187ed7ca766681fea203", Map.of("cgroup.procs", ""));
        // cpu already exists (a leftover), cpuacct does not: the fake mkdir makes an empty
        // directory without cgroup.procs, so joining it fails after cpu was joined.
        leaf("cpu", Map.of("cgroup.procs", ""));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply((int) pid));
        assertTrue(e.getMessage().contains("cpuset.cpus"), e.getMessage()); // cpuset is prepared before joining
        assertFalse(fake.exists("sys/fs/cgroup/cpuacct/ctr"), "made by apply, removed on failure");
        assertTrue(fake.exists("sys/fs/cgroup/cpu/ctr/one"), "not made by apply, left alone");

        // Now let cpuset work so the failure happens while joining, after cpu was joined.
        fake.dir("sys/fs/cgroup/cpuset", Map.of("cpuset.cpus", "0", "cpuset.mems", "0"));
        fake.dir("sys/fs/cgroup/cpuset/ctr/one", Map.of("cpuset.cpus", "0", "cpuset.mems", "0"));
        fake.dir("sys/fs/cgroup/cpuset/ctr", Map.of("cpuset.cpus", "0", "cpuset.mems", "0"));
        e = assertThrows(CgroupException.class, () -> m.apply((int) pid));
        assertTrue(e.getMessage().startsWith("cgroup v1 cpuacct: writing 4243 to cgroup.procs: No such file"), e.getMessage());
        assertEquals("4243", fake.read("sys/fs/cgroup/cpu/ctr/one/cgroup.procs"));
        assertEquals("4243", fake.read("sys/fs/cgroup/cpu/cgroup.procs"), "moved back to its old cgroup");
        for (String h : List.of("cpuacct", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified")) {
            assertFalse(fake.exists("sys/fs/cgroup/" + h + "/ctr"), h);
        }
    }

    @Test
    void applyToAMissingProcessSaysSo() {
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(999_999_999));
        assertEquals("ESRCH", e.errno());
        assertFalse(fake.exists("sys/fs/cgroup/cpu/ctr"));
    }

    @Test
    void pidsComeFromTheFreezerTreeAndAMissingCgroupHasNone() {
        assertEquals(List.of(), m.pids());
        leaf("freezer", Map.of("cgroup.procs", "5\n6\n"));
        fake.dir("sys/fs/cgroup/freezer/ctr/one/sub", Map.of("cgroup.procs", "7\n"));
        leaf("pids", Map.of("cgroup.procs", "99\n"));
        assertEquals(List.of(5, 6, 7), m.pids().stream().sorted().toList());
    }

    @Test
    void destroyRemovesNestedCgroupsAndToleratesMissingOnes() {
        fake.dir("sys/fs/cgroup/memory/ctr/one/inner/deeper", Map.of());
        fake.dir("sys/fs/cgroup/pids/ctr/one", Map.of());
        m.destroy();
        assertFalse(fake.exists("sys/fs/cgroup/memory/ctr/one"));
        assertFalse(fake.exists("sys/fs/cgroup/pids/ctr/one"));
        assertTrue(fake.exists("sys/fs/cgroup/memory/ctr"), "a parent this manager did not make stays");
        m.destroy(); // again: everything is gone already, which is fine
    }

    private static Map<String, String> read(Path dir, String... files) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>();
        for (String f : files) {
            out.put(f, fileOf(dir, f));
        }
        return out;
    }

    static String fileOf(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
