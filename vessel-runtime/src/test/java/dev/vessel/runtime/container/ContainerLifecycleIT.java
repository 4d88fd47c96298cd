package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.Poll;
import dev.vessel.linux.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime's verbs against the real kernel: namespaces isolate, exec joins, kill and delete clean up, hooks run in order. */
class ContainerLifecycleIT extends RootRuntimeTest {

    @Test
    void namespacesIsolate() throws Exception {
        Bundles.create(bundle, "echo $$ > /out/pid; hostname > /out/hostname; ls /sys/class/net > /out/net;"
                + " cat /proc/self/mountinfo > /out/mounts; echo /proc/[0-9]* > /out/procs;"
                + " readlink /proc/self/ns/ipc > /out/ipc");
        assertEquals(0, rt.run(opts("ns"), false, false));
        assertEquals("1", Bundles.out(bundle, "pid"), "pid 1 inside the pid namespace");
        assertEquals("runc", Bundles.out(bundle, "hostname"), "the spec's hostname, not the host's");
        assertEquals(List.of("lo"), Bundles.lines(bundle, "net"), "a new network namespace has only lo");
        assertFalse(Bundles.out(bundle, "mounts").contains(tmp.resolve("root").toString()), "own mount table, no host mounts");
        assertEquals("/proc/1", Bundles.out(bundle, "procs"), "only its own process in /proc");
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString(), Bundles.out(bundle, "ipc"));
    }

    @Test
    void exitStatusPropagates() throws Exception {
        Bundles.create(bundle, "exit 7");
        assertEquals(7, rt.run(opts("exit"), false, false));
        // pid 1 of a pid namespace cannot be killed from inside; a process exec'd into it can.
        bundle = tmp.resolve("b2");
        Bundles.create(bundle, "sleep 30");
        rt.create(opts("killed"));
        rt.start("killed");
        assertEquals(137, rt.exec(new ExecOptions("killed", null, List.of("sh", "-c", "kill -9 $$"), null, List.of(), false,
                null, List.of(), false, null, false, List.of(), 0, null, false, null, null)), "128 + SIGKILL");
    }

    @Test
    void createStartExecKillDelete() throws Exception {
        // busybox readlink takes one file: one call per namespace (several at once print only its usage).
        // The file appears whole (written aside, then renamed): the test polls for it and must not read it half-written.
        Bundles.create(bundle, "for n in pid mnt net uts ipc; do readlink /proc/self/ns/$n; done > /out/init_ns.part"
                + " && mv /out/init_ns.part /out/init_ns; sleep 60");
        rt.create(opts("life"));
        assertEquals("created", rt.state("life").status());
        int pid = rt.state("life").pid();
        rt.start("life");
        assertEquals("running", rt.state("life").status());
        Poll.until(() -> Files.exists(bundle.resolve("out/init_ns")));
        int code = rt.exec(new ExecOptions("life", null, List.of("sh", "-c",
                "for n in pid mnt net uts ipc; do readlink /proc/self/ns/$n; done > /out/exec_ns; exit 4"), null, List.of(), false, null,
                List.of(), false, null, false, List.of(), 0, null, false, null, null));
        assertEquals(4, code, "exec's exit status");
        assertEquals(5, Bundles.lines(bundle, "init_ns").size(), "one line per namespace");
        assertEquals(Bundles.out(bundle, "init_ns"), Bundles.out(bundle, "exec_ns"), "exec joins every namespace");
        assertTrue(rt.pids("life").contains(pid));
        rt.pause("life");
        assertEquals("paused", rt.state("life").status());
        rt.resume("life");
        rt.kill("life", Signals.SIGKILL, false);
        Poll.until(() -> rt.state("life").status().equals("stopped"));
        assertEquals("stopped", rt.state("life").status());
        rt.delete("life", false);
        assertFalse(Files.exists(tmp.resolve("root/life")), "state removed");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/vessel/life")), "cgroup removed");
        assertFalse(ProcessInfo.isAlive(pid, 0), "process gone");
    }

    @Test
    void hooksRunInOrder() throws Exception {
        ObjectNode c = Bundles.create(bundle, "echo process >> /out/order");
        Path order = bundle.resolve("out/order");
        ObjectNode hooks = c.putObject("hooks");
        for (String phase : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")) {
            ArrayNode list = hooks.putArray(phase);
            ObjectNode h = list.addObject();
            h.put("path", "/bin/sh");
            // startContainer runs in the container's namespaces: its paths are the container's.
            String target = phase.equals("startContainer") ? "/out/order" : order.toString();
            h.putArray("args").add("sh").add("-c").add("echo " + phase + " >> " + target);
        }
        Bundles.write(bundle, c);
        rt.create(opts("hooks"));
        rt.start("hooks");
        Poll.until(() -> !rt.state("hooks").status().equals("running"));
        rt.delete("hooks", false);
        assertEquals(List.of("prestart", "createRuntime", "createContainer", "startContainer", "process", "poststop"),
                Files.readAllLines(order).stream().filter(l -> !l.equals("poststart")).toList());
        assertTrue(Files.readAllLines(order).contains("poststart"));
    }

    @Test
    void startContainerHooksRunInTheContainerAndTimeOut() throws Exception {
        ObjectNode c = Bundles.create(bundle, "sleep 30");
        ArrayNode start = c.putObject("hooks").putArray("startContainer");
        ObjectNode seen = start.addObject();
        seen.put("path", "/bin/sh");
        seen.putArray("args").add("sh").add("-c").add("hostname > /out/hook-hostname; cat > /out/hook-stdin");
        Bundles.write(bundle, c);
        rt.create(opts("hookns"));
        rt.start("hookns");
        assertEquals("runc", Bundles.out(bundle, "hook-hostname"), "the hook ran in the container's uts namespace");
        assertTrue(Bundles.out(bundle, "hook-stdin").contains("\"id\":\"hookns\""), "the state came on stdin");

        Path b2 = tmp.resolve("b2");
        ObjectNode c2 = Bundles.create(b2, "sleep 30");
        ObjectNode slow = c2.putObject("hooks").putArray("startContainer").addObject();
        slow.put("path", "/bin/sleep").put("timeout", 1);
        slow.putArray("args").add("sleep").add("20");
        Bundles.write(b2, c2);
        rt.create(new CreateOptions("hookslow", b2, null, null, 0, false, false));
        dev.vessel.runtime.RuntimeError e = org.junit.jupiter.api.Assertions.assertThrows(dev.vessel.runtime.RuntimeError.class,
                () -> rt.start("hookslow"));
        assertTrue(e.getMessage().contains("timed out after 1s"), "the watchdog killed it: " + e.getMessage());
    }

    /** A seccomp profile that predates close_range(2) (runtime-tools' default) must not stop the start. */
    @Test
    void seccompProfileWithoutCloseRange() throws Exception {
        ObjectNode c = Bundles.create(bundle, "echo started > /out/r");
        ObjectNode seccomp = ((ObjectNode) c.get("linux")).putObject("seccomp");
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ObjectNode rule = seccomp.putArray("syscalls").addObject();
        rule.putArray("names").add("close_range");
        rule.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 38);
        Bundles.write(bundle, c);
        assertEquals(0, rt.run(opts("oldprofile"), false, false));
        assertEquals("started", Bundles.out(bundle, "r"));
    }

    @Test
    void sharedRootfsPropagation() throws Exception {
        ObjectNode c = Bundles.create(bundle, "awk '$5 == \"/\"' /proc/self/mountinfo > /out/root");
        ((ObjectNode) c.get("linux")).put("rootfsPropagation", "shared");
        Bundles.write(bundle, c);
        assertEquals(0, rt.run(opts("shared"), false, false), "pivot_root works with a shared rootfs propagation");
        assertTrue(Bundles.out(bundle, "root").contains("shared:"), "the container's root mount is shared");
    }
}
