package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runtime-spec features document ({@code features.md}, {@code features-linux.md}) printed by
 * {@code vessel-runtime features}: what this runtime recognises, so that containerd and CRI-O
 * can check before they ask for it. It says what Vessel implements, not what this host has,
 * except {@code seccomp.supportedFlags}, which the spec defines as the host's subset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Features(
        String ociVersionMin,
        String ociVersionMax,
        List<String> hooks,
        List<String> mountOptions,
        LinuxFeatures linux,
        Map<String, String> annotations) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LinuxFeatures(
            List<String> namespaces,
            List<String> capabilities,
            Cgroup cgroup,
            SeccompFeatures seccomp,
            Enabled apparmor,
            Enabled selinux,
            Enabled intelRdt,
            MountExtensions mountExtensions) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cgroup(Boolean v1, Boolean v2, Boolean systemd, Boolean systemdUser, Boolean rdma) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SeccompFeatures(Boolean enabled, List<String> actions, List<String> operators, List<String> archs,
                                  List<String> knownFlags, List<String> supportedFlags) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Enabled(Boolean enabled) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MountExtensions(Enabled idmap) {}

    /** The oldest spec version whose documents Vessel reads. */
    public static final String OCI_VERSION_MIN = "1.0.0";

    public static final List<String> HOOKS = List.of("prestart", "createRuntime", "createContainer",
            "startContainer", "poststart", "poststop");

    /** Vessel's features on a host running {@code kernelRelease} (e.g. "6.1.0-18-amd64"). */
    public static Features vessel(String kernelRelease) {
        LinuxFeatures linux = new LinuxFeatures(
                Namespaces.TYPES.stream().sorted().toList(),
                CapabilityNames.ALL,
                // cgroup v1 and v2 managers; no systemd driver (cgroupsPath "slice:prefix:name" is not parsed).
                new Cgroup(true, true, false, false, false),
                new SeccompFeatures(true, SeccompNames.ACTIONS.stream().sorted().toList(),
                        SeccompNames.OPERATORS.stream().sorted().toList(), SeccompNames.ARCHES.stream().sorted().toList(),
                        SeccompNames.FLAGS, supportedSeccompFlags(kernelRelease)),
                new Enabled(false),
                new Enabled(false),
                new Enabled(false),
                // The mount plan does not yet apply MOUNT_ATTR_IDMAP; say so rather than ignore mappings.
                new MountExtensions(new Enabled(false)));
        return new Features(OCI_VERSION_MIN, Spec.VERSION, HOOKS, MountOptions.known(), linux, null);
    }

    /** Vessel's features on this host (kernel release from /proc/sys/kernel/osrelease). */
    public static Features vessel() {
        String release;
        try {
            release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            release = "0.0"; // unknown kernel: claim no optional seccomp flag rather than guess
        }
        return vessel(release);
    }

    /** seccomp(2) filter flags by the kernel that introduced them. */
    static List<String> supportedSeccompFlags(String kernelRelease) {
        int[] v = kernelVersion(kernelRelease);
        List<String> flags = new ArrayList<>();
        if (atLeast(v, 3, 17)) {
            flags.add("SECCOMP_FILTER_FLAG_TSYNC");
        }
        if (atLeast(v, 4, 14)) {
            flags.add("SECCOMP_FILTER_FLAG_LOG");
        }
        if (atLeast(v, 4, 17)) {
            flags.add("SECCOMP_FILTER_FLAG_SPEC_ALLOW");
        }
        if (atLeast(v, 5, 19)) {
            flags.add("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        }
        return List.copyOf(flags);
    }

    private static int[] kernelVersion(String release) {
        String[] parts = release.split("[.-]");
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }

    private static boolean atLeast(int[] v, int major, int minor) {
        return v[0] > major || (v[0] == major && v[1] >= minor);
    }
}
