package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.Poll;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OCI lifecycle's create-time hooks at their moment: after the rootfs is mounted, before the
 * pivot; prestart and createRuntime in the runtime's namespaces, createContainer in the
 * container's (its mount namespace, where the spec's mounts live beneath the rootfs).
 */
class CreateHooksIT extends RootRuntimeTest {

    /** The busybox bundle with a tmpfs at /hooked that only the container's mount namespace has. */
    private ObjectNode bundleWithTmpfs(String script) throws IOException {
        ObjectNode c = Bundles.create(bundle, script);
        ObjectNode m = ((ArrayNode) c.get("mounts")).addObject();
        m.put("destination", "/hooked").put("type", "tmpfs").put("source", "tmpfs");
        m.putArray("options").add("nosuid").add("nodev");
        return c;
    }

    private static void hook(ObjectNode c, String phase, String script) {
        ObjectNode hooks = c.has("hooks") ? (ObjectNode) c.get("hooks") : c.putObject("hooks");
        ArrayNode list = hooks.has(phase) ? (ArrayNode) hooks.get(phase) : hooks.putArray(phase);
        ObjectNode h = list.addObject();
        h.put("path", "/bin/sh");
        h.putArray("args").add("sh").add("-c").add(script);
    }

    private Path rootfs() throws IOException {
        return bundle.resolve("rootfs").toRealPath();
    }

    private Path out() throws IOException {
        return bundle.resolve("out").toRealPath();
    }

