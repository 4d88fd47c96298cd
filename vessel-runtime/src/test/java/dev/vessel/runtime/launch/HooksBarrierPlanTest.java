package dev.vessel.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Hooks;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hooks barrier: after the last mount, right before the pivot (or chroot), and only when a create-time hook exists. */
class HooksBarrierPlanTest {

    private static final List<Hooks.Hook> ONE = List.of(new Hooks.Hook("/bin/true", null, null, null));

    private static Spec withHooks(Hooks hooks) {
        Spec s = DefaultSpec.forHost(false, 0, 0);
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), s.mounts(), hooks,
                s.annotations(), s.linux());
    }

    private static List<Op> ops(Spec spec, boolean noPivot) {
        return PlanBuilder.container(spec, new PlanBuilder.Options(Path.of("/b"), Path.of("/b/rootfs"), "/run/x/exec.fifo",
                noPivot, 0, false, null, -1, null)).stream().map(LaunchPlan.Step::op).toList();
    }

    private static long barriers(List<Op> ops) {
        return ops.stream().filter(op -> op instanceof Op.SyncHooks).count();
    }

    @Test
    void noCreateTimeHooksNoBarrier() {
        assertEquals(0, barriers(ops(withHooks(null), false)));
        assertEquals(0, barriers(ops(withHooks(new Hooks(List.of(), List.of(), List.of(), ONE, ONE, ONE)), false)),
                "startContainer, poststart and poststop hooks run later: no barrier for them");
    }

    @Test
    void eachCreateTimeHookKindBringsOneBarrier() {
        assertEquals(1, barriers(ops(withHooks(new Hooks(ONE, null, null, null, null, null)), false)));
        assertEquals(1, barriers(ops(withHooks(new Hooks(null, ONE, null, null, null, null)), false)));
        assertEquals(1, barriers(ops(withHooks(new Hooks(null, null, ONE, null, null, null)), false)));
    }

    @Test
    void afterEveryMountRightBeforeThePivotOrChroot() {
        Spec spec = withHooks(new Hooks(null, null, ONE, null, null, null));
        for (boolean noPivot : new boolean[] {false, true}) {
            List<Op> ops = ops(spec, noPivot);
            int barrier = ops.indexOf(new Op.SyncHooks());
            Op next = ops.get(barrier + 1);
            assertTrue(noPivot ? next instanceof Op.Chroot : next instanceof Op.PivotRoot, "followed by " + next);
            for (int i = barrier + 1; i < ops.size(); i++) {
                assertTrue(!(ops.get(i) instanceof Op.Mount m) || m.root().isEmpty(),
                        "no mount into the rootfs after the barrier: " + ops.get(i));
            }
            assertTrue(ops.subList(0, barrier).stream().anyMatch(op -> op instanceof Op.Mount m && !m.root().isEmpty()),
                    "the spec's mounts come before it");
        }
    }
}
