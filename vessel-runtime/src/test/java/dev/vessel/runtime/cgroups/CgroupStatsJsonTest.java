package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of CgroupStats uses runc's field names ({@code types/events.go}) and prints "max" as Go's MaxUint64. */
class CgroupStatsJsonTest {

    @Test
    void runcFieldNamesAndUnsignedUnlimited() throws Exception {
        CgroupStats s = new CgroupStats(
                new CgroupStats.Cpu(new CgroupStats.CpuUsage(300, List.of(100L, 200L), List.of(10L, 20L), List.of(90L, 180L), 30, 270),
                        new CgroupStats.Throttling(10, 2, 5000)),
                new CgroupStats.Memory(7, new CgroupStats.MemoryEntry(CgroupStats.UNLIMITED, 4096, 8192, 1),
                        new CgroupStats.MemoryEntry(0, 0, 0, 0), new CgroupStats.MemoryEntry(0, 0, 0, 0),
                        new CgroupStats.MemoryEntry(0, 0, 0, 0), Map.of("rss", 4096L), 1),
                new CgroupStats.Pids(3, 0),
                new CgroupStats.Blkio(List.of(new CgroupStats.BlkioEntry(8, 0, "Read", 512)), List.of()),
                Map.of("2MB", new CgroupStats.Hugetlb(0, 0, 0)));
        JsonNode j = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(s));
        assertEquals(300, j.at("/cpu/usage/total").asLong());
        assertEquals(200, j.at("/cpu/usage/percpu/1").asLong());
        assertEquals(20, j.at("/cpu/usage/percpu_kernel/1").asLong());
        assertEquals(180, j.at("/cpu/usage/percpu_user/1").asLong());
        assertEquals(270, j.at("/cpu/usage/user").asLong());
        assertEquals(2, j.at("/cpu/throttling/throttledPeriods").asLong());
        assertEquals(5000, j.at("/cpu/throttling/throttledTime").asLong());
        assertEquals("18446744073709551615", j.at("/memory/usage/limit").bigIntegerValue().toString());
        assertEquals(8192, j.at("/memory/usage/max").asLong());
        assertEquals(1, j.at("/memory/usage/failcnt").asLong());
        assertEquals(4096, j.at("/memory/raw/rss").asLong());
        assertEquals(0, j.at("/memory/kernelTCP/usage").asLong());
        assertEquals(3, j.at("/pids/current").asLong());
        assertEquals("Read", j.at("/blkio/ioServiceBytesRecursive/0/op").asText());
        assertEquals(0, j.at("/hugetlb/2MB/failcnt").asLong());
    }
}
