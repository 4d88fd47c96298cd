package dev.vessel.image.oci;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The one place image JSON is read: unknown fields are ignored (the specs allow extensions) and
 * every parse error is reported with what was being read.
 */
public final class OciJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private OciJson() {
    }

    public static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON for " + type.getSimpleName()
                    + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * The media type of a manifest-like document: its {@code mediaType} field, or (Docker
     * allows omitting it in OCI documents) guessed from whether it has manifests or layers.
     */
    public static String mediaTypeOf(byte[] json, String what) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        if (n.hasNonNull("mediaType")) {
            return n.get("mediaType").asText();
        }
        if (n.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (n.has("layers")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw new IllegalArgumentException(what + " has no mediaType and is neither a manifest nor an index");
    }
}
