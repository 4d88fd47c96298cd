package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A bundle's {@code config.json} (OCI runtime spec 1.0–1.2), field for field. This is the one
 * place where the outside format enters Vessel: {@link SpecParser} reads it, {@link
 * SpecValidator} checks it, and everything below the spec package works on an internal config
 * derived from it. Fields for other platforms (solaris, windows, vm) are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spec(
        String ociVersion,
        ProcessSpec process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    /** The spec version Vessel writes and reports: the newest it implements. */
    public static final String VERSION = "1.2.0";

    /** {@code root}: the container's root filesystem, relative to the bundle when not absolute. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Root(
            String path,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean readonly) {}

    public Spec withProcess(ProcessSpec p) {
        return new Spec(ociVersion, p, root, hostname, domainname, mounts, hooks, annotations, linux);
    }

    public Spec withLinux(Linux l) {
        return new Spec(ociVersion, process, root, hostname, domainname, mounts, hooks, annotations, l);
    }

    public Spec withRoot(Root r) {
        return new Spec(ociVersion, process, r, hostname, domainname, mounts, hooks, annotations, linux);
    }

    public Spec withMounts(List<Mount> m) {
        return new Spec(ociVersion, process, root, hostname, domainname, m, hooks, annotations, linux);
    }
}
