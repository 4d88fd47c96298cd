package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.linux.LibC;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container's session keyring, as the container's own process sees it in /proc/keys. The
 * process runs as uid 1000, which sees root's keyrings only if it possesses them, i.e. only its
 * own session keyring. The caller (a thread of this test) has a session keyring of its own, so
 * "the caller's keyring" is a keyring nothing else has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionKeyringIT extends RootRuntimeTest {

    static final long SYS_KEYCTL = 250;
    static final int KEYCTL_GET_KEYRING_ID = 0, KEYCTL_JOIN_SESSION_KEYRING = 1, KEY_SPEC_SESSION_KEYRING = -3;
    static final int KEY_USR_SEARCH = 0x80000;

    @BeforeEach
    void keyrings() {
        assumeTrue(Files.exists(Path.of("/proc/keys")), "needs a kernel with keyrings (/proc/keys)");
    }

    /** One line of /proc/keys: id, perm, type, description (without its ": summary"). */
    record Key(long id, long perm, String type, String description) {
        static Key parse(String line) {
            String[] f = line.trim().split("\\s+", 9);
            return new Key(Long.parseLong(f[0], 16), Long.parseLong(f[4], 16), f[7], f[8].replaceFirst(":[^:]*$", ""));
        }
    }

    /** Runs {@code body} in a new thread whose session keyring is a fresh one named {@code name}; returns [keyring id, result]. */
    static <T> Object[] withOwnSessionKeyring(String name, Callable<T> body) throws Exception {
        CompletableFuture<Object[]> done = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                // Credentials are per thread: only this thread (and what it spawns) changes keyring.
                long id = LibC.syscall(SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, arena.allocateFrom(name).address(), 0, 0);
                assertTrue(id > 0, "keyctl(JOIN_SESSION_KEYRING): " + id);
                assertEquals(id, LibC.syscall(SYS_KEYCTL, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0));
                done.complete(new Object[] {id, body.call()});
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done.get(100, TimeUnit.SECONDS);
    }

    /** A bundle whose process runs {@code script} as uid 1000, with /proc/keys not masked. */
    private void bundleAsUser(String script) throws Exception {
        ObjectNode c = Bundles.create(bundle, script);
        ((ObjectNode) c.get("process").get("user")).put("uid", 1000).put("gid", 1000);
        ArrayNode masked = (ArrayNode) c.get("linux").get("maskedPaths");
        for (int i = masked.size() - 1; i >= 0; i--) {
            if (masked.get(i).asText().equals("/proc/keys")) {
                masked.remove(i);
            }
        }
        Bundles.write(bundle, c);
        Files.setPosixFilePermissions(bundle.resolve("out"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private List<Key> keys(String file) throws Exception {
        return Bundles.lines(bundle, file).stream().filter(l -> !l.isBlank()).map(Key::parse).toList();
    }

    private static Key named(List<Key> keys, String description) {
        return keys.stream().filter(k -> k.type().equals("keyring") && k.description().equals(description)).findFirst().orElse(null);
    }

    private static boolean has(List<Key> keys, long id) {
        return keys.stream().anyMatch(k -> k.id() == id);
    }

    @Test
    void byDefaultTheContainerHasANewSearchableSessionKeyring() throws Exception {
        bundleAsUser("cat /proc/keys > /out/keys");
        Object[] r = withOwnSessionKeyring("vessel-it-caller-1", () -> rt.run(opts("kr-default"), false, false));
        assertEquals(0, r[1]);
        List<Key> keys = keys("keys");
        Key ses = named(keys, "_ses.kr-default");
        assertNotNull(ses, "the container's session keyring _ses.kr-default: " + keys);
        assertTrue((ses.perm() & KEY_USR_SEARCH) != 0, "searchable by its uid, as runc sets it: " + Long.toHexString(ses.perm()));
        assertFalse(has(keys, (long) r[0]), "not the caller's keyring: " + keys);
    }

    @Test
    void noNewKeyringKeepsTheCallersSessionKeyring() throws Exception {
        bundleAsUser("cat /proc/keys > /out/keys");
        Object[] r = withOwnSessionKeyring("vessel-it-caller-2",
                () -> rt.run(new CreateOptions("kr-nonew", bundle, null, null, 0, false, true), false, false));
        assertEquals(0, r[1]);
        List<Key> keys = keys("keys");
        assertTrue(has(keys, (long) r[0]), "the caller's keyring " + Long.toHexString((long) r[0]) + ": " + keys);
        assertEquals(null, named(keys, "_ses.kr-nonew"));
    }

    @Test
    void execJoinsTheContainersKeyringUnlessCreateKeptTheCallers() throws Exception {
        bundleAsUser("cat /proc/keys > /out/keys; sleep 60");
        withOwnSessionKeyring("vessel-it-caller-3", () -> {
            rt.create(opts("kr-exec"));
            rt.start("kr-exec");
            return null;
        });
        rt.create(new CreateOptions("kr-exec-nonew", bundle, null, null, 0, false, true));
        Object[] r = withOwnSessionKeyring("vessel-it-exec-caller", () -> List.of(exec("kr-exec", "exec-keys"),
                exec("kr-exec-nonew", "exec-nonew-keys")));
        assertEquals(List.of(0, 0), r[1]);
        for (int i = 0; i < 500 && !Files.exists(bundle.resolve("out/keys")); i++) {
            Thread.sleep(20);
        }
        Key ses = named(keys("keys"), "_ses.kr-exec");
        assertNotNull(ses, "the container's keyring, seen by its init");
        assertEquals(ses, named(keys("exec-keys"), "_ses.kr-exec"), "exec joined that same keyring, by name");
        assertFalse(has(keys("exec-keys"), (long) r[0]));
        List<Key> nonew = keys("exec-nonew-keys");
        assertTrue(has(nonew, (long) r[0]), "with --no-new-keyring at create, exec keeps its caller's: " + nonew);
        assertEquals(null, named(nonew, "_ses.kr-exec-nonew"));
    }

    /** With a user namespace runc makes the keyring searchable by "other": the container's uids are not its owner's. */
    @Test
    void inAUserNamespaceTheKeyringIsSearchableByOthers() throws Exception {
        ObjectNode c = Bundles.create(bundle, "cat /proc/keys > /out/keys");
        ObjectNode linux = (ObjectNode) c.get("linux");
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
        linux.putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        linux.putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        ArrayNode masked = (ArrayNode) linux.get("maskedPaths");
        for (int i = masked.size() - 1; i >= 0; i--) {
            if (masked.get(i).asText().equals("/proc/keys")) {
                masked.remove(i);
            }
        }
        Bundles.write(bundle, c);
        Files.setPosixFilePermissions(bundle.resolve("out"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // the mapped root must reach the rootfs
        // A rootfs for the namespace, owned by its root, which makes the mount points in it.
        assertEquals(0, new ProcessBuilder("chown", "-hR", "100000:100000", bundle.resolve("rootfs").toString()).start().waitFor());
        assertEquals(0, rt.run(opts("kr-userns"), false, false));
        Key ses = named(keys("keys"), "_ses.kr-userns");
        assertNotNull(ses, "the container's keyring: " + keys("keys"));
        assertTrue((ses.perm() & 0x8) != 0, "KEY_OTH_SEARCH: " + Long.toHexString(ses.perm()));
        assertEquals(0, ses.perm() & KEY_USR_SEARCH, "only what runc adds: " + Long.toHexString(ses.perm()));
    }

    private int exec(String id, String out) {
        return rt.exec(new ExecOptions(id, null, List.of("sh", "-c", "cat /proc/keys > /out/" + out), null, List.of(), false,
                "1000:1000", List.of(), false, null, false, List.of(), 0, null, false, null, null));
    }
}
