package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupPathTest {
    private static final CgroupLayout.Hierarchy MEMORY =
            new CgroupLayout.Hierarchy(Path.of("/sys/fs/cgroup/memory"), "/", Set.of("memory"));

    @Test
    void absentPathIsTheIdUnderVessel() {
        CgroupPath p = CgroupPath.of(null, "web");
        assertEquals("/vessel/web", p.value());
        assertEquals(Path.of("/sys/fs/cgroup/memory/vessel/web"), p.in(MEMORY, "/somewhere/else"));
        assertEquals("/vessel/web", CgroupPath.of("", "web").value());
    }

    @Test
    void absolutePathIsUnderTheHierarchyRootWhateverOurOwnCgroup() {
        CgroupPath p = CgroupPath.of("/machine//ctr/./a/", "x");
        assertEquals("/machine/ctr/a", p.value());
        assertFalse(p.relative());
        assertEquals(Path.of("/sys/fs/cgroup/memory/machine/ctr/a"), p.in(MEMORY, "/process_api/123"));
    }

    @Test
    void relativePathIsUnderOurOwnCgroup() {
        CgroupPath p = CgroupPath.of("ctr/a", "x");
        assertTrue(p.relative());
        assertEquals(Path.of("/sys/fs/cgroup/memory/process_api/123/ctr/a"), p.in(MEMORY, "/process_api/123"));
        assertEquals(Path.of("/sys/fs/cgroup/memory/ctr/a"), p.in(MEMORY, "/"));
        assertEquals("/process_api/123/ctr/a", p.shownFrom("/process_api/123"));
        assertEquals("/ctr/a", p.shownFrom("/"));
    }

    @Test
    void relativePathInsideAContainerStripsTheMountRoot() {
        // In a container the mount shows only /docker/abc of the hierarchy, and /proc/self/cgroup
        // still says /docker/abc/sub for our own cgroup.
        CgroupLayout.Hierarchy h = new CgroupLayout.Hierarchy(Path.of("/sys/fs/cgroup/memory"), "/docker/abc", Set.of("memory"));
        assertEquals(Path.of("/sys/fs/cgroup/memory/sub/ctr"), CgroupPath.of("ctr", "x").in(h, "/docker/abc/sub"));
    }

    @Test
    void dotDotIsRefused() {
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupPath.of("/a/../../etc", "x"));
        assertTrue(e.getMessage().contains("linux.cgroupsPath \"/a/../../etc\" contains \"..\""), e.getMessage());
        assertThrows(CgroupException.class, () -> CgroupPath.of("..", "x"));
    }

    @Test
    void rootAndEmptyAreRefused() {
        assertThrows(CgroupException.class, () -> CgroupPath.of("/", "x"));
        assertThrows(CgroupException.class, () -> CgroupPath.of("./", "x"));
    }

    @Test
    void badIdForTheDefaultPathIsRefused() {
        assertThrows(CgroupException.class, () -> CgroupPath.of(null, "a/b"));
        assertThrows(CgroupException.class, () -> CgroupPath.of(null, ".."));
    }

    @Test
    void systemdSliceSyntaxIsExplained() {
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupPath.of("system.slice:docker:abc", "x"));
        assertTrue(e.getMessage().contains("/machine.slice/docker-abc"), e.getMessage());
    }
}
