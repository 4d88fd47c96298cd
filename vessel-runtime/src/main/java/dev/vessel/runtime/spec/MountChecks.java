package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.orEmpty;
import static dev.vessel.runtime.spec.Problems.q;

import java.util.List;
import java.util.Set;

/** Checks of {@code root}, {@code mounts} and {@code hooks}: the paths Vessel acts on. */
final class MountChecks {

    /**
     * Volume options of Docker and Podman that reach config.json on bind mounts and that runc
     * passes on as (ignored) data: accepted so that those engines work unchanged.
     */
    private static final Set<String> ENGINE_OPTIONS = Set.of("z", "Z", "U", "O", "copy", "nocopy", "notmpcopyup");

    private MountChecks() {}

    static void root(Spec.Root root, Problems out) {
        if (root == null || root.path() == null || root.path().isEmpty()) {
            out.add("root.path", "is missing; set it to the root filesystem directory, e.g. \"rootfs\" (relative to the bundle)");
        }
    }

    static void mounts(List<Mount> mounts, Problems out) {
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            String at = "mounts[" + i + "]";
            if (m == null) {
                out.add(at, "is null; remove it or give at least \"destination\"");
                continue;
            }
            String dst = m.destination();
            if (dst == null || dst.isEmpty()) {
                out.add(at + ".destination", "is missing; give the absolute path inside the container");
            } else if (!Problems.isAbsolute(dst)) {
                out.add(at + ".destination", q(dst) + " is not an absolute path; write it from the container's root, e.g. "
                        + q("/" + dst));
            } else if (Problems.hasDotDot(dst)) {
                out.add(at + ".destination", q(dst) + " contains \"..\"; write the path without \"..\" components");
            }
            options(m, at, out);
        }
    }

    private static void options(Mount m, String at, Problems out) {
        MountOptions.Parsed o = MountOptions.parse(m.options());
        boolean bind = o.bind() || "bind".equals(m.type());
        if (!bind && (m.type() == null || m.type().isEmpty())) {
            out.add(at + ".type", "is missing; give the filesystem type (e.g. \"tmpfs\") or add the \"bind\" option");
        }
        if (bind && (m.source() == null || m.source().isEmpty())) {
            out.add(at + ".source", "is missing; a bind mount needs the host path to bind");
        }
        List<String> options = orEmpty(m.options());
        for (int j = 0; j < options.size(); j++) {
            String opt = options.get(j);
            if (opt == null || opt.isEmpty()) {
                out.add(at + ".options[" + j + "]", "is empty; remove it");
            } else if (opt.indexOf(',') >= 0) {
                out.add(at + ".options[" + j + "]", q(opt) + " contains \",\"; give each option as its own array element");
            } else if (bind && !opt.contains("=") && !MountOptions.isKnown(opt) && !ENGINE_OPTIONS.contains(opt)) {
                // A bind mount passes no data to a filesystem, so an unknown word can only be a typo.
                out.add(at + ".options[" + j + "]", q(opt) + " is not a mount option"
                        + Problems.choices(opt, MountOptions.known(), "the runtime-spec's mount options (mount(8))"));
            }
        }
        boolean hasMappings = !orEmpty(m.uidMappings()).isEmpty() || !orEmpty(m.gidMappings()).isEmpty();
        if (o.idmap() != MountOptions.IdMap.NONE || hasMappings) {
            if (!bind) {
                out.add(at, "is an idmapped mount but not a bind mount; idmapping applies to bind mounts only");
            } else if (orEmpty(m.uidMappings()).isEmpty() || orEmpty(m.gidMappings()).isEmpty()) {
                String missing = orEmpty(m.uidMappings()).isEmpty() ? ".uidMappings" : ".gidMappings";
                out.add(at + missing, "is missing; an idmapped mount needs both uidMappings and gidMappings");
            } else if (!Problems.isAbsolute(m.source())) {
                out.add(at + ".source", q(m.source()) + " is not an absolute path; an idmapped mount needs the full host path");
            } else {
                LinuxChecks.mappings(m.uidMappings(), at + ".uidMappings", out);
                LinuxChecks.mappings(m.gidMappings(), at + ".gidMappings", out);
            }
        }
    }

    static void hooks(Hooks hooks, Problems out) {
        if (hooks == null) {
            return;
        }
        hookList("hooks.prestart", hooks.prestart(), out);
        hookList("hooks.createRuntime", hooks.createRuntime(), out);
        hookList("hooks.createContainer", hooks.createContainer(), out);
        hookList("hooks.startContainer", hooks.startContainer(), out);
        hookList("hooks.poststart", hooks.poststart(), out);
        hookList("hooks.poststop", hooks.poststop(), out);
    }

    private static void hookList(String path, List<Hooks.Hook> list, Problems out) {
        List<Hooks.Hook> hooks = orEmpty(list);
        for (int i = 0; i < hooks.size(); i++) {
            Hooks.Hook h = hooks.get(i);
            String at = path + "[" + i + "]";
            if (h == null) {
                out.add(at, "is null; remove it or give at least \"path\"");
                continue;
            }
            if (h.path() == null || h.path().isEmpty()) {
                out.add(at + ".path", "is missing; give the absolute path of the program to run");
            } else if (!Problems.isAbsolute(h.path())) {
                out.add(at + ".path", q(h.path()) + " is not an absolute path; hooks run in the runtime's namespace, "
                        + "so give the full host path, e.g. " + q("/usr/bin/" + h.path()));
            }
            if (h.timeout() != null && h.timeout() <= 0) {
                out.add(at + ".timeout", h.timeout() + " is not a positive number of seconds; remove it for no timeout");
            }
            ProcessChecks.env(h.env(), at + ".env", out);
        }
    }
}