    @Test
    void createContainerSeesTheMountedRootfsBeforeThePivotAndWritesIntoIt() throws Exception {
        ObjectNode c = bundleWithTmpfs("cat /hooked/from-hook > /out/seen; readlink /proc/self/ns/mnt > /out/ns;"
                + " cat /proc/self/cgroup > /out/cgroup");
        Path rootfs = rootfs();
        Path out = out();
        hook(c, "createContainer", "grep -c ' " + rootfs + "/hooked ' /proc/self/mountinfo > " + out + "/cc-mounts;"
                // The host's files outside the rootfs are there: / is still the host's root.
                + " test -f " + bundle.toRealPath() + "/config.json && echo host-root > " + out + "/cc-root;"
                + " readlink /proc/self/ns/mnt > " + out + "/cc-ns; cat /proc/self/cgroup > " + out + "/cc-cgroup;"
                + " echo written-by-hook > " + rootfs + "/hooked/from-hook");
        Bundles.write(bundle, c);
        assertEquals(0, rt.run(opts("cchook"), false, false));
        assertEquals("1", Bundles.out(bundle, "cc-mounts"), "the spec's tmpfs is mounted at ROOTFS/hooked for the hook");
        assertEquals("host-root", Bundles.out(bundle, "cc-root"), "no pivot_root yet: the hook's / is the host's");
        assertEquals(Bundles.out(bundle, "ns"), Bundles.out(bundle, "cc-ns"), "the hook is in the container's mount namespace");
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), Bundles.out(bundle, "cc-ns"));
        assertEquals("written-by-hook", Bundles.out(bundle, "seen"), "the container process sees what the hook wrote");
        assertEquals(Bundles.out(bundle, "cgroup"), Bundles.out(bundle, "cc-cgroup"), "the hook is in the container's cgroup");
    }

    /** The hooks' helper opens the namespaces before joining the user one: the waiting child is not dumpable yet. */
    @Test
    void createAndStartContainerHooksJoinAUserNamespace() throws Exception {
        ObjectNode c = bundleWithTmpfs("cat /hooked/note > /out/seen.tmp; mv /out/seen.tmp /out/seen; sleep 30");
        ObjectNode linux = (ObjectNode) c.get("linux");
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
        linux.putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        linux.putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        Path rootfs = rootfs();
        hook(c, "createContainer", "(grep -c ' " + rootfs + "/hooked ' /proc/self/mountinfo; cat /proc/self/uid_map) > "
                + rootfs + "/hooked/note");
        hook(c, "startContainer", "cat /proc/self/uid_map > /out/start-uidmap");
        Bundles.write(bundle, c);
        Files.setPosixFilePermissions(bundle.resolve("out"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // the mapped root must reach the rootfs
        assertEquals(0, new ProcessBuilder("chown", "-hR", "100000:100000", rootfs.toString()).start().waitFor());
        rt.create(opts("ushook"));
        rt.start("ushook");
        Poll.until(() -> Files.exists(bundle.resolve("out/seen")));
        List<String> seen = Bundles.lines(bundle, "seen");
        assertEquals("1", seen.get(0), "createContainer saw the tmpfs: " + seen);
        assertEquals(List.of("0", "100000", "65536"), List.of(seen.get(1).trim().split("\\s+")), "in the user namespace: " + seen);
        assertEquals(List.of("0", "100000", "65536"), List.of(Bundles.out(bundle, "start-uidmap").split("\\s+")));
    }

    @Test
    void prestartAndCreateRuntimeRunInTheRuntimesMountNamespaceAndSeeThePid() throws Exception {
        // Written whole, then renamed: the test polls for the name.
        ObjectNode c = bundleWithTmpfs("readlink /proc/self/ns/net > /out/net.tmp; mv /out/net.tmp /out/net; sleep 30");
        Path rootfs = rootfs();
        Path out = out();
        for (String phase : List.of("prestart", "createRuntime")) {
            hook(c, phase, "state=$(cat); pid=$(echo \"$state\" | sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/');"
                    + " echo \"$state\" > " + out + "/" + phase + "-state;"
                    + " grep -c ' " + rootfs + "/hooked ' /proc/self/mountinfo > " + out + "/" + phase + "-mounts;"
                    + " nsenter --net=/proc/$pid/ns/net readlink /proc/self/ns/net > " + out + "/" + phase + "-net");
        }
        Bundles.write(bundle, c);
        rt.create(opts("rthook"));
        int pid = rt.state("rthook").pid();
        rt.start("rthook");
        Poll.until(() -> Files.exists(out.resolve("net")));
        for (String phase : List.of("prestart", "createRuntime")) {
            assertEquals("0", Bundles.out(bundle, phase + "-mounts"), phase + " is not in the container's mount namespace");
            String state = Bundles.out(bundle, phase + "-state");
            assertTrue(state.contains("\"status\":\"creating\""), state);
            assertTrue(state.contains("\"pid\":" + pid + ","), "the container's host pid in " + state);
            assertEquals(Bundles.out(bundle, "net"), Bundles.out(bundle, phase + "-net"), phase + " entered the container's net namespace");
        }
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), Bundles.out(bundle, "net"));
    }

    @Test
    void orderHolds() throws Exception {
        ObjectNode c = Bundles.create(bundle, "sleep 30");
        Path order = out().resolve("order");
        for (String phase : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart")) {
            // startContainer runs after the pivot: its paths are the container's.
            hook(c, phase, "echo " + phase + " >> " + (phase.equals("startContainer") ? "/out/order" : order.toString()));
        }
        Bundles.write(bundle, c);
        rt.create(opts("order"));
        assertEquals(List.of("prestart", "createRuntime", "createContainer"), Files.readAllLines(order));
        rt.start("order");
        assertEquals(List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart"),
                Files.readAllLines(order));
    }

    @Test
    void aFailingCreateContainerHookRollsEverythingBack() throws Exception {
        ObjectNode c = bundleWithTmpfs("true");
        Path out = out();
        hook(c, "createContainer", "sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/' > " + out + "/pid; exit 3");
        Bundles.write(bundle, c);
        RuntimeError e = assertThrows(RuntimeError.class, () -> rt.create(opts("ccfail")));
        assertEquals("hooks.createContainer[0] (/bin/sh): exited with status 3", e.getMessage());
        int pid = Integer.parseInt(Bundles.out(bundle, "pid"));
        Poll.until(() -> !ProcessInfo.isAlive(pid, 0));
        assertFalse(ProcessInfo.isAlive(pid, 0), "the container process " + pid + " is gone");
        assertEquals(List.of(), rt.store().ids(), "no state directory");
        assertFalse(Files.exists(tmp.resolve("root/ccfail")), "no state directory");
        assertEquals(List.of(), cgroupDirs("ccfail"), "no cgroup");
        assertEquals(List.of(), Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(tmp.toString())).toList(), "no mount on the host");
    }

    @Test
    void aCreateContainerHookPastItsTimeoutIsKilledAndTheCreateRolledBack() throws Exception {
        ObjectNode c = Bundles.create(bundle, "true");
        ObjectNode slow = c.putObject("hooks").putArray("createContainer").addObject();
        slow.put("path", "/bin/sleep").put("timeout", 1);
        slow.putArray("args").add("sleep").add("20");
        Bundles.write(bundle, c);
        long t0 = System.nanoTime();
        RuntimeError e = assertThrows(RuntimeError.class, () -> rt.create(opts("ccslow")));
        assertEquals("hooks.createContainer[0] (/bin/sleep): timed out after 1s", e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "not the hook's 20 s");
        assertEquals(List.of(), rt.store().ids(), "no state directory");
        assertEquals(List.of(), cgroupDirs("ccslow"), "no cgroup");
    }

    /** The container's cgroup directories (default cgroupsPath /vessel/ID) in every hierarchy. */
    private static List<Path> cgroupDirs(String id) throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        try (Stream<Path> s = Files.list(root)) {
            return Stream.concat(s, Stream.of(root)).map(d -> d.resolve("vessel").resolve(id)).filter(Files::isDirectory).toList();
        }
    }
}
