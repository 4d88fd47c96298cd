package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InodesTest {

    @TempDir
    Path dir;

    @Test
    void fifoGetsTimesWithoutBeingOpened() throws Exception {
        Path p = dir.resolve("fifo");
        Inodes.fifo(p.toString(), 0600);
        assertEquals(FileMetadata.S_IFIFO, (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        // Opening a FIFO with no writer would block this thread for ever: reaching the asserts proves it was not.
        Instant t = Instant.parse("2001-02-03T04:05:06.123456789Z");
        Inodes.setTimes(p.toString(), t, t);
        assertEquals(FileTime.from(t), Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void timesOfASymlinkAreItsOwn() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "x");
        FileTime before = Files.getLastModifiedTime(target);
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        Instant atime = Instant.ofEpochSecond(1000);
        Instant mtime = Instant.ofEpochSecond(2000, 5);
        Inodes.setTimes(link.toString(), atime, mtime);
        assertEquals(FileTime.from(mtime), Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals(FileTime.from(atime), Files.getAttribute(link, "lastAccessTime", LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, Files.getLastModifiedTime(target), "the target is untouched");
    }

    @Test
    void failuresNameTheCallItsArgumentsAndTheErrno() throws Exception {
        Path p = Files.writeString(dir.resolve("exists"), "x");
        LinuxException e = assertThrows(LinuxException.class, () -> Inodes.fifo(p.toString(), 0644));
        assertEquals("mkfifo(\"" + p + "\", 0644): EEXIST (File exists)", e.getMessage());
        e = assertThrows(LinuxException.class, () -> Inodes.charDevice(p.toString(), 0620, 4, 70000));
        assertEquals("mknod(\"" + p + "\", S_IFCHR|0620, makedev(4, 70000)): EEXIST (File exists)", e.getMessage());
        String missing = dir.resolve("missing").toString();
        e = assertThrows(LinuxException.class, () -> Inodes.setTimes(missing, Instant.EPOCH, Instant.EPOCH));
        assertTrue(e.is(Errno.ENOENT), e.getMessage());
        assertTrue(e.getMessage().startsWith("utimensat(AT_FDCWD, \"" + missing + "\""), e.getMessage());
    }

    @Test
    void makedevSplitsMajorAndMinorAsGlibcDoes() {
        assertEquals(0x0103, FileMetadata.makedev(1, 3)); // /dev/null
        // gnu_dev_makedev(0x12345, 0x6789a) from sys/sysmacros.h
        assertEquals(0x0001_2000_6783_459aL, FileMetadata.makedev(0x12345, 0x6789a));
    }
}
