package dev.vessel.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.image.ProcessDefaults;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFlagsTest {

    private static final ProcessDefaults PD = new ProcessDefaults(List.of("true"), List.of("PATH=/bin"), "/", 0, 0);

    private static RunFlags flags() {
        return new RunFlags("c", false, null, null, null, null, List.of(), null, null, false, List.of("true"),
                SecurityOpts.seccomp(List.of()));
    }

    private static boolean hasUserNamespace(Spec s) {
        return s.linux().namespaces().stream().anyMatch(n -> n.type().equals("user"));
    }

    @Test
    void hostIdsMeanNoUserNamespace() {
        Spec s = flags().toSpec("c", "/r", PD);
        assertTrue(!hasUserNamespace(s));
        assertNull(s.linux().uidMappings());
    }

    @Test
    void mapsAddAUserNamespaceWithThem() {
        var uids = List.of(new Linux.IdMapping(0, 100000, 65536));
        var gids = List.of(new Linux.IdMapping(0, 200000, 65536));
        Spec s = flags().toSpec("c", "/r", PD, new ContainerIdMaps(uids, gids));
        assertTrue(hasUserNamespace(s));
        assertEquals(uids, s.linux().uidMappings());
        assertEquals(gids, s.linux().gidMappings());
        assertEquals(flags().toSpec("c", "/r", PD).linux().namespaces().size() + 1, s.linux().namespaces().size(),
                "the other namespaces stay");
    }

    private static List<String> devptsOptions(Spec s) {
        return s.mounts().stream().filter(m -> m.type().equals("devpts")).findFirst().orElseThrow().options();
    }

    @Test
    void devptsKeepsTheTtyGroupOnlyWhenItIsMapped() {
        assertTrue(devptsOptions(flags().toSpec("c", "/r", PD)).contains("gid=5"));
        var wide = List.of(new Linux.IdMapping(0, 100000, 65536));
        assertTrue(devptsOptions(flags().toSpec("c", "/r", PD, new ContainerIdMaps(wide, wide))).contains("gid=5"));
        var small = List.of(new Linux.IdMapping(0, 100000, 5));
        List<String> opts = devptsOptions(flags().toSpec("c", "/r", PD, new ContainerIdMaps(small, small)));
        assertTrue(opts.stream().noneMatch(o -> o.startsWith("gid=")), opts.toString());
        assertTrue(opts.contains("newinstance"), "the other options stay");
    }
}
