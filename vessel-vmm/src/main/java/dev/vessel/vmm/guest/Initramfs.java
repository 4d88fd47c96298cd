package dev.vessel.vmm.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes an initramfs: a cpio archive in the "newc" format the kernel unpacks into rootfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst). Each entry is a 110-byte ASCII
 * header ("070701" and thirteen 8-digit hex fields), the NUL-terminated name padded to a
 * multiple of 4, then the data padded to a multiple of 4; "TRAILER!!!" ends the archive.
 *
 * <p>Timestamps and owners are fixed (mtime 0, root) so the same entries always give the same
 * bytes and the archive can be cached by content hash. Missing parent directories are added
 * (0755) because the kernel's unpacker does not create them.
 */
public final class Initramfs {

    public static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000, S_IFCHR = 0020000, S_IFBLK = 0060000;

    /** One archive member; {@code data} is the file content or the symlink target. */
    public record Entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public Initramfs directory(String path, int permissions) {
        return add(path, S_IFDIR | (permissions & 07777), new byte[0], 0, 0);
    }

    public Initramfs file(String path, int permissions, byte[] content) {
        return add(path, S_IFREG | (permissions & 07777), content, 0, 0);
    }

    public Initramfs symlink(String path, String target) {
        return add(path, S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    public Initramfs charDevice(String path, int permissions, int major, int minor) {
        return add(path, S_IFCHR | (permissions & 07777), new byte[0], major, minor);
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    private Initramfs add(String path, int mode, byte[] data, int major, int minor) {
        String name = normalize(path);
        if (!names.add(name)) {
            throw new IllegalArgumentException("initramfs path " + path + " is added twice");
        }
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !names.contains(name.substring(0, slash))) {
            directory(name.substring(0, slash), 0755);
        }
        entries.add(new Entry(name, mode, data, major, minor));
        return this;
    }

    /** Archive names are relative ("bin/sh"); "." and ".." components are refused. */
    private static String normalize(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.contains("//") || p.contains("\0")) {
            throw new IllegalArgumentException("initramfs path \"" + path + "\" is empty or malformed");
        }
        for (String part : p.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("initramfs path \"" + path + "\" contains " + part);
            }
        }
        return p;
    }

    public void writeTo(OutputStream out) throws IOException {
        int ino = 1;
        for (Entry e : entries) {
            int nlink = (e.mode & 0170000) == S_IFDIR ? 2 : 1;
            writeEntry(out, e.name, ino++, e.mode, nlink, e.data, e.rdevMajor, e.rdevMinor);
        }
        writeEntry(out, "TRAILER!!!", 0, 0, 1, new byte[0], 0, 0);
    }

    public byte[] toBytes() {
        var out = new java.io.ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeEntry(OutputStream out, String name, int ino, int mode, int nlink, byte[] data,
                                   int rdevMajor, int rdevMinor) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append("070701");
        for (long field : new long[] {ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor,
                nameBytes.length + 1, 0}) {
            h.append(String.format("%08x", field));
        }
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(nameBytes);
        out.write(0);
        pad(out, 110 + nameBytes.length + 1);
        out.write(data);
        pad(out, data.length);
    }

    private static void pad(OutputStream out, long written) throws IOException {
        for (long i = written; i % 4 != 0; i++) {
            out.write(0);
        }
    }
}
