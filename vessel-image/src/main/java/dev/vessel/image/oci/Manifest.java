package dev.vessel.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * An image manifest: OCI {@code image.manifest.v1} and Docker {@code manifest.v2} share this
 * shape (schemaVersion 2, one config descriptor, ordered layers from the base up).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int schemaVersion, String mediaType, String artifactType, Descriptor config,
                       List<Descriptor> layers, Map<String, String> annotations) {

    public static Manifest oci(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, List.copyOf(layers), null);
    }

    /** Validates what the image code relies on, naming the JSON field at fault. */
    public Manifest validate(String where) {
        if (schemaVersion != 2) {
            throw new IllegalArgumentException(where + ": schemaVersion is " + schemaVersion
                    + "; only schema 2 (OCI and Docker v2.2) manifests are supported");
        }
        if (config == null) {
            throw new IllegalArgumentException(where + ": config is missing");
        }
        config.blob();
        if (layers == null) {
            throw new IllegalArgumentException(where + ": layers is missing");
        }
        for (int i = 0; i < layers.size(); i++) {
            Descriptor l = layers.get(i);
            if (!MediaTypes.isLayer(l.mediaType())) {
                throw new IllegalArgumentException(where + ": layers[" + i + "].mediaType \"" + l.mediaType()
                        + "\" is not an image layer type");
            }
            l.blob();
        }
        return this;
    }
}
