package dev.vessel.runtime.seccomp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.JsonPaths;
import dev.vessel.runtime.spec.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Seccomp profiles for containers Vessel itself creates ({@code vessel run}): the default one,
 * with the semantics of Docker's default profile (src/main/resources/seccomp/default-profile.json),
 * and profiles in Docker's format from a file. Both are resolved for one container, by its
 * capabilities (the bounding set, as Docker uses) and this host, into an OCI {@code linux.seccomp}.
 */
public final class SeccompProfiles {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final String DEFAULT = "/seccomp/default-profile.json";

    /** The host, as a profile's selectors see it. */
    record Host(String goArch, String nativeArch, int kernelMajor, int kernelMinor) {

        static Host current() {
            String arch = System.getProperty("os.arch");
            String goArch = switch (arch) {
                case "amd64", "x86_64" -> "amd64";
                case "aarch64" -> "arm64";
                case "x86", "i386" -> "386";
                default -> arch;
            };
            String nativeArch = switch (goArch) {
                case "amd64" -> "SCMP_ARCH_X86_64";
                case "arm64" -> "SCMP_ARCH_AARCH64";
                case "386" -> "SCMP_ARCH_X86";
                default -> "SCMP_ARCH_" + goArch.toUpperCase(java.util.Locale.ROOT);
            };
            int[] v = version(System.getProperty("os.version"));
            return new Host(goArch, nativeArch, v[0], v[1]);
        }

        boolean atLeast(String minKernel) {
            int[] v = version(minKernel);
            return kernelMajor != v[0] ? kernelMajor > v[0] : kernelMinor >= v[1];
        }
    }

    private SeccompProfiles() {}

    /** Docker's default profile for a container whose bounding set is {@code capabilities} ("CAP_SYS_ADMIN", ...). */
    public static Seccomp dockerDefault(List<String> capabilities) {
        return dockerDefault(capabilities, Host.current());
    }

    static Seccomp dockerDefault(List<String> capabilities, Host host) {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT + " is missing from the runtime's jar");
            }
            return resolve(JSON.readValue(in, DockerProfile.class), capabilities, host, "the default seccomp profile");
        } catch (IOException e) {
            throw new IllegalStateException("the default seccomp profile does not parse", e);
        }
    }

    /** {@code --security-opt seccomp=FILE}: a profile in Docker's format (or a plain OCI linux.seccomp). */
    public static Seccomp load(Path file, List<String> capabilities) {
        String what = "seccomp profile " + file;
        DockerProfile p;
        try {
            p = JSON.readValue(Files.readAllBytes(file), DockerProfile.class);
        } catch (NoSuchFileException e) {
            throw new RuntimeError(what + ": no such file; give the path of a profile or \"unconfined\"");
        } catch (JsonMappingException e) {
            throw new RuntimeError(what + ": " + jsonPath(e) + " " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new RuntimeError(what + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RuntimeError(what + ": " + e.getMessage(), e);
        }
        if (p == null) {
            throw new RuntimeError(what + " is empty; give a profile or use \"unconfined\"");
        }
        return resolve(p, capabilities, Host.current(), what);
    }

    static Seccomp resolve(DockerProfile p, List<String> caps, Host host, String what) {
        if (p.defaultAction() == null || p.defaultAction().isEmpty()) {
            throw new RuntimeError(what + ": defaultAction is missing; give the action for unlisted syscalls, e.g. \"SCMP_ACT_ERRNO\"");
        }
        List<String> arches = new ArrayList<>();
        if (p.architectures() != null && !p.architectures().isEmpty()) {
            if (p.archMap() != null && !p.archMap().isEmpty()) {
                throw new RuntimeError(what + ": both architectures and archMap are given; keep one of them");
            }
            arches.addAll(p.architectures());
        } else if (p.archMap() != null) {
            for (DockerProfile.ArchMap m : p.archMap()) {
                if (host.nativeArch().equals(m.architecture())) {
                    arches.add(m.architecture());
                    if (m.subArchitectures() != null) {
                        arches.addAll(m.subArchitectures());
                    }
                }
            }
        }
        List<Seccomp.Syscall> out = new ArrayList<>();
        List<DockerProfile.Rule> rules = p.syscalls() == null ? List.of() : p.syscalls();
        for (int i = 0; i < rules.size(); i++) {
            DockerProfile.Rule r = rules.get(i);
            String at = what + ": syscalls[" + i + "]";
            if (r == null) {
                throw new RuntimeError(at + " is null; remove it");
            }
            if (r.name() != null && r.names() != null && !r.names().isEmpty()) {
                throw new RuntimeError(at + ": both name and names are given; keep names");
            }
            if (!selected(r, caps, host, at)) {
                continue;
            }
            List<String> names = r.name() != null ? List.of(r.name()) : r.names();
            out.add(new Seccomp.Syscall(names, r.action(), r.errnoRet(), r.args() == null || r.args().isEmpty() ? null : r.args()));
        }
        return new Seccomp(p.defaultAction(), p.defaultErrnoRet(), arches.isEmpty() ? null : List.copyOf(arches),
                p.flags(), p.listenerPath(), p.listenerMetadata(), List.copyOf(out));
    }

    /** Docker's selection: every include must hold; any exclude drops the rule. */
    private static boolean selected(DockerProfile.Rule r, List<String> caps, Host host, String at) {
        DockerProfile.Selector in = r.includes();
        if (in != null) {
            if (in.arches() != null && !in.arches().isEmpty() && !in.arches().contains(host.goArch())) {
                return false;
            }
            if (in.caps() != null && !caps.containsAll(in.caps())) {
                return false;
            }
            if (in.minKernel() != null && !in.minKernel().isEmpty() && !host.atLeast(checkedVersion(in.minKernel(), at + ".includes"))) {
                return false;
            }
        }
        DockerProfile.Selector ex = r.excludes();
        if (ex != null) {
            if (ex.arches() != null && ex.arches().contains(host.goArch())) {
                return false;
            }
            if (ex.caps() != null && ex.caps().stream().anyMatch(caps::contains)) {
                return false;
            }
            if (ex.minKernel() != null && !ex.minKernel().isEmpty() && host.atLeast(checkedVersion(ex.minKernel(), at + ".excludes"))) {
                return false;
            }
        }
        return true;
    }

    private static String checkedVersion(String v, String at) {
        if (!v.matches("\\d+(\\.\\d+)?")) {
            throw new RuntimeError(at + ".minKernel \"" + v + "\" is not a kernel version: use MAJOR.MINOR, e.g. \"4.8\"");
        }
        return v;
    }

    /** The failing field as the user wrote it: "syscalls[0].args[0].index". */
    private static String jsonPath(JsonMappingException e) {
        String p = JsonPaths.of(e.getPath());
        return p.isEmpty() ? "(top level)" : p;
    }

    /** "6.1.0-13-amd64" -> {6, 1}; what cannot be read counts as 0. */
    static int[] version(String s) {
        int[] v = new int[2];
        if (s == null) {
            return v;
        }
        String[] parts = s.split("[.-]", 3);
        for (int i = 0; i < 2 && i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                break;
            }
        }
        return v;
    }
}
