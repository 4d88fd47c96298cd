package dev.vessel.runtime.cgroups;

import java.nio.file.Path;

/**
 * {@code linux.cgroupsPath} resolved as runc's cgroupfs driver does:
 *
 * <ul>
 *   <li>absolute ({@code /foo/bar}): that cgroup under the root of every hierarchy;
 *   <li>relative ({@code foo/bar}): under the cgroup the runtime itself runs in, per hierarchy
 *       (from {@code /proc/self/cgroup});
 *   <li>absent: {@code /vessel/<id>}. runc uses {@code /<id>}; a parent of our own keeps the
 *       root cgroup tidy and lets an operator find, limit or account all Vessel containers at
 *       once (crun and podman do the same with their own parents).
 * </ul>
 *
 * {@code ..} is refused: a container's spec must not place it outside the tree it names.
 *
 * @param value the path, cleaned: absolute starts with "/", relative does not; never ends in "/"
 */
public record CgroupPath(String value) {

    public static final String DEFAULT_PARENT = "/vessel";

    public static CgroupPath of(String cgroupsPath, String containerId) {
        if (cgroupsPath == null || cgroupsPath.isBlank()) {
            if (containerId == null || containerId.isEmpty() || containerId.contains("/")
                    || containerId.equals(".") || containerId.equals("..")) {
                throw new CgroupException("container id \"" + containerId + "\" cannot name a cgroup: "
                        + "use an id without \"/\" or set linux.cgroupsPath");
            }
            return new CgroupPath(DEFAULT_PARENT + "/" + containerId);
        }
        String[] slice = cgroupsPath.split(":", -1);
        if (slice.length == 3 && slice[0].endsWith(".slice")) {
            throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\" is in the systemd "
                    + "\"slice:prefix:name\" form; vessel-runtime manages cgroups itself (runc's cgroupfs "
                    + "driver): give a path such as /machine.slice/" + slice[1] + "-" + slice[2]);
        }
        StringBuilder b = new StringBuilder();
        for (String part : cgroupsPath.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\" contains \"..\": "
                        + "give a path without it");
            }
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(part);
        }
        boolean absolute = cgroupsPath.startsWith("/");
        if (b.isEmpty() && !absolute) {
            throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\" names no cgroup");
        }
        if (b.isEmpty()) {
            throw new CgroupException("linux.cgroupsPath \"/\" is the root cgroup, which a container cannot own: "
                    + "give a path below it, such as /vessel/<id>");
        }
        return new CgroupPath((absolute ? "/" : "") + b);
    }

    public boolean relative() {
        return !value.startsWith("/");
    }

    /**
     * The directory of this cgroup in one hierarchy.
     *
     * @param self the runtime's own cgroup in that hierarchy (only used for a relative path)
     */
    public Path in(CgroupLayout.Hierarchy h, String self) {
        if (!relative()) {
            return h.mountPoint().resolve(value.substring(1));
        }
        // /proc/self/cgroup shows paths from the hierarchy's real root; the mount may show only a
        // subtree of it (in a container), so strip the mount's root first.
        String own = self == null ? "/" : self;
        String mountRoot = h.root();
        if (!mountRoot.equals("/") && (own.equals(mountRoot) || own.startsWith(mountRoot + "/"))) {
            own = own.substring(mountRoot.length());
        }
        Path dir = h.mountPoint();
        for (String part : own.split("/")) {
            if (!part.isEmpty()) {
                dir = dir.resolve(part);
            }
        }
        return dir.resolve(value);
    }

    /** The path as {@code /proc/PID/cgroup} shows it for a process inside, given the runtime's own cgroup. */
    public String shownFrom(String self) {
        if (!relative()) {
            return value;
        }
        String own = self == null || self.equals("/") ? "" : self;
        return own + "/" + value;
    }
}
