package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupLayoutTest {
    private static final Path ROOT = Path.of("/");

    @Test
    void thisMachineIsHybrid() {
        CgroupLayout l = CgroupLayout.parse(SampleHosts.HYBRID_MOUNTINFO, SampleHosts.HYBRID_SELF, ROOT);
        assertEquals(CgroupLayout.Mode.HYBRID, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.unified().mountPoint());
        assertEquals(9, l.v1().size());
        assertEquals(Path.of("/sys/fs/cgroup/cpuacct"), l.v1("cpuacct").mountPoint());
        assertEquals(Set.of("name=systemd"), l.v1("name=systemd").controllers());
        assertNull(l.v1("hugetlb"));
        assertEquals("/process_api/5f0e092d47a0187ed7ca766681fea203", l.self().get("memory"));
        assertEquals("/", l.self().get(""));
    }

    @Test
    void unifiedOnly() {
        CgroupLayout l = CgroupLayout.parse(SampleHosts.V2_MOUNTINFO, SampleHosts.V2_SELF, ROOT);
        assertEquals(CgroupLayout.Mode.V2, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup"), l.unified().mountPoint());
        assertTrue(l.v1().isEmpty());
        assertEquals("/user.slice/user-1000.slice/session-3.scope", l.self().get(""));
    }

    @Test
    void legacyV1WithComountedControllers() {
        CgroupLayout l = CgroupLayout.parse(SampleHosts.V1_MOUNTINFO, SampleHosts.V1_SELF, ROOT);
        assertEquals(CgroupLayout.Mode.V1, l.mode());
        assertNull(l.unified());
        assertEquals(l.v1("cpu"), l.v1("cpuacct"));
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), l.v1("cpu").mountPoint());
        assertEquals(Set.of("net_cls", "net_prio"), l.v1("net_prio").controllers());
        // xattr and release_agent are mount options, not controllers.
        assertEquals(Set.of("name=systemd"), l.v1("name=systemd").controllers());
        assertEquals("/system.slice/sshd.service", l.self().get("cpu"));
        assertEquals("/system.slice/sshd.service", l.self().get("cpuacct"));
        assertEquals("/", l.self().get("net_cls"));
    }

    @Test
    void mountPointsResolveUnderTheGivenRootAndAreUnescaped() {
        String mi = "40 31 0:37 /docker/abc /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory\n";
        CgroupLayout l = CgroupLayout.parse(mi, "4:memory:/docker/abc\n", Path.of("/tmp/fake"));
        assertEquals(Path.of("/tmp/fake/sys/fs/cgroup/my memory"), l.v1("memory").mountPoint());
        assertEquals("/docker/abc", l.v1("memory").root());
    }

    @Test
    void noCgroupMountsIsAnError() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupLayout.parse("22 27 0:21 / /proc rw - proc proc rw\n", "", ROOT));
        assertTrue(e.getMessage().contains("no cgroup filesystem"), e.getMessage());
    }

    @Test
    void garbledMountinfoIsAnError() {
        assertThrows(CgroupException.class, () -> CgroupLayout.parse("not a mountinfo line\n", "", ROOT));
    }
}
