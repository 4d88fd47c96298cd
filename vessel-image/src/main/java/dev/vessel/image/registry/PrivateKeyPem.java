package dev.vessel.image.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An unencrypted private key in PEM, in the three forms openssl writes: PKCS#8
 * ({@code BEGIN PRIVATE KEY}), which the JDK reads as is, and the "traditional" PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}) that
 * {@code openssl genrsa -traditional}, {@code openssl ecparam -genkey} and older openssl
 * versions write by default. The JDK has no reader for the latter two, but each is exactly the
 * inner key of a PKCS#8 structure, so they are wrapped in the PKCS#8 envelope (version 0, the
 * algorithm identifier, the key as an OCTET STRING) rather than asking users to convert keys
 * that podman and Docker accept.
 */
final class PrivateKeyPem {
    /** DER of OID 1.2.840.113549.1.1.1 (rsaEncryption) followed by the NULL parameters. */
    private static final byte[] RSA_ALGORITHM = hex("06092a864886f70d0101010500");
    /** DER of OID 1.2.840.10045.2.1 (id-ecPublicKey); the curve OID follows it. */
    private static final byte[] EC_ALGORITHM = hex("06072a8648ce3d0201");
    private static final int SEQUENCE = 0x30, INTEGER = 0x02, OCTET_STRING = 0x04, EC_PARAMETERS = 0xa0;

    private PrivateKeyPem() {}

    /** Reads {@code pem} as a private key of {@code algorithm} (a KeyFactory name: RSA, EC, EdDSA). */
    static PrivateKey read(Path pem, String algorithm) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        int labelEnd = begin < 0 ? -1 : text.indexOf("-----", begin + 11);
        if (labelEnd < 0) {
            throw new IOException(pem + " holds no PEM private key (expected \"-----BEGIN PRIVATE KEY-----\"): "
                    + "put the client certificate's private key there");
        }
        String label = text.substring(begin + 11, labelEnd);
        int end = text.indexOf("-----END " + label + "-----", labelEnd);
        if (end < 0) {
            throw new IOException(pem + ": the PEM block \"" + label + "\" has no END line: the file is cut short");
        }
        String body = text.substring(labelEnd + 5, end);
        if (label.equals("ENCRYPTED PRIVATE KEY") || body.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IOException(pem + " is encrypted with a passphrase, which vessel cannot ask for: "
                    + convertHint(pem));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(pem + ": the \"" + label + "\" block is not base64 (" + e.getMessage() + ")", e);
        }
        byte[] pkcs8 = switch (label) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> pkcs8(RSA_ALGORITHM, der);
            case "EC PRIVATE KEY" -> pkcs8(concat(EC_ALGORITHM, curveOf(pem, der)), der);
            default -> throw new IOException(pem + " holds a \"" + label + "\", not a private key vessel reads "
                    + "(PKCS#8, RSA or EC): " + convertHint(pem));
        };
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a valid " + algorithm + " private key (" + e.getMessage()
                    + "): it must be the key of the certificate beside it", e);
        }
    }

    private static String convertHint(Path pem) {
        return "convert it with `openssl pkcs8 -topk8 -nocrypt -in " + pem + " -out " + pem + ".new && mv "
                + pem + ".new " + pem + "`";
    }

    /**
     * The curve OID of a SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING key,
     * [0] ECParameters (the named curve's OID), [1] public key }. openssl always writes [0];
     * without it the curve is unknown and PKCS#8 needs it in the algorithm identifier.
     */
    private static byte[] curveOf(Path pem, byte[] sec1) throws IOException {
        try {
            Der key = Der.at(sec1, 0, SEQUENCE);
            Der version = Der.at(sec1, key.start, INTEGER);
            Der octets = Der.at(sec1, version.end, OCTET_STRING);
            if (octets.end < key.end && (sec1[octets.end] & 0xff) == EC_PARAMETERS) {
                Der params = Der.at(sec1, octets.end, EC_PARAMETERS);
                return Arrays.copyOfRange(sec1, params.start, params.end);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException(pem + ": the EC PRIVATE KEY is not DER (" + e.getMessage() + ")", e);
        }
        throw new IOException(pem + ": the EC PRIVATE KEY does not name its curve: " + convertHint(pem));
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key } (RFC 5208). */
    private static byte[] pkcs8(byte[] algorithmContent, byte[] key) {
        return tlv(SEQUENCE, concat(hex("020100"), tlv(SEQUENCE, algorithmContent), tlv(OCTET_STRING, key)));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    /** One DER element: its content spans [start, end). */
    private record Der(int start, int end) {
        static Der at(byte[] b, int pos, int tag) {
            if ((b[pos] & 0xff) != tag) {
                throw new IllegalArgumentException("expected tag 0x" + Integer.toHexString(tag) + " at byte " + pos);
            }
            int len = b[pos + 1] & 0xff;
            int start = pos + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                if (bytes == 0 || bytes > 3) {
                    throw new IllegalArgumentException("bad length at byte " + (pos + 1));
                }
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (b[start + i] & 0xff);
                }
                start += bytes;
            }
            if (start + len > b.length) {
                throw new IllegalArgumentException("element at byte " + pos + " runs past the end");
            }
            return new Der(start, start + len);
        }
    }
}
