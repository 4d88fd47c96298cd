package dev.vessel.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vessel.image.store.Digest;

import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about a blob it points at. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(String mediaType, String digest, long size, List<String> urls,
                         Map<String, String> annotations, Platform platform) {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest.toString(), size, null, null, null);
    }

    /** The digest, validated: a descriptor from a hostile manifest cannot name a path. */
    @JsonIgnore
    public Digest blob() {
        return Digest.parse(digest);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, urls, a, platform);
    }

    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, urls, annotations, p);
    }
}
