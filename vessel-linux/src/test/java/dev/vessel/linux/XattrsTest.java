package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrsTest {

    @TempDir
    Path dir;

    /** A file with a user.* xattr, or the test is skipped where the temp filesystem has none. */
    private String fileWithXattrs() throws Exception {
        String f = Files.writeString(dir.resolve("f"), "x").toString();
        try {
            Xattrs.set(f, "user.probe", new byte[] {1});
        } catch (LinuxException e) {
            assumeTrue(!e.is(Errno.EOPNOTSUPP), "the temp directory's filesystem has no user.* xattrs");
            throw e;
        }
        return f;
    }

    @Test
    void binaryAndLargeValuesRoundTripByteForByte() throws Exception {
        String f = fileWithXattrs();
        byte[] binary = {0, (byte) 0xff, '\n', 0, '='};
        byte[] big = new byte[2500]; // past the first 256-byte buffer: the ERANGE retry must happen
        new Random(7).nextBytes(big);
        Xattrs.set(f, "user.bin", binary);
        Xattrs.set(f, "user.big", big);
        Xattrs.set(f, "user.empty", new byte[0]);
        assertArrayEquals(binary, Xattrs.get(f, "user.bin"));
        assertArrayEquals(big, Xattrs.get(f, "user.big"));
        assertArrayEquals(new byte[0], Xattrs.get(f, "user.empty"));
        assertNull(Xattrs.get(f, "user.absent"));
    }

    @Test
    void listGivesEveryNameWithItsValueEvenPastTheSmallBuffer() throws Exception {
        String f = fileWithXattrs();
        // 40 names of ~20 bytes: a name list longer than the first buffer.
        for (int i = 0; i < 40; i++) {
            Xattrs.set(f, "user.name-number-" + i, new byte[] {(byte) i});
        }
        Map<String, byte[]> all = Xattrs.list(f);
        assertEquals(41, all.size());
        assertArrayEquals(new byte[] {1}, all.get("user.probe"));
        assertArrayEquals(new byte[] {39}, all.get("user.name-number-39"));
    }

    @Test
    void aSymlinkIsNotFollowed() throws Exception {
        String f = fileWithXattrs();
        String link = Files.createSymbolicLink(dir.resolve("l"), Path.of(f)).toString();
        assertEquals(List.of(), List.copyOf(Xattrs.list(link).keySet()));
        assertNull(Xattrs.get(link, "user.probe"));
        // The kernel allows user.* only on regular files and directories.
        LinuxException e = assertThrows(LinuxException.class, () -> Xattrs.set(link, "user.x", new byte[] {1}));
        assertTrue(e.is(Errno.EPERM), e.getMessage());
    }

    @Test
    void failuresNameTheCallThePathAndTheErrno() {
        String missing = dir.resolve("missing").toString();
        LinuxException e = assertThrows(LinuxException.class, () -> Xattrs.list(missing));
        assertEquals("llistxattr(\"" + missing + "\"): ENOENT (No such file or directory)", e.getMessage());
        e = assertThrows(LinuxException.class, () -> Xattrs.set(missing, "user.a", new byte[3]));
        assertEquals("lsetxattr(\"" + missing + "\", \"user.a\", <3 bytes>, 0): ENOENT (No such file or directory)",
                e.getMessage());
    }
}
