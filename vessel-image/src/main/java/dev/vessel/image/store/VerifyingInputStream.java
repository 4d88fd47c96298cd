package dev.vessel.image.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what is read and fails at end of stream if the content does not match the expected
 * digest or size. Consumers must read to the end for the check to happen; the store's users
 * (unpack, push, save) all do.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final MessageDigest sha = Digest.newSha256();
    private long count;
    private boolean verified;
    private IOException failure;

    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            verify();
        } else {
            sha.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
        } else {
            sha.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would bypass the hash; read and discard instead.
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Checks at EOF, and keeps failing at every later EOF: a decompressor probing for another
     * member (GZIPInputStream does) may swallow the first exception, and the caller's own drain
     * of the stream must still see it.
     */
    private void verify() throws IOException {
        if (!verified) {
            verified = true;
            Digest actual = Digest.fromHash(sha.digest());
            if (expectedSize >= 0 && count != expectedSize) {
                failure = new IOException("blob " + expected + ": read " + count + " bytes, expected " + expectedSize);
            } else if (!actual.equals(expected)) {
                failure = new IOException("blob " + expected + " is corrupt: its content hashes to " + actual
                        + " (remove the image and pull or load it again)");
            }
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }
}
