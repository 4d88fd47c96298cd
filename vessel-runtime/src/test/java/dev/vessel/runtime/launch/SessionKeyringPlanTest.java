package dev.vessel.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session keyring op: runc's name and permissions, right after the clone; none with --no-new-keyring. */
class SessionKeyringPlanTest {

    private static List<Op> keyringOps(List<LaunchPlan.Step> steps) {
        return steps.stream().map(LaunchPlan.Step::op).filter(op -> op instanceof Op.JoinSessionKeyring).toList();
    }

    private static List<LaunchPlan.Step> container(Spec spec, String keyring) {
        return PlanBuilder.container(spec, new PlanBuilder.Options(Path.of("/b"), Path.of("/b/rootfs"), "/run/x/exec.fifo", false,
                0, false, null, -1, keyring));
    }

    @Test
    void searchableByUidWithoutAUserNamespaceByOthersWithOne() {
        assertEquals(List.of(new Op.JoinSessionKeyring("_ses.web", 0xffffffff, 0x80000)),
                keyringOps(container(DefaultSpec.forHost(false, 0, 0), PlanBuilder.sessionKeyring("web"))));
        assertEquals(List.of(new Op.JoinSessionKeyring("_ses.web", 0xffffffff, 0x8)),
                keyringOps(container(DefaultSpec.forHost(true, 1000, 1000), PlanBuilder.sessionKeyring("web"))));
    }

    @Test
    void joinedInTheChildBeforeAnythingElseOfTheContainer() {
        List<LaunchPlan.Step> steps = container(DefaultSpec.forHost(false, 0, 0), "_ses.web");
        int clone = indexOf(steps, Op.Clone.class);
        int keyring = indexOf(steps, Op.JoinSessionKeyring.class);
        assertEquals(clone + 1, keyring, "right after the clone, as runc's init does it first");
    }

    @Test
    void noNewKeyringKeepsTheCallersAndExecJoinsByNameWithoutTouchingPermissions() {
        assertEquals(List.of(), keyringOps(container(DefaultSpec.forHost(false, 0, 0), null)));
        var p = DefaultSpec.forHost(false, 0, 0).process();
        int self = (int) ProcessHandle.current().pid(); // our own namespaces: nothing to join, no /proc of others read
        assertEquals(List.of(new Op.JoinSessionKeyring("_ses.web", 0xffffffff, 0)),
                keyringOps(PlanBuilder.exec(self, p, null, 0, true, -1, "_ses.web")));
        assertEquals(List.of(), keyringOps(PlanBuilder.exec(self, p, null, 0, true, -1, null)));
    }

    private static int indexOf(List<LaunchPlan.Step> steps, Class<? extends Op> type) {
        for (int i = 0; i < steps.size(); i++) {
            if (type.isInstance(steps.get(i).op())) {
                return i;
            }
        }
        return -1;
    }
}
