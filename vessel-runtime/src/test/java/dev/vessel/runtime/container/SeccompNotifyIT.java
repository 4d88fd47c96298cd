package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SCMP_ACT_NOTIFY end to end: a seccomp agent listening at linux.seccomp.listenerPath gets the
 * ContainerProcessState and the listener, answers the container's mkdir, and the container sees
 * the agent's answer, not the kernel's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeccompNotifyIT extends RootRuntimeTest {

    static final int EROFS = 30;
    static final List<Integer> MKDIR_NRS = List.of(83, 258); // mkdir, mkdirat

    Path socket;

    @BeforeEach
    void x86() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the syscall tables are x86-64's");
        socket = tmp.resolve("agent.sock");
    }

    /** A bundle running {@code script} with mkdir and mkdirat notified to the agent at {@link #socket}. */
    private ObjectNode notifyingBundle(String script) throws IOException {
        ObjectNode c = Bundles.create(bundle, script + "; echo done > /out/done");
        ObjectNode t = ((ArrayNode) c.get("mounts")).addObject();
        t.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
        ObjectNode s = ((ObjectNode) c.get("linux")).putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW")
                .put("listenerPath", socket.toString()).put("listenerMetadata", "agent-meta-1");
        ObjectNode rule = s.putArray("syscalls").addObject().put("action", "SCMP_ACT_NOTIFY");
        rule.putArray("names").add("mkdir").add("mkdirat");
        Bundles.write(bundle, c);
        return c;
    }

    private String waitForOut(String file) throws Exception {
        Path f = bundle.resolve("out").resolve(file);
        for (int i = 0; i < 500 && !Files.exists(f); i++) {
            Thread.sleep(20);
        }
        return Bundles.out(bundle, file);
    }

    @Test
    void createHandsTheAgentTheProcessStateAndTheListener() throws Exception {
        notifyingBundle("ls -l /proc/self/fd/ > /out/fds; mkdir /tmp/x 2> /out/err; echo $? > /out/rc; test -d /tmp/x && echo exists > /out/exists");
        try (NotifyAgent agent = NotifyAgent.listen(socket, 0, EROFS)) {
            rt.create(opts("ntf-create"));
            JsonNode m = Bundles.JSON.readTree(agent.message.get(10, TimeUnit.SECONDS));
            int pid = rt.state("ntf-create").pid();
            assertEquals(1, agent.fdsReceived, "one descriptor: the listener");
            assertEquals("1.2.0", m.path("ociVersion").asText());
            assertEquals(List.of("seccompFd"), List.of(m.path("fds").get(0).asText()));
            assertEquals(1, m.path("fds").size());
            assertEquals(pid, m.path("pid").asInt());
            assertEquals("agent-meta-1", m.path("metadata").asText());
            JsonNode st = m.path("state");
            assertEquals("ntf-create", st.path("id").asText());
            assertEquals("creating", st.path("status").asText());
            assertEquals(pid, st.path("pid").asInt());
            assertEquals(bundle.toString(), st.path("bundle").asText());
            rt.start("ntf-create");
            assertEquals("done", waitForOut("done"));
            assertEquals("1", Bundles.out(bundle, "rc"));
            assertTrue(Bundles.out(bundle, "err").contains("Read-only file system"), "the agent's errno: " + Bundles.out(bundle, "err"));
            assertFalse(Files.exists(bundle.resolve("out/exists")));
            assertFalse(Bundles.out(bundle, "fds").contains("seccomp"), "the container holds no listener: " + Bundles.out(bundle, "fds"));
            assertFalse(agent.seen.isEmpty());
            agent.seen.forEach(n -> assertTrue(MKDIR_NRS.contains(n.nr()), "only mkdir is notified: " + agent.seen));
        }
    }

    /** Without no_new_privs the filter is loaded before the capability drop; the listener must come the same. */
    @ParameterizedTest(name = "noNewPrivileges={0}")
    @ValueSource(booleans = {true, false})
    void runSeesTheAgentsFakeSuccess(boolean noNewPrivileges) throws Exception {
        ObjectNode c = notifyingBundle("mkdir /tmp/x && echo ok > /out/ok; test -d /tmp/x || echo absent > /out/absent");
        ((ObjectNode) c.get("process")).put("noNewPrivileges", noNewPrivileges);
        Bundles.write(bundle, c);
        try (NotifyAgent agent = NotifyAgent.listen(socket, 0, 0)) {
            assertEquals(0, rt.run(opts("ntf-run"), false, false));
            assertEquals("ok", Bundles.out(bundle, "ok"), "mkdir reported success");
            assertEquals("absent", Bundles.out(bundle, "absent"), "and made nothing: the answer was the agent's");
            assertEquals("creating", Bundles.JSON.readTree(agent.message.get()).path("state").path("status").asText(),
                    "run creates first, as runc's");
        }
    }

    @Test
    void execSendsTheExecdProcessWithTheContainersState() throws Exception {
        notifyingBundle("sleep 60");
        try (NotifyAgent first = NotifyAgent.listen(socket, 0, EROFS)) {
            rt.create(opts("ntf-exec"));
            first.message.get(10, TimeUnit.SECONDS);
        }
        Files.delete(socket); // a new agent for the exec'd process, at the same path
        Path pidFile = tmp.resolve("exec.pid");
        try (NotifyAgent agent = NotifyAgent.listen(socket, 0, EROFS)) {
            rt.start("ntf-exec");
            int code = rt.exec(new ExecOptions("ntf-exec", null, List.of("mkdir", "/tmp/y"), null, List.of(), false, null,
                    List.of(), false, pidFile, false, List.of(), 0, null, false, null, null));
            assertEquals(1, code, "mkdir failed with the agent's EROFS");
            JsonNode m = Bundles.JSON.readTree(agent.message.get(10, TimeUnit.SECONDS));
            assertEquals(Integer.parseInt(Files.readString(pidFile).strip()), m.path("pid").asInt(), "the exec'd process");
            assertEquals(rt.state("ntf-exec").pid(), m.path("state").path("pid").asInt(), "the container's init");
            assertEquals("running", m.path("state").path("status").asText());
            assertEquals(1, agent.seen.size(), agent.seen.toString());
        }
    }

    /** The runtime closes its copies of the listener and of the agent's connection. */
    @Test
    void theRuntimeKeepsNoDescriptor() throws Exception {
        notifyingBundle("mkdir /tmp/x");
        long[] open = new long[3];
        for (int i = 0; i < open.length; i++) { // the first round loads classes and opens jars
            try (NotifyAgent agent = NotifyAgent.listen(socket, 0, 0)) {
                assertEquals(0, rt.run(opts("ntf-fds"), false, false));
                assertEquals(1, agent.fdsReceived);
            }
            Files.delete(socket);
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                open[i] = fds.count();
            }
        }
        assertEquals(open[1], open[2], "descriptors open after rounds 2 and 3");
    }

    @Test
    void nobodyListeningFailsCreateWithOneLineAndLeavesNothing() throws Exception {
        notifyingBundle("true");
        RuntimeError e = assertThrows(RuntimeError.class, () -> rt.create(opts("ntf-bad")));
        assertTrue(e.getMessage().startsWith("linux.seccomp.listenerPath \"" + socket + "\": cannot connect"), e.getMessage());
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(0, rt.store().ids().size(), "no state left");
        assertFalse(Files.exists(rt.store().dir("ntf-bad")), "no state directory");
        for (String c : List.of("memory", "pids", "unified")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup", c, "vessel", "ntf-bad")), "no " + c + " cgroup");
        }
        assertEquals(0, LeakIT.processesInCgroup("/vessel/ntf-bad"), "no process");
    }
}
