package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.Poll;
import dev.vessel.runtime.spec.LinuxResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The v1 backend on the real kernel: needs root and a host whose controllers are on cgroup v1
 * (v1 or hybrid, like the development machine). Each test makes its own cgroup under
 * {@code /vessel-it/<random>} and removes it, and the processes it started, afterwards.
 */
@Tag("root")
class CgroupV1IT {
    private CgroupManager m;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void requireRootAndV1() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create cgroups");
        CgroupLayout layout = CgroupLayout.parse(Files.readString(Path.of("/proc/self/mountinfo")),
                Files.readString(Path.of("/proc/self/cgroup")), Path.of("/"));
        Assumptions.assumeTrue(layout.mode() != CgroupLayout.Mode.V2, "host runs cgroup v2 only");
        m = CgroupManagers.create("/vessel-it/" + UUID.randomUUID().toString().substring(0, 8), "it");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (m == null) {
            return;
        }
        try {
            m.thaw(); // a frozen task cannot die
        } catch (CgroupException e) {
            // never applied
        }
        for (int pid : pidsOrNone()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Process p : started) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 50 && !pidsOrNone().isEmpty(); i++) {
            Thread.sleep(20);
        }
        m.destroy();
    }

    private List<Integer> pidsOrNone() {
        try {
            return m.pids();
        } catch (CgroupException e) {
            return List.of();
        }
    }

    /** Starts {@code sh -c script} held at a {@code read} until {@link #go}, so it runs inside the cgroup. */
    private Process spawn(String script) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", "read go; " + script).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static void go(Process p) throws IOException {
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
    }

    private static String output(Process p) throws Exception {
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "child did not finish");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String file(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name)).trim();
    }

    @Test
    void applyPutsTheProcessInEveryHierarchyAndDestroyRemovesThemAll() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        String self = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
        for (Map.Entry<String, Path> e : m.paths().entrySet()) {
            assertTrue(Files.isDirectory(e.getValue()), e.getKey());
            assertTrue(file(e.getValue(), "cgroup.procs").contains(Long.toString(p.pid())), e.getKey());
        }
        assertTrue(self.contains("memory:" + m.path()), self);
        assertTrue(self.contains("0::" + m.path()), "hybrid: the unified tree is joined too: " + self);
        assertEquals(List.of((int) p.pid()), m.pids());

        p.destroyForcibly().waitFor();
        m.destroy();
        for (Map.Entry<String, Path> e : m.paths().entrySet()) {
            assertFalse(Files.exists(e.getValue()), e.getKey());
            assertFalse(Files.exists(e.getValue().getParent()), "the /vessel-it parent made by apply: " + e.getKey());
        }
    }

    /** Every v1 file a typical spec sets, accepted by the kernel in the format we write and read back. */
    @Test
    void theKernelAcceptsEveryValueAndReadsItBack() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        String rootDev = rootDevice();
        String[] mm = rootDev.split(":");
        LinuxResources.ThrottleDevice throttle = new LinuxResources.ThrottleDevice(Long.parseLong(mm[0]), Long.parseLong(mm[1]), 1048576);
        m.set(new LinuxResources(null,
                new LinuxResources.Memory(256L << 20, 128L << 20, 512L << 20, null, 64L << 20, 10L, true, null, null),
                new LinuxResources.Cpu(512L, 20000L, 1000L, 100000L, null, null, "0", "0", null),
                new LinuxResources.Pids(100L),
                new LinuxResources.BlockIO(null, null, null, List.of(throttle), null, null, List.of(throttle)),
                null, null, null, null));
        Map<String, Path> d = m.paths();
        assertEquals("512", file(d.get("cpu"), "cpu.shares"));
        assertEquals("20000", file(d.get("cpu"), "cpu.cfs_quota_us"));
        assertEquals("100000", file(d.get("cpu"), "cpu.cfs_period_us"));
        if (Files.exists(d.get("cpu").resolve("cpu.cfs_burst_us"))) {
            assertEquals("1000", file(d.get("cpu"), "cpu.cfs_burst_us"));
        }
        assertEquals("0", file(d.get("cpuset"), "cpuset.cpus"));
        assertEquals("0", file(d.get("cpuset"), "cpuset.mems"));
        assertEquals(Long.toString(256L << 20), file(d.get("memory"), "memory.limit_in_bytes"));
        assertEquals(Long.toString(128L << 20), file(d.get("memory"), "memory.soft_limit_in_bytes"));
        assertEquals(Long.toString(512L << 20), file(d.get("memory"), "memory.memsw.limit_in_bytes"));
        assertEquals(Long.toString(64L << 20), file(d.get("memory"), "memory.kmem.tcp.limit_in_bytes"));
        assertEquals("10", file(d.get("memory"), "memory.swappiness"));
        assertTrue(file(d.get("memory"), "memory.oom_control").contains("oom_kill_disable 1"));
        assertEquals("100", file(d.get("pids"), "pids.max"));
        Path blkio = d.get("blkio");
        assertEquals(rootDev + " 1048576", file(blkio, "blkio.throttle.read_bps_device"));
        assertEquals(rootDev + " 1048576", file(blkio, "blkio.throttle.write_iops_device"));
    }

    /**
     * blockIO.weight needs a proportional I/O scheduler (CFQ's blkio.weight or BFQ's
     * blkio.bfq.weight); kernels built without both have neither file. One of the two tests
     * below runs, the other is reported as skipped with what the host has.
     */
    @Test
    void blkioWeightIsWrittenWhereTheKernelHasAProportionalScheduler() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        Path blkio = m.paths().get("blkio");
        String weightFile = Files.exists(blkio.resolve("blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight";
        Assumptions.assumeTrue(Files.exists(blkio.resolve(weightFile)),
                "this kernel has neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ); the refusal is checked instead");
        m.set(blockIoWeight(200));
        assertTrue(file(blkio, weightFile).matches("(default )?200"), file(blkio, weightFile));
    }

    @Test
    void blkioWeightIsRefusedByNameWhereTheKernelHasNoProportionalScheduler() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        Path blkio = m.paths().get("blkio");
        Assumptions.assumeFalse(Files.exists(blkio.resolve("blkio.weight")) || Files.exists(blkio.resolve("blkio.bfq.weight")),
                "this kernel has a proportional I/O scheduler (CFQ or BFQ); writing the weight is checked instead");
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(blockIoWeight(200)));
        assertEquals("cgroup v1 blkio: linux.resources.blockIO.weight needs blkio.bfq.weight, which this kernel lacks "
                + "(no CFQ or BFQ I/O scheduler): remove it", e.getMessage());
    }

    private static LinuxResources blockIoWeight(int weight) {
        return new LinuxResources(null, null, null, null,
                new LinuxResources.BlockIO(weight, null, null, null, null, null, null), null, null, null, null);
    }

    @Test
    void realtimeWithoutAParentBudgetNamesTheParent() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        Assumptions.assumeTrue(Files.exists(m.paths().get("cpu").resolve("cpu.rt_runtime_us")), "no RT group scheduling");
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(new LinuxResources(null, null,
                new LinuxResources.Cpu(null, null, null, null, 10000L, 1000000L, null, null, null), null, null, null,
                null, null, null)));
        assertTrue(e.getMessage().startsWith("cgroup v1 cpu: writing 10000 to cpu.rt_runtime_us: Invalid argument (EINVAL) "
                + "(linux.resources.cpu.realtimeRuntime must fit in the parent cgroup's cpu.rt_runtime_us, 0 at "),
                e.getMessage());
    }

    /** major:minor of the block device holding /, from mountinfo (a partition or whole disk). */
    private static String rootDevice() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f[4].equals("/")) {
                Assumptions.assumeFalse(f[2].startsWith("0:"), "/ is not on a block device");
                return f[2];
            }
        }
        throw new AssertionError("no / in mountinfo");
    }

    @Test
    void destroyKillsNothingAndSaysWhyItCannotRemoveABusyCgroup() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        long start = System.nanoTime();
        CgroupException e = assertThrows(CgroupException.class, () -> m.destroy());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().endsWith("Device or resource busy (EBUSY) (processes are still in it: stop them first)"),
                e.getMessage());
        assertTrue(ms >= 500 && ms < 5000, "retried with backoff for about a second, took " + ms + " ms");
        assertTrue(p.isAlive(), "destroy kills nothing");
    }

    @Test
    void memoryLimitsReadBackAndRaiseAndLowerWithSwapInTheKernelsOrder() throws Exception {
        Process p = spawn("sleep 60");
        m.apply((int) p.pid());
        Path mem = m.paths().get("memory");
        m.set(memory(64L << 20, 128L << 20));
        assertEquals(Long.toString(64L << 20), file(mem, "memory.limit_in_bytes"));
        assertEquals(Long.toString(128L << 20), file(mem, "memory.memsw.limit_in_bytes"));
        m.set(memory(256L << 20, 512L << 20)); // raising: memsw must go first
        assertEquals(Long.toString(256L << 20), file(mem, "memory.limit_in_bytes"));
        assertEquals(Long.toString(512L << 20), file(mem, "memory.memsw.limit_in_bytes"));
        m.set(memory(32L << 20, 48L << 20)); // lowering: the limit must go first
        assertEquals(Long.toString(32L << 20), file(mem, "memory.limit_in_bytes"));
        assertEquals(Long.toString(48L << 20), file(mem, "memory.memsw.limit_in_bytes"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(memory(64L << 20, 48L << 20)));
        assertTrue(e.getMessage().startsWith("cgroup v1 memory: writing 67108864 to memory.limit_in_bytes: Invalid argument (EINVAL)"),
                e.getMessage());
    }

    @Test
    void aLimitBelowUsageIsRefusedWithTheUsage() throws Exception {
        Process p = spawn("x=$(head -c 20000000 /dev/zero | tr '\\0' a); echo ready; sleep 60");
        m.apply((int) p.pid());
        go(p);
        assertEquals("ready", new String(p.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
        CgroupException e = assertThrows(CgroupException.class, () -> m.set(memory(4L << 20, null)));
        assertTrue(e.getMessage().startsWith("cgroup v1 memory: writing 4194304 to memory.limit_in_bytes: "
                + "Device or resource busy (EBUSY) (the container uses more than that: "), e.getMessage());
        assertEquals("EBUSY", e.errno());
    }

    @Test
    void oomKillsAreCounted() throws Exception {
        Process p = spawn("x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived");
        m.apply((int) p.pid());
        m.set(memory(16L << 20, null));
        assertEquals(0, m.oomKillCount());
        go(p);
        String out = output(p);
        assertFalse(out.contains("survived"), out);
        assertTrue(m.oomKillCount() >= 1, "oom kills: " + m.oomKillCount());
        assertTrue(m.stats().memory().oomKill() >= 1);
    }

    @Test
    void pidsLimitStopsForking() throws Exception {
        Process p = spawn("for i in $(seq 50); do sleep 5 & done; echo spawned; wait");
        m.apply((int) p.pid());
        m.set(new LinuxResources(null, null, null, new LinuxResources.Pids(5L), null, null, null, null, null));
        assertEquals("5", file(m.paths().get("pids"), "pids.max"));
        go(p);
        assertTrue(Poll.until(() -> Long.parseLong(file(m.paths().get("pids"), "pids.events").replace("max ", "")) > 0),
                "the kernel counted refused forks");
        List<Integer> pids = m.pids();
        assertTrue(pids.size() <= 5 && pids.size() >= 2, "pids in the cgroup: " + pids);
        CgroupStats.Pids stats = m.stats().pids();
        assertEquals(5, stats.limit());
        assertEquals(pids.size(), stats.current());
    }

    @Test
    void cpuQuotaThrottlesABusyLoop() throws Exception {
        Process p = spawn("while :; do :; done");
        m.apply((int) p.pid());
        m.set(new LinuxResources(null, null, new LinuxResources.Cpu(null, 10_000L, null, 100_000L, null, null, null,
                null, null), null, null, null, null, null, null));
        long started = System.nanoTime();
        go(p);
        Thread.sleep(1500);
        assertTrue(Poll.until(() -> m.stats().cpu().throttling().throttledPeriods() > 0),
                "throttled periods: " + m.stats().cpu().throttling());
        CgroupStats.Cpu cpu = m.stats().cpu();
        long elapsed = System.nanoTime() - started;
        assertTrue(cpu.throttling().periods() >= cpu.throttling().throttledPeriods());
        // 10% of one CPU is a tenth of the time that passed; a free run would use all of it.
        assertTrue(cpu.usage().total() > 0 && cpu.usage().total() < elapsed * 4 / 10,
                "cpu ns: " + cpu.usage().total() + " in " + elapsed + " ns");
    }

    @Test
    void freezeStopsTheTasksAndThawResumesThem() throws Exception {
        Process p = spawn("while :; do :; done");
        m.apply((int) p.pid());
        go(p);
        assertTrue(Poll.until(() -> cpuTicks(p.pid()) > 0), "the loop runs");
        assertEquals(FreezerState.THAWED, m.state());
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.state());
        long before = cpuTicks(p.pid());
        Thread.sleep(500);
        assertEquals(before, cpuTicks(p.pid()), "a frozen task makes no progress");
        String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
        assertFalse(status.contains("State:\tR"), status.lines().filter(l -> l.startsWith("State")).findFirst().orElse(""));
        m.thaw();
        assertEquals(FreezerState.THAWED, m.state());
        assertTrue(Poll.until(() -> cpuTicks(p.pid()) > before), "thawed task runs again");
    }

    /** utime + stime of /proc/PID/stat, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void devicesAllowTheDefaultsAndDenyTheRestAndUpdatesWithoutAReset() throws Exception {
        Process p = spawn("head -c 1 /dev/zero >/dev/null && echo zero-ok; "
                + "(: < /dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied; "
                + "read again; (: < /dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied");
        m.apply((int) p.pid());
        m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, null, null, null, null));
        Path dev = m.paths().get("devices");
        assertTrue(file(dev, "devices.list").contains("c 1:5 rwm"));
        go(p);
        assertEquals("zero-ok\nkmsg-denied\n", new String(p.getInputStream().readNBytes(20), StandardCharsets.UTF_8));
        // A nested cgroup makes the kernel refuse an "a" reset (EINVAL): the update must be a diff.
        Files.createDirectory(dev.resolve("nested"));
        try {
            m.set(new LinuxResources(List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm"),
                    new LinuxResources.DeviceRule(true, "c", 1L, 11L, "r")), null, null, null, null, null, null, null, null));
        } finally {
            Files.delete(dev.resolve("nested"));
        }
        assertTrue(file(dev, "devices.list").contains("c 1:11 r"), file(dev, "devices.list"));
        assertTrue(file(dev, "devices.list").contains("c 1:3 rwm"));
        go(p);
        assertEquals("kmsg-ok\n", output(p));
    }

    @Test
    void statsAreSane() throws Exception {
        Process p = spawn("head -c 5000000 /dev/urandom | md5sum >/dev/null; echo done; sleep 60");
        m.apply((int) p.pid());
        m.set(memory(128L << 20, null));
        go(p);
        assertEquals("done", new String(p.getInputStream().readNBytes(4), StandardCharsets.UTF_8));
        CgroupStats s = m.stats();
        assertTrue(s.cpu().usage().total() > 1_000_000, "cpu ns " + s.cpu().usage().total());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.cpu().usage().percpu().size());
        assertTrue(s.cpu().usage().user() + s.cpu().usage().kernel() > 0);
        assertTrue(s.memory().usage().usage() > 0);
        assertTrue(s.memory().usage().max() >= s.memory().usage().usage());
        assertEquals(128L << 20, s.memory().usage().limit());
        assertTrue(s.memory().raw().containsKey("rss"), s.memory().raw().keySet().toString());
        assertTrue(s.pids().current() >= 1);
        assertTrue(s.blkio() != null);
    }

    private static LinuxResources memory(Long limit, Long swap) {
        return new LinuxResources(null, new LinuxResources.Memory(limit, null, swap, null, null, null, null, null, null),
                null, null, null, null, null, null, null);
    }
}
