package dev.vessel.vmm.devices.virtio.blk;

import dev.vessel.linux.Errno;
import dev.vessel.linux.LibC;
import dev.vessel.linux.FileData;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A raw disk image file, read and written with pread/pwrite straight between the file and host
 * memory (guest RAM), discarded with punched holes. The size is fixed when the image is opened
 * and must be a whole number of 512-byte sectors so that the guest sees every byte.
 */
public final class DiskImage implements AutoCloseable {

    public static final int SECTOR = 512;
    static final int O_RDONLY = 0, O_RDWR = 02, O_CLOEXEC = 02000000;
    private static final int ZEROS = 64 * 1024;

    private final Path path;
    private final int fd;
    private final boolean readOnly;
    private final long size;
    /** Source of zeros where the file system cannot punch holes; never written to. */
    private final MemorySegment zeros = Arena.ofAuto().allocate(ZEROS, 4096);
    private boolean closed;

    private DiskImage(Path path, int fd, boolean readOnly, long size) {
        this.path = path;
        this.fd = fd;
        this.readOnly = readOnly;
        this.size = size;
    }

    /** Opens {@code path}; the error names the file and says what to do. */
    public static DiskImage open(Path path, boolean readOnly) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "disk image does not exist or is not a regular file (create one with: truncate -s 1G FILE)");
        }
        long size = Files.size(path);
        if (size == 0 || size % SECTOR != 0) {
            throw new IOException("disk image " + path + ": size " + size
                    + " is not a positive multiple of 512 bytes (resize it with: truncate -s SIZE FILE)");
        }
        int fd = LibC.open(path.toString(), (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("disk image " + path + ": open" + (readOnly ? "" : " for writing") + ": "
                    + Errno.describe(-fd) + (readOnly ? "" : " (use ,ro for a read-only disk)"));
        }
        return new DiskImage(path, fd, readOnly, size);
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

    /**
     * Reads {@code length} bytes at {@code position} into host memory at {@code address}
     * (see {@link FileData#pread} for the contract); bytes past the end of the file read as zero.
     */
    public void read(long address, long length, long position) throws IOException {
        while (length > 0) {
            long n = FileData.pread(fd, address, length, position);
            if (n == -Errno.EINTR.number()) {
                continue;
            }
            if (n < 0) {
                throw new IOException("disk image " + path + ": pread at " + position + ": " + Errno.describe((int) -n));
            }
            if (n == 0) {
                // The file shrank under us: what is gone reads as zeros, as a sparse hole would.
                zeroMemory(address, length);
                return;
            }
            address += n;
            length -= n;
            position += n;
        }
    }

    private void zeroMemory(long address, long length) {
        // SAFETY: the caller's contract says [address, address+length) is mapped guest RAM.
        MemorySegment.ofAddress(address).reinterpret(length).fill((byte) 0);
    }

    /** Writes {@code length} bytes from host memory at {@code address} to {@code position}. */
    public void write(long address, long length, long position) throws IOException {
        while (length > 0) {
            long n = FileData.pwrite(fd, address, length, position);
            if (n == -Errno.EINTR.number()) {
                continue;
            }
            if (n < 0) {
                throw new IOException("disk image " + path + ": pwrite at " + position + ": " + Errno.describe((int) -n));
            }
            address += n;
            length -= n;
            position += n;
        }
    }

    public void flush() throws IOException {
        if (readOnly) {
            return;
        }
        int r = FileData.fdatasync(fd);
        if (r < 0) {
            throw new IOException("disk image " + path + ": fdatasync: " + Errno.describe(-r));
        }
    }

    /**
     * Makes [position, position+length) read as zeros, freeing the blocks when the file system
     * can (discard, write-zeroes with unmap); falls back to writing zeros where it cannot.
     */
    public void zero(long position, long length, boolean unmap) throws IOException {
        int mode = unmap ? FileData.FALLOC_FL_PUNCH_HOLE | FileData.FALLOC_FL_KEEP_SIZE
                : FileData.FALLOC_FL_ZERO_RANGE | FileData.FALLOC_FL_KEEP_SIZE;
        int r = FileData.fallocate(fd, mode, position, length);
        if (r == 0) {
            return;
        }
        if (r != -Errno.EOPNOTSUPP.number()) {
            throw new IOException("disk image " + path + ": fallocate: " + Errno.describe(-r));
        }
        // The file system cannot punch holes (EOPNOTSUPP): zeros written are just as correct.
        long end = position + length;
        while (position < end) {
            long n = Math.min(ZEROS, end - position);
            write(zeros.address(), n, position);
            position += n;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
