package dev.vessel.image.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Writes one blob into the store's ingest directory while hashing it. {@link #commit()} fsyncs,
 * checks the digest and renames the file into place; {@link #close()} without commit keeps a
 * partial file only when its name is stable (known digest), so the next attempt can resume.
 */
public final class BlobWriter implements AutoCloseable {
    private final BlobStore store;
    private final Path partial;
    private final Optional<Digest> expected;
    private final long maxBytes;
    private final MessageDigest sha = Digest.newSha256();
    private final FileChannel channel;
    private long offset;
    private boolean committed;

    BlobWriter(BlobStore store, Path partial, Optional<Digest> expected, long maxBytes) throws IOException {
        this.store = store;
        this.partial = partial;
        this.expected = expected;
        this.maxBytes = maxBytes;
        this.channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        // Resuming: the bytes already on disk are part of the hash, so re-read them once.
        try (InputStream in = Files.newInputStream(partial)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                offset += n;
            }
        }
        channel.position(offset);
    }

    /** Bytes already written (non-zero when resuming an interrupted download). */
    public long offset() {
        return offset;
    }

    /** Discards what was written so far (the server ignored our Range request and sent everything). */
    public void restart() throws IOException {
        channel.truncate(0);
        channel.position(0);
        sha.reset();
        offset = 0;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (offset + len > maxBytes) {
            throw new IOException("blob " + expected.map(Digest::toString).orElse("(unnamed)")
                    + " is larger than the limit of " + maxBytes + " bytes");
        }
        sha.update(b, off, len);
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        offset += len;
    }

    public Digest commit() throws IOException {
        Digest actual = Digest.fromHash(sha.digest());
        channel.force(true);
        channel.close();
        if (expected.isPresent() && !expected.get().equals(actual)) {
            Files.deleteIfExists(partial);
            committed = true;
            throw new IOException("content does not match its digest: expected " + expected.get()
                    + ", got " + actual + " (" + offset + " bytes); the data was discarded");
        }
        if (store.exists(actual)) {
            Files.deleteIfExists(partial);
        } else {
            store.commitFile(partial, actual);
        }
        committed = true;
        return actual;
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
        if (!committed && expected.isEmpty()) {
            Files.deleteIfExists(partial);
        }
    }
}
