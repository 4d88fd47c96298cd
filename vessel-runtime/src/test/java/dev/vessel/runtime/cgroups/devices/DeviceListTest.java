package dev.vessel.runtime.cgroups.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.spec.LinuxResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceListTest {
    private static final LinuxResources.DeviceRule DENY_ALL = new LinuxResources.DeviceRule(false, null, null, null, "rwm");

    private static List<String> writes(DeviceList target, DeviceList current) {
        return target.writesFrom(current).stream().map(w -> w[0] + " " + w[1]).toList();
    }

    @Test
    void defaultRulesGiveTheDefaultExceptions() {
        DeviceList l = DeviceList.of(DevicePermission.effective(List.of(DENY_ALL)));
        assertEquals(List.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm",
                "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm"), l.lines());
    }

    @Test
    void aFreshCgroupIsResetThenGranted() {
        DeviceList target = DeviceList.of(DevicePermission.effective(List.of(DENY_ALL)));
        assertNull(DeviceList.parse("a *:* rwm\n"), "allow-all hides its exceptions: unknown");
        List<String> w = writes(target, null);
        assertEquals("devices.deny a", w.get(0));
        assertEquals("devices.allow c *:* m", w.get(1));
        assertEquals(12, w.size());
    }

    @Test
    void anUpdateWritesOnlyTheDifferenceAndNeverResets() {
        DeviceList current = DeviceList.parse("c *:* m\nb *:* m\nc 1:3 rwm\nc 4:1 rw\nc 1:11 r\n");
        DeviceList target = DeviceList.of(DevicePermission.effective(List.of(DENY_ALL,
                new LinuxResources.DeviceRule(true, "c", 4L, 1L, "r"),
                new LinuxResources.DeviceRule(true, "c", 1L, 11L, "rw"))));
        List<String> w = writes(target, current);
        assertTrue(w.stream().noneMatch(s -> s.endsWith(" a")), w.toString());
        assertEquals(List.of(
                "devices.allow c 1:11 w",   // widened (spec rules come before the defaults)
                "devices.allow c 1:8 rwm", "devices.allow c 1:7 rwm", "devices.allow c 5:0 rwm",
                "devices.allow c 1:5 rwm", "devices.allow c 1:9 rwm", "devices.allow c 136:* rwm",
                "devices.allow c 5:2 rwm", "devices.allow c 10:200 rwm",
                "devices.deny c 4:1 w"),    // narrowed    // narrowed
                w);
        assertEquals(List.of(), writes(target, DeviceList.parse(String.join("\n", target.lines()))), "already there");
    }

    @Test
    void kernelSemanticsMergeAndNarrowExactKeys() {
        DeviceList l = DeviceList.of(List.of(
                new DevicePermission(false, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm"),
                new DevicePermission(true, 'c', 1, 3, "r"),
                new DevicePermission(true, 'c', 1, 3, "w"),
                new DevicePermission(true, 'c', 1, 5, "rwm"),
                new DevicePermission(false, 'c', 1, 5, "w"),
                new DevicePermission(false, 'c', 1, 9, "r")));
        assertEquals(List.of("c 1:3 rw", "c 1:5 rm"), l.lines());
    }

    @Test
    void allowAllTargetsResetToAllowThenDeny() {
        DeviceList target = DeviceList.of(List.of(new DevicePermission(true, 'a', DevicePermission.ANY,
                DevicePermission.ANY, "rwm"), new DevicePermission(false, 'b', 8, DevicePermission.ANY, "w")));
        assertTrue(target.defaultAllow());
        assertEquals(List.of("devices.allow a", "devices.deny b 8:* w"), writes(target, DeviceList.parse("c 1:3 rwm\n")));
    }
}
