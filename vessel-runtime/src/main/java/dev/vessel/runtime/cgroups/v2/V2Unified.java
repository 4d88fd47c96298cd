package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code linux.resources.unified}: cgroup v2 files written verbatim, last so they override
 * what the typed fields set. Keys must name a file of this cgroup, nothing else.
 */
final class V2Unified implements V2Controller {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z0-9_.]+");

    @Override
    public String name() {
        return "unified";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.unified() != null && !r.unified().isEmpty();
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        // Sorted, so the same spec writes in the same order every time.
        for (Map.Entry<String, String> e : new TreeMap<>(r.unified()).entrySet()) {
            String key = e.getKey();
            if (!KEY.matcher(key).matches() || key.contains("..")) {
                throw new CgroupException("linux.resources.unified key \"" + key + "\" is not a cgroup file name: "
                        + "use \"<controller>.<file>\" such as \"memory.high\", without \"/\"");
            }
            if (key.startsWith("cgroup.") && !key.equals("cgroup.max.depth") && !key.equals("cgroup.max.descendants")) {
                // cgroup.procs, cgroup.subtree_control, cgroup.freeze... belong to the runtime.
                throw new CgroupException("linux.resources.unified key \"" + key + "\" is managed by the runtime: remove it");
            }
            try {
                CgroupFiles.write("cgroup v2", dir, key, e.getValue());
            } catch (CgroupException ex) {
                if ("ENOENT".equals(ex.errno())) {
                    String controller = key.substring(0, key.indexOf('.'));
                    throw new CgroupException("linux.resources.unified key \"" + key + "\": this cgroup has no such file; "
                            + "the " + controller + " controller is not enabled for it (available: "
                            + CgroupFiles.read("cgroup v2", dir, "cgroup.controllers") + ")", ex.errno(), ex);
                }
                throw ex;
            }
        }
    }
}
