package dev.vessel.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** An image platform as in OCI descriptors and {@code --platform os/arch[/variant]}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Platform(String architecture, String os, String variant,
                       @JsonProperty("os.version") String osVersion,
                       @JsonProperty("os.features") List<String> osFeatures) {

    /** The default of every Vessel command: this project targets linux/amd64 hosts. */
    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null, null, null);

    /** Parses {@code linux/amd64}, {@code linux/arm64/v8}, {@code linux/arm/v7}. */
    public static Platform parse(String text) {
        String[] p = text.split("/", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || (p.length == 3 && p[2].isEmpty())) {
            throw new IllegalArgumentException("--platform \"" + text + "\" must be os/arch or os/arch/variant, e.g. linux/amd64");
        }
        return new Platform(normaliseArch(p[1]), p[0].toLowerCase(), p.length == 3 ? p[2] : null, null, null);
    }

    private static String normaliseArch(String arch) {
        return switch (arch.toLowerCase()) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch.toLowerCase();
        };
    }

    /** The variant a platform implies when none is written (containerd's normalisation). */
    public String effectiveVariant() {
        if (variant != null) {
            return variant;
        }
        return switch (architecture == null ? "" : architecture) {
            case "arm64" -> "v8";
            case "arm" -> "v7";
            default -> null;
        };
    }

    /** Whether an image built for {@code candidate} runs on this platform. */
    public boolean accepts(Platform candidate) {
        if (candidate == null || !os.equals(candidate.os) || !architecture.equals(normaliseArch(candidate.architecture))) {
            return false;
        }
        String want = effectiveVariant();
        String have = candidate.effectiveVariant();
        return want == null || have == null || want.equals(have);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
}
