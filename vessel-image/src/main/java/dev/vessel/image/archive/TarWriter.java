package dev.vessel.image.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Writes archive members with fixed metadata, so saving the same image twice gives the same bytes. */
final class TarWriter implements AutoCloseable {
    private static final FileTime EPOCH = FileTime.from(Instant.EPOCH);
    private final TarArchiveOutputStream tar;

    TarWriter(OutputStream out) {
        tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    void file(String name, byte[] content) throws IOException {
        file(name, new java.io.ByteArrayInputStream(content), content.length);
    }

    void file(String name, InputStream content, long size) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644);
        e.setModTime(EPOCH);
        tar.putArchiveEntry(e);
        long n = content.transferTo(tar);
        if (n != size) {
            throw new IOException("archive member " + name + ": wrote " + n + " bytes, expected " + size);
        }
        // Read to EOF so a VerifyingInputStream gets to check the digest before the entry is closed.
        if (content.read() != -1) {
            throw new IOException("archive member " + name + " is longer than " + size + " bytes");
        }
        tar.closeArchiveEntry();
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.flush();
    }
}
