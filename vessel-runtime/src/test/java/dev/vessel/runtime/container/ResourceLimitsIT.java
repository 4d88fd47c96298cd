package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.Poll;
import dev.vessel.runtime.cgroups.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each cgroup limit bites, measured by the kernel's own counters, not by timing. */
class ResourceLimitsIT extends RootRuntimeTest {

    private static ObjectNode resources(ObjectNode config) {
        ObjectNode linux = (ObjectNode) config.get("linux");
        return linux.has("resources") ? (ObjectNode) linux.get("resources") : linux.putObject("resources");
    }

    @Test
    void memoryLimitKills() throws Exception {
        // A shell variable of 64 MiB in a 16 MiB cgroup: the OOM killer ends the shell.
        ObjectNode c = Bundles.create(bundle, "x=$(head -c 67108864 /dev/zero | tr '\\000' a); echo survived > /out/r");
        resources(c).putObject("memory").put("limit", 16L << 20).put("swap", 16L << 20);
        Bundles.write(bundle, c);
        int code = rt.run(opts("mem"), false, true);
        assertEquals(137, code, "killed by SIGKILL from the OOM killer");
        assertTrue(rt.oomKills("mem") > 0, "the cgroup counted the OOM kill");
        assertTrue(Files.notExists(bundle.resolve("out/r")));
    }

    @Test
    void pidsLimitStopsForks() throws Exception {
        // The forking shell is a child: a shell that cannot fork gives up. Counting uses a glob, no fork.
        ObjectNode c = Bundles.create(bundle, "sh -c 'for i in $(seq 50); do sleep 30 & done' 2>/dev/null;"
                + " set -- /proc/[0-9]*; echo $# > /out/procs");
        resources(c).putObject("pids").put("limit", 10);
        Bundles.write(bundle, c);
        rt.run(opts("pids"), false, false);
        int procs = Integer.parseInt(Bundles.out(bundle, "procs"));
        assertTrue(procs <= 10, "at most pids.max tasks, saw " + procs);
    }

    @Test
    void cpuQuotaThrottles() throws Exception {
        ObjectNode c = Bundles.create(bundle, "end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done");
        resources(c).putObject("cpu").put("quota", 10000).put("period", 100000);
        Bundles.write(bundle, c);
        rt.run(opts("cpu"), false, true);
        CgroupStats s = rt.stats("cpu");
        assertTrue(s.cpu().throttling().throttledPeriods() > 0, "the busy loop was throttled: " + s.cpu());
    }

    @Test
    void freezerStopsProgress() throws Exception {
        // Appends, not rewrites: a truncate on a disk mounted with "discard" can block on its own.
        Bundles.create(bundle, "while true; do echo x >> /out/n; done");
        rt.create(opts("frz"));
        rt.start("frz");
        Path n = bundle.resolve("out/n");
        assertTrue(Poll.until(() -> Files.exists(n) && Files.size(n) > 0), "it ran before the pause");
        rt.pause("frz");
        long frozen = Files.size(n);
        Thread.sleep(500);
        assertEquals(frozen, Files.size(n), "no progress while frozen");
        rt.resume("frz");
        assertTrue(Poll.until(() -> Files.size(n) > frozen), "progress after resume");
    }
}
