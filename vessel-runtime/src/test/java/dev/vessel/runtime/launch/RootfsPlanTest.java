package dev.vessel.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.runtime.plan.LaunchPlan;
import dev.vessel.runtime.plan.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootfsPlanTest {

    private static List<Op> device(String path) {
        List<LaunchPlan.Step> out = new ArrayList<>();
        RootfsPlan.device("/r", path, 0020666, 10, 200, 0, 0, false, "linux.devices[0]", out);
        return out.stream().map(LaunchPlan.Step::op).toList();
    }

    @Test
    void deviceBelowASubdirectoryGetsItsParentsFirst() {
        // podman --privileged passes host nodes such as /dev/cpu/0/cpuid; mknod alone fails with ENOENT.
        assertEquals(List.of(new Op.MkdirAll("/r", "/dev/cpu/0", 0755),
                new Op.Mknod("/r", "/dev/cpu/0/cpuid", 0020666, RootfsPlan.makedev(10, 200), 0, 0)), device("/dev/cpu/0/cpuid"));
    }

    @Test
    void deviceDirectlyInDevNeedsNoMkdir() {
        assertEquals(List.of(new Op.Mknod("/r", "/dev/fuse", 0020666, RootfsPlan.makedev(10, 200), 0, 0)), device("/dev/fuse"));
    }
}
