package dev.vessel.runtime.cgroups;

import dev.vessel.linux.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing cgroupfs files with errors a user can act on. Plain file IO is enough:
 * the kernel reports a refused value as the errno of {@code write(2)}, which the JDK turns
 * into an {@link IOException} carrying {@code strerror}'s text; {@link #errno} maps it back
 * to the errno name.
 */
public final class CgroupFiles {
    private CgroupFiles() {}

    /**
     * Writes {@code value} to {@code dir/file} in one {@code write(2)}, as the kernel wants
     * (a value split over two writes is two values). {@code who} names the controller for the
     * error, e.g. {@code "cgroup v1 memory"}.
     */
    public static void write(String who, Path dir, String file, String value) {
        try (FileChannel ch = FileChannel.open(dir.resolve(file),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
            int n = ch.write(buf);
            if (buf.hasRemaining()) {
                // Never expected from cgroupfs; a partial write would be a different value.
                throw new CgroupException(who + ": writing " + value + " to " + file + ": short write (" + n + " bytes)");
            }
        } catch (IOException e) {
            throw writeError(who, file, value, e, "");
        }
    }

    /** The exception for a failed write, with {@code hint} (may be empty) appended in parentheses. */
    public static CgroupException writeError(String who, String file, String value, IOException e, String hint) {
        String errno = errno(e);
        String h = hint.isEmpty() ? defaultHint(file, errno) : hint;
        return new CgroupException(who + ": writing " + value + " to " + file + ": " + reason(e)
                + (errno == null ? "" : " (" + errno + ")") + (h.isEmpty() ? "" : " (" + h + ")"), errno, e);
    }

    public static String read(String who, Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            String errno = errno(e);
            throw new CgroupException(who + ": reading " + dir.resolve(file) + ": " + reason(e)
                    + (errno == null ? "" : " (" + errno + ")"), errno, e);
        }
    }

    public static boolean exists(Path dir, String file) {
        return Files.exists(dir.resolve(file));
    }

    /** A single number; {@code max} (unlimited) reads as {@link CgroupStats#UNLIMITED}. */
    public static long readLong(String who, Path dir, String file) {
        return parseLong(who, file, read(who, dir, file));
    }

    /** {@link #readLong}, or 0 when the file does not exist (a controller feature this kernel lacks). */
    public static long readLongOrZero(String who, Path dir, String file) {
        return exists(dir, file) ? readLong(who, dir, file) : 0;
    }

    public static long parseLong(String who, String file, String text) {
        if (text.equals("max")) {
            return CgroupStats.UNLIMITED;
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new CgroupException(who + ": " + file + " holds \"" + text + "\", not a number");
        }
    }

    /** A flat-keyed file ({@code memory.stat}, {@code cpu.stat}): "key value" per line. */
    public static Map<String, Long> readKeyValues(String who, Path dir, String file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : read(who, dir, file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                out.put(kv[0], parseLong(who, file, kv[1]));
            }
        }
        return out;
    }

    /** The errno name behind an IO failure, or null when it does not look like one. */
    public static String errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "ENOENT";
        }
        if (e instanceof AccessDeniedException) {
            return "EACCES";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "EEXIST";
        }
        // The JDK reports strerror's text; glibc's texts are what vessel-linux's Errno holds.
        String reason = reason(e);
        for (Errno n : Errno.values()) {
            if (n.text().equals(reason)) {
                return n.name();
            }
        }
        return null;
    }

    /** strerror's text: the JDK puts it in the reason of a FileSystemException, else the message. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String defaultHint(String file, String errno) {
        if (errno == null) {
            return "";
        }
        return switch (errno) {
            case "ENOENT" -> "this kernel's cgroup has no " + file + "; is the controller enabled?";
            case "EACCES", "EPERM", "EROFS" -> "cgroup files need root (or a delegated cgroup) and a writable cgroupfs";
            case "ESRCH" -> "the process has already exited";
            default -> "";
        };
    }
}
