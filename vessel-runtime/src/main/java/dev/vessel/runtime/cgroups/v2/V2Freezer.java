package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupDirs;
import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.FreezerState;
import java.nio.file.Path;

/**
 * The v2 freezer: {@code cgroup.freeze} asks, {@code cgroup.events} "frozen 1" confirms once
 * every task has stopped (Linux 5.2+).
 */
final class V2Freezer {
    static final String WHO = "cgroup v2 freezer";
    private static final int POLLS = 2000;

    private V2Freezer() {}

    static void set(Path dir, FreezerState want) {
        if (!CgroupFiles.exists(dir, "cgroup.freeze")) {
            throw new CgroupException(WHO + ": " + dir + " has no cgroup.freeze: the kernel is older than 5.2, "
                    + "which cannot pause cgroup v2 containers");
        }
        CgroupFiles.write(WHO, dir, "cgroup.freeze", want == FreezerState.FROZEN ? "1" : "0");
        for (int i = 0; i < POLLS; i++) {
            if (state(dir) == want) {
                return;
            }
            CgroupDirs.sleep(1);
        }
        if (want == FreezerState.FROZEN) {
            CgroupFiles.write(WHO, dir, "cgroup.freeze", "0");
            throw new CgroupException(WHO + ": " + dir + " did not report frozen within ~2 s; thawed it again "
                    + "(a task may be stuck in the kernel: see /proc/PID/stack)");
        }
        throw new CgroupException(WHO + ": " + dir + " did not report thawed within ~2 s");
    }

    static FreezerState state(Path dir) {
        if (!CgroupFiles.exists(dir, "cgroup.events")) {
            return FreezerState.THAWED;
        }
        return CgroupFiles.readKeyValues(WHO, dir, "cgroup.events").getOrDefault("frozen", 0L) == 1
                ? FreezerState.FROZEN : FreezerState.THAWED;
    }
}
