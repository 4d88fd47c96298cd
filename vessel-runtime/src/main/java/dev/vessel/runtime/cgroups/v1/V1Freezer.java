package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupDirs;
import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.FreezerState;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code freezer}: nothing in the spec; {@code pause}/{@code resume}. */
final class V1Freezer implements V1Controller {
    static final String WHO = "cgroup v1 freezer";
    /** 1000 polls of ~1 ms, with re-freezes, before giving up: a few seconds at worst. */
    private static final int POLLS = 1000;

    @Override
    public String name() {
        return "freezer";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return false;
    }

    @Override
    public void set(Path dir, LinuxResources r) {}

    /**
     * Writes FROZEN and waits for the state to leave FREEZING. A task that is forking or in an
     * uninterruptible sleep can keep the cgroup in FREEZING; as runc does, we write FROZEN again
     * now and then, and thaw briefly every so often so the stuck task can move on.
     */
    static void freeze(Path dir) {
        for (int i = 0; i < POLLS; i++) {
            if (i % 50 == 49) {
                CgroupFiles.write(WHO, dir, "freezer.state", "THAWED");
                CgroupDirs.sleep(1);
            }
            CgroupFiles.write(WHO, dir, "freezer.state", "FROZEN");
            String state = CgroupFiles.read(WHO, dir, "freezer.state");
            if (state.equals("FROZEN")) {
                return;
            }
            if (!state.equals("FREEZING")) {
                throw new CgroupException(WHO + ": freezer.state reads \"" + state + "\" after writing FROZEN");
            }
            CgroupDirs.sleep(1);
        }
        CgroupFiles.write(WHO, dir, "freezer.state", "THAWED");
        throw new CgroupException(WHO + ": " + dir + " stayed FREEZING after " + POLLS
                + " tries; thawed it again (a task may be stuck in uninterruptible sleep: see /proc/PID/stack)");
    }

    static void thaw(Path dir) {
        CgroupFiles.write(WHO, dir, "freezer.state", "THAWED");
        for (int i = 0; i < POLLS; i++) {
            if (CgroupFiles.read(WHO, dir, "freezer.state").equals("THAWED")) {
                return;
            }
            CgroupDirs.sleep(1);
            CgroupFiles.write(WHO, dir, "freezer.state", "THAWED");
        }
        throw new CgroupException(WHO + ": " + dir + " did not thaw after " + POLLS + " tries");
    }

    /** FREEZING counts as frozen only once done: a half-frozen container is still running. */
    static FreezerState state(Path dir) {
        return CgroupFiles.read(WHO, dir, "freezer.state").equals("FROZEN") ? FreezerState.FROZEN : FreezerState.THAWED;
    }
}
