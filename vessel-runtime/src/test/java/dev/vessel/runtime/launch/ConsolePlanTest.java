package dev.vessel.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** process.consoleSize reaches the Console op of create and of exec; without it the kernel's size stays (0, 0). */
class ConsolePlanTest {

    private static List<Op> consoleOps(List<LaunchPlan.Step> steps) {
        return steps.stream().map(LaunchPlan.Step::op).filter(op -> op instanceof Op.Console).toList();
    }

    private static List<LaunchPlan.Step> create(Spec spec) {
        return PlanBuilder.container(spec, new PlanBuilder.Options(Path.of("/b"), Path.of("/b/rootfs"), null, false,
                0, false, null, 3, null));
    }

    @Test
    void createSetsTheSizeItWasGiven() {
        Spec spec = DefaultSpec.forHost(false, 0, 0);
        spec = spec.withProcess(spec.process().withConsoleSize(new ProcessSpec.ConsoleSize(30, 120)));
        assertEquals(List.of(new Op.Console(3, "/dev/console", 30, 120)), consoleOps(create(spec)));
    }

    @Test
    void withoutAConsoleSizeTheKernelsStays() {
        assertEquals(List.of(new Op.Console(3, "/dev/console", 0, 0)), consoleOps(create(DefaultSpec.forHost(false, 0, 0))));
    }

    @Test
    void execSetsTheSizeOfItsProcess() {
        ProcessSpec p = DefaultSpec.forHost(false, 0, 0).process().withConsoleSize(new ProcessSpec.ConsoleSize(24, 80));
        int self = (int) ProcessHandle.current().pid(); // our own namespaces: nothing to join
        assertEquals(List.of(new Op.Console(5, "", 24, 80)), consoleOps(PlanBuilder.exec(self, p, null, 0, true, 5, null)));
    }
}
