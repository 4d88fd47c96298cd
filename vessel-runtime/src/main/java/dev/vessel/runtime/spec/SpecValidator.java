package dev.vessel.runtime.spec;

import java.util.List;

/**
 * Everything Vessel checks in a config.json before it acts on it: what runc validates and
 * more. Each problem is one line naming the JSON path, the value and what to do, e.g.
 * {@code process.user.uid 70000 is not mapped in linux.uidMappings (mapped: 0-65535); ...}.
 * The checks are pure: they read no files (whether root.path exists is checked at create).
 */
public final class SpecValidator {

    /** The oldest and newest runtime-spec majors this runtime reads. */
    private static final String SUPPORTED = "1.0.0 to " + Spec.VERSION;

    private SpecValidator() {}

    /** Throws the first problem, if any. */
    public static void validate(Spec spec) throws SpecException {
        List<SpecException> problems = problems(spec);
        if (!problems.isEmpty()) {
            throw problems.getFirst();
        }
    }

    /** Every problem, in document order. */
    public static List<SpecException> problems(Spec spec) {
        Problems out = new Problems();
        version(spec.ociVersion(), out);
        MountChecks.root(spec.root(), out);
        ProcessChecks.check(spec.process(), spec.linux(), "process", out);
        MountChecks.mounts(Problems.orEmpty(spec.mounts()), out);
        MountChecks.hooks(spec.hooks(), out);
        LinuxChecks.check(spec, out);
        if (spec.linux() != null) {
            ResourceChecks.check(spec.linux().resources(), "linux.resources", out);
            SeccompChecks.check(spec.linux().seccomp(), out);
        }
        return out.list();
    }

    /** The checks of {@code linux.resources}, for {@code update --resources}; paths start at the document. */
    public static void validateResources(LinuxResources resources) throws SpecException {
        Problems out = new Problems();
        ResourceChecks.check(resources, "", out);
        List<SpecException> found = out.list();
        if (!found.isEmpty()) {
            throw found.getFirst();
        }
    }

    /**
     * The checks of {@code process} for {@code exec --process FILE}; paths start at that
     * document ("args", "user.uid"). {@code linux} is the container's, for its id mappings.
     */
    public static void validateProcess(ProcessSpec process, Linux linux) throws SpecException {
        Problems out = new Problems();
        ProcessChecks.check(process, linux, "", out);
        List<SpecException> found = out.list();
        if (!found.isEmpty()) {
            throw found.getFirst();
        }
    }

    private static void version(String v, Problems out) {
        if (v == null || v.isEmpty()) {
            out.add("ociVersion", "is missing; set it to the runtime-spec version of the bundle, e.g. \"" + Spec.VERSION + "\"");
        } else if (!v.matches("1\\.\\d+\\.\\d+([-+].*)?")) {
            out.add("ociVersion", Problems.q(v) + " is not a runtime-spec version Vessel reads (" + SUPPORTED + ")");
        }
    }
}
