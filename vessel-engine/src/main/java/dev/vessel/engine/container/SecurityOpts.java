package dev.vessel.engine.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.seccomp.SeccompProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** docker run's --security-opt, the seccomp part: the default profile, none, or a profile file. */
public final class SecurityOpts {

    private SecurityOpts() {}

    /** Which profile a container gets; resolved against its bounding set (Docker's caps-dependent rules). */
    public sealed interface Seccomp {
        dev.vessel.runtime.spec.Seccomp profile(List<String> bounding);
    }

    public record DockerDefault() implements Seccomp {
        public dev.vessel.runtime.spec.Seccomp profile(List<String> bounding) {
            return SeccompProfiles.dockerDefault(bounding);
        }
    }

    public record Unconfined() implements Seccomp {
        public dev.vessel.runtime.spec.Seccomp profile(List<String> bounding) {
            return null;
        }
    }

    public record ProfileFile(Path file) implements Seccomp {
        public dev.vessel.runtime.spec.Seccomp profile(List<String> bounding) {
            return SeccompProfiles.load(file, bounding);
        }
    }

    public static Seccomp seccomp(List<String> opts) {
        Seccomp chosen = new DockerDefault();
        for (String o : opts) {
            if (!o.startsWith("seccomp=") && !o.startsWith("seccomp:")) {
                throw new RuntimeError("--security-opt \"" + o + "\" is not supported: use seccomp=unconfined or seccomp=FILE");
            }
            String v = o.substring(8);
            if (v.equals("unconfined")) {
                chosen = new Unconfined();
            } else {
                Path f = Path.of(v);
                if (!Files.isReadable(f)) {
                    throw new RuntimeError("--security-opt seccomp=" + v + ": no such file; give a seccomp profile (JSON) or unconfined");
                }
                chosen = new ProfileFile(f);
            }
        }
        return chosen;
    }
}
