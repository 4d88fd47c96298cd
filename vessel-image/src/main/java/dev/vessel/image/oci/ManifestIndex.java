package dev.vessel.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI image index or a Docker manifest list: one manifest per platform. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestIndex(int schemaVersion, String mediaType, List<Descriptor> manifests,
                            Map<String, String> annotations) {

    public static ManifestIndex oci(List<Descriptor> manifests) {
        return new ManifestIndex(2, MediaTypes.OCI_INDEX, List.copyOf(manifests), null);
    }

    /**
     * The manifest for {@code wanted}: an exact variant match beats an entry with no variant;
     * attestation entries (platform unknown/unknown) never match. Empty if none fits.
     */
    public Optional<Descriptor> select(Platform wanted) {
        Descriptor loose = null;
        for (Descriptor d : manifests == null ? List.<Descriptor>of() : manifests) {
            if (!MediaTypes.isManifest(d.mediaType()) && !MediaTypes.isIndex(d.mediaType())) {
                continue;
            }
            if (d.platform() == null || !wanted.accepts(d.platform())) {
                continue;
            }
            String want = wanted.effectiveVariant();
            if (want == null || want.equals(d.platform().effectiveVariant())) {
                return Optional.of(d);
            }
            if (loose == null) {
                loose = d;
            }
        }
        return Optional.ofNullable(loose);
    }

    /** The platforms on offer, for an error message when nothing matched. */
    public List<String> platforms() {
        List<String> out = new ArrayList<>();
        for (Descriptor d : manifests == null ? List.<Descriptor>of() : manifests) {
            if (d.platform() != null) {
                out.add(d.platform().toString());
            }
        }
        return out;
    }
}
