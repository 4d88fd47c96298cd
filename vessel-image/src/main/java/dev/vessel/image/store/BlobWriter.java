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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

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
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private final ReentrantLock jvmLock;
    private final FileChannel lockChannel;
    private final FileChannel channel;
    private long offset;
    private boolean committed;
    private boolean released;

    BlobWriter(BlobStore store, Path partial, Optional<Digest> expected, long maxBytes) throws IOException {
        this.store = store;
        this.partial = partial;
        this.expected = expected;
        this.maxBytes = maxBytes;
        // Two pulls of the same blob (threads of one JVM, or two processes) share the partial
        // file's name. A lock file that is never renamed serialises them: the second waits, then
        // finds the blob stored, or resumes what the first left. (Locking the partial itself would
        // not do: the holder renames it into the store, and the waiter would then hold the blob.)
        this.jvmLock = JVM_LOCKS.computeIfAbsent(partial, k -> new ReentrantLock());
        jvmLock.lock();
        FileChannel lc = null;
        try {
            lc = FileChannel.open(partial.resolveSibling(partial.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lc.lock();
        } catch (IOException | RuntimeException e) {
            if (lc != null) {
                lc.close();
            }
            jvmLock.unlock();
            throw e;
        }
        this.lockChannel = lc;
        if (expected.isPresent() && store.exists(expected.get())) {
            this.channel = null;
            this.committed = true;
            return;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // Resuming: the bytes already on disk are part of the hash, so re-read them once.
            try (InputStream in = Files.newInputStream(partial)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    offset += n;
                }
            }
            ch.position(offset);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            lockChannel.close();
            jvmLock.unlock();
            throw e;
        }
        this.channel = ch;
    }

    /** True when another writer stored this blob while we waited for it: there is nothing to write. */
    public boolean alreadyStored() {
        return channel == null;
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
        if (channel == null) {
            throw new IllegalStateException("blob " + expected.orElseThrow() + " is already stored; check alreadyStored()");
        }
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
        if (channel == null) {
            return expected.orElseThrow();
        }
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
        if (released) {
            return;
        }
        released = true;
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
            if (!committed && expected.isEmpty()) {
                Files.deleteIfExists(partial);
            }
            if (expected.isEmpty()) {
                Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".lock")); // a unique name: nobody waits on it
            }
        } finally {
            lockChannel.close(); // releases the file lock
            jvmLock.unlock();
        }
    }
}
