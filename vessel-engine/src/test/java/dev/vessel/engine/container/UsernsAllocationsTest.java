package dev.vessel.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsernsAllocationsTest {

    @TempDir
    Path dir;

    private UsernsAllocations allocations() {
        return new UsernsAllocations(dir.resolve("containers"), dir.resolve("userns.lock"), dir.resolve("subuid"), dir.resolve("subgid"));
    }

    private Path bundle(String id) throws Exception {
        return Files.createDirectories(dir.resolve("containers").resolve(id));
    }

    private static ContainerIdMaps same(long start, long size) {
        return new ContainerIdMaps(List.of(new Linux.IdMapping(0, start, size)), List.of(new Linux.IdMapping(0, start, size)));
    }

    @Test
    void hostNeedsNoRecord() throws Exception {
        Path b = bundle("h");
        assertEquals(ContainerIdMaps.HOST, allocations().assign(new UsernsMode.Host(), b));
        assertEquals(List.of(), Files.list(b).toList());
    }

    @Test
    void defaultPoolGivesConsecutiveRangesRecordedInTheBundleAndFreedWithIt() throws Exception {
        UsernsAllocations a = allocations();
        assertEquals(same(100000, 65536), a.assign(new UsernsMode.Auto(65536), bundle("one")));
        assertEquals(same(165536, 1000), a.assign(new UsernsMode.Auto(1000), bundle("two")));
        assertEquals(same(166536, 65536), a.assign(new UsernsMode.Auto(65536), bundle("three")));
        assertEquals("uid 0 165536 1000\ngid 0 165536 1000\n", Files.readString(dir.resolve("containers/two/userns")));
        assertEquals(same(165536, 1000), UsernsAllocations.read(dir.resolve("containers/two")));
        Files.delete(dir.resolve("containers/one/userns"));
        Files.delete(dir.resolve("containers/one"));
        assertEquals(same(100000, 65536), a.assign(new UsernsMode.Auto(65536), bundle("four")), "a removed container's range is free again");
    }

    @Test
    void defaultPoolAvoidsRangesOfRootlessUsersAndGivenMaps() throws Exception {
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\n");
        Files.writeString(dir.resolve("subgid"), "bob:165536:100\n");
        UsernsAllocations a = allocations();
        var given = new ContainerIdMaps(List.of(new Linux.IdMapping(0, 165636, 10)), List.of(new Linux.IdMapping(0, 1, 1)));
        assertEquals(given, a.assign(new UsernsMode.Given(given), bundle("given")));
        assertEquals(same(165646, 65536), a.assign(new UsernsMode.Auto(65536), bundle("auto")));
    }

    @Test
    void theContainersUsersRangesAreThePoolWhenPresent() throws Exception {
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\ncontainers:200000:1500\n");
        Files.writeString(dir.resolve("subgid"), "containers:300000:1500\n");
        UsernsAllocations a = allocations();
        var first = a.assign(new UsernsMode.Auto(1000), bundle("one"));
        assertEquals(new ContainerIdMaps(List.of(new Linux.IdMapping(0, 200000, 1000)), List.of(new Linux.IdMapping(0, 300000, 1000))),
                first);
        String e = assertThrows(RuntimeError.class, () -> a.assign(new UsernsMode.Auto(1000), bundle("two"))).getMessage();
        assertEquals("--userns auto:size=1000: no free range of 1000 uids left in the ranges of \"containers\" in "
                + dir.resolve("subuid") + " and " + dir.resolve("subgid") + "; remove containers (vessel rm) or ask for a smaller size", e);
        assertEquals(List.of(), Files.list(dir.resolve("containers/two")).toList(), "a refused allocation records nothing");
    }

    @Test
    void aContainersRangeForOnlyUidsIsAnError() throws Exception {
        Files.writeString(dir.resolve("subuid"), "containers:200000:65536\n");
        String e = assertThrows(RuntimeError.class, () -> allocations().assign(new UsernsMode.Auto(10), bundle("x"))).getMessage();
        assertEquals("--userns auto: " + dir.resolve("subgid") + " gives no range to the user \"containers\" while "
                + dir.resolve("subuid") + " does; add one (e.g. containers:2147483648:2147483648)", e);
    }

    @Test
    void parallelAllocationsNeverShareARange() throws Exception {
        int n = 16;
        List<Future<ContainerIdMaps>> jobs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                Path b = bundle("c" + i);
                jobs.add(pool.submit(() -> allocations().assign(new UsernsMode.Auto(100), b)));
            }
        }
        Set<Long> starts = new HashSet<>();
        for (Future<ContainerIdMaps> j : jobs) {
            starts.add(j.get().uids().getFirst().hostID());
        }
        assertEquals(n, starts.size());
        assertEquals(100000 + (n - 1) * 100L, starts.stream().mapToLong(Long::longValue).max().orElseThrow(), "packed from the pool's start");
    }
}
