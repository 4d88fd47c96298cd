package dev.vessel.vmm.devices.virtio.blk;

import dev.vessel.linux.Errno;
import dev.vessel.linux.LibC;
import dev.vessel.vmm.devices.HostLibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image file: positional reads and writes through a {@link FileChannel}, discard as
 * a punched hole. The image size is fixed when it is opened; it must be a whole number of
 * 512-byte sectors so that the guest sees every byte.
 */
public final class DiskImage implements AutoCloseable {

    public static final int SECTOR = 512;

    private final Path path;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long size;
    /** A second descriptor for fallocate(2), which FileChannel does not offer; -1 when read-only. */
    private final int fd;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);

    private DiskImage(Path path, FileChannel channel, boolean readOnly, long size, int fd) {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = size;
        this.fd = fd;
    }

    /** Opens {@code path}; the error names the file and says what to do. */
    public static DiskImage open(Path path, boolean readOnly) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "disk image does not exist or is not a regular file (create one with: truncate -s 1G FILE)");
        }
        FileChannel channel = readOnly
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size == 0 || size % SECTOR != 0) {
                throw new IOException("disk image " + path + ": size " + size
                        + " is not a positive multiple of 512 bytes (resize it with: truncate -s SIZE FILE)");
            }
            int fd = -1;
            if (!readOnly) {
                fd = LibC.open(path.toString(), 02 | 02000000, 0); // O_RDWR | O_CLOEXEC
                if (fd < 0) {
                    throw new IOException("disk image " + path + ": open: " + Errno.describe(-fd));
                }
            }
            return new DiskImage(path, channel, readOnly, size, fd);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public long size() {
        return size;
    }

    /** Reads until {@code dst} is full; bytes past the end of the file read as zero. */
    public void read(ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            position += n;
        }
    }

    public void write(ByteBuffer src, long position) throws IOException {
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    public void flush() throws IOException {
        if (!readOnly) {
            channel.force(false);
        }
    }

    /**
     * Makes [position, position+length) read as zeros, freeing the blocks when the file system
     * can (discard, write-zeroes with unmap); falls back to writing zeros where it cannot.
     */
    public void zero(long position, long length, boolean unmap) throws IOException {
        int mode = unmap ? HostLibC.FALLOC_FL_PUNCH_HOLE | HostLibC.FALLOC_FL_KEEP_SIZE
                : HostLibC.FALLOC_FL_ZERO_RANGE | HostLibC.FALLOC_FL_KEEP_SIZE;
        int r = HostLibC.fallocate(fd, mode, position, length);
        if (r == 0) {
            return;
        }
        if (r != -Errno.EOPNOTSUPP.number()) {
            throw new IOException("disk image " + path + ": fallocate: " + Errno.describe(-r));
        }
        // The file system cannot punch holes (EOPNOTSUPP): zeros written are just as correct.
        long end = position + length;
        while (position < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - position));
            write(zeros, position);
            position += zeros.limit();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }
}
