package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code cpuset}: cpus and memory nodes. */
final class V1Cpuset implements V1Controller {

    @Override
    public String name() {
        return "cpuset";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.cpu() != null && (notEmpty(r.cpu().cpus()) || notEmpty(r.cpu().mems()));
    }

    /**
     * A new v1 cpuset starts with empty cpus and mems, and the kernel refuses tasks into it
     * (ENOSPC) until both are set; give each level we pass through its parent's values, top down,
     * as runc's {@code ensureParent} does.
     */
    @Override
    public void prepare(Path top, Path dir) {
        Path parent = top;
        for (Path part : top.relativize(dir)) {
            Path current = parent.resolve(part.toString());
            for (String file : new String[] {"cpuset.cpus", "cpuset.mems"}) {
                if (CgroupFiles.read(who(), current, file).isEmpty()) {
                    CgroupFiles.write(who(), current, file, CgroupFiles.read(who(), parent, file));
                }
            }
            parent = current;
        }
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.Cpu c = r.cpu();
        if (c == null) {
            return;
        }
        write(dir, "cpuset.cpus", c.cpus(), "linux.resources.cpu.cpus");
        write(dir, "cpuset.mems", c.mems(), "linux.resources.cpu.mems");
    }

    private void write(Path dir, String file, String value, String field) {
        if (!notEmpty(value)) {
            return;
        }
        try {
            CgroupFiles.write(who(), dir, file, value);
        } catch (CgroupException e) {
            if ("EINVAL".equals(e.errno()) || "ENOSPC".equals(e.errno())) {
                String parent = CgroupFiles.read(who(), dir.getParent(), file);
                throw new CgroupException(e.getMessage() + " (" + field + " must be a subset of the parent cgroup's "
                        + file + " \"" + parent + "\")", e.errno(), e);
            }
            throw e;
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
