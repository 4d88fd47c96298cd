package dev.vessel.image.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest as OCI writes it: {@code sha256:<64 lowercase hex>}. Only sha256 is accepted
 * because it is the only algorithm the registries and tools we interoperate with require; a
 * sha512 digest is rejected with a message rather than silently mis-verified.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    public Digest {
        if (!"sha256".equals(algorithm)) {
            throw new IllegalArgumentException("digest algorithm \"" + algorithm
                    + "\" is not supported (only sha256)");
        }
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("digest \"" + algorithm + ":" + hex
                    + "\": the sha256 part must be 64 lowercase hex characters");
        }
    }

    /** Parses {@code sha256:...}; the error names the whole value and what is wrong with it. */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("digest \"" + text + "\" must look like sha256:<64 hex characters>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest of(byte[] content) {
        return fromHash(newSha256().digest(content));
    }

    public static Digest fromHash(byte[] sha256) {
        return new Digest("sha256", HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** The first 12 hex characters, as {@code docker images} shows image ids. */
    public String shortId() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
