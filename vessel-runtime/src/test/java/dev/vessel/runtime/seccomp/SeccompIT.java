package dev.vessel.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.container.Bundles;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.CreateOptions;
import dev.vessel.runtime.container.ExecOptions;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** linux.seccomp through the real runtime: the filter vessel-init loads really denies, and what it allows still works. */
@Tag("root")
class SeccompIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path bundle;
    ContainerRuntime rt;

    @BeforeEach
    void setUp() {
        assumeTrue(Processes.euid() == 0, "needs root (namespaces, cgroups, mounts)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox (Debian package busybox-static)");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the syscall tables are x86-64's");
        bundle = tmp.resolve("bundle");
        rt = new ContainerRuntime(tmp.resolve("root"), Path.of(System.getProperty("vessel.init")));
    }

    @AfterEach
    void tearDown() {
        if (rt != null) {
            for (String id : rt.store().ids()) {
                rt.delete(id, true);
            }
        }
    }

    /** default ALLOW; mkdir and mkdirat (whichever busybox uses) get the given action. */
    static ObjectNode denyMkdir(String action) {
        ObjectNode s = JSON.createObjectNode().put("defaultAction", "SCMP_ACT_ALLOW");
        s.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        ObjectNode rule = s.putArray("syscalls").addObject();
        rule.putArray("names").add("mkdir").add("mkdirat");
        rule.put("action", action);
        return s;
    }

    @ParameterizedTest(name = "noNewPrivileges={0}")
    @ValueSource(booleans = {true, false})
    void deniedSyscallFailsAndOthersWork(boolean noNewPrivileges) throws Exception {
        ObjectNode c = bundle("mkdir /tmp/x 2> /out/err; echo $? > /out/rc; echo hello > /out/echo; ls / > /out/ls;"
                + " touch /tmp/y && echo touched > /out/touch", List.of());
        ((ObjectNode) c.get("process")).put("noNewPrivileges", noNewPrivileges);
        ((ObjectNode) c.get("linux")).set("seccomp", denyMkdir("SCMP_ACT_ERRNO"));
        write(c);
        assertEquals(0, rt.run(opts("errno"), false, false));
        assertTrue(out("err").contains("Operation not permitted"), out("err"));
        assertEquals("1", out("rc"));
        assertEquals("hello", out("echo"));
        assertTrue(out("ls").lines().toList().containsAll(List.of("bin", "out", "tmp")), out("ls"));
        assertEquals("touched", out("touch"));
    }

    @Test
    void withoutTheFilterTheSameScriptMakesTheDirectory() throws Exception {
        write(bundle("mkdir /tmp/x; echo $? > /out/rc; test -d /tmp/x && echo made > /out/made", List.of()));
        assertEquals(0, rt.run(opts("control"), false, false));
        assertEquals("0", out("rc"));
        assertEquals("made", out("made"));
    }

    @Test
    void killProcessEndsTheContainerWithSigsys() throws Exception {
        ObjectNode c = bundle(null, List.of("mkdir", "/tmp/x"));
        ((ObjectNode) c.get("linux")).set("seccomp", denyMkdir("SCMP_ACT_KILL_PROCESS"));
        write(c);
        assertEquals(128 + 31, rt.run(opts("kill"), false, false), "128 + SIGSYS");
    }

    @Test
    void argumentConditionDeniesOnlyTheMatchingCall() throws Exception {
        ObjectNode c = bundle("linux32 echo 32 > /out/p32 2> /out/err32; echo $? > /out/rc32; linux64 echo 64 > /out/p64", List.of());
        ObjectNode s = JSON.createObjectNode().put("defaultAction", "SCMP_ACT_ALLOW");
        ObjectNode rule = s.putArray("syscalls").addObject();
        rule.putArray("names").add("personality");
        rule.put("action", "SCMP_ACT_ERRNO");
        rule.putArray("args").addObject().put("index", 0).put("value", 8).put("op", "SCMP_CMP_EQ"); // PER_LINUX32
        ((ObjectNode) c.get("linux")).set("seccomp", s);
        write(c);
        assertEquals(0, rt.run(opts("arg"), false, false));
        assertTrue(out("err32").contains("Operation not permitted"), out("err32"));
        assertEquals("1", out("rc32"));
        assertEquals("64", out("p64"), "personality(PER_LINUX) is allowed");
    }

    /**
     * A new user namespace needs no capability, so only the profile can refuse it: the same
     * script is run without the profile (it must succeed) and with it (it must fail).
     */
    @ParameterizedTest(name = "profile={0}")
    @ValueSource(booleans = {true, false})
    void dockerDefaultProfileRunsAShellAndDeniesUserNamespaces(boolean withProfile) throws Exception {
        ObjectNode c = bundle("echo hello > /out/echo; ls /bin > /dev/null && echo listed > /out/ls;"
                + " mkdir /tmp/d && echo made > /out/mkdir; unshare -U true 2> /out/unshare; echo $? > /out/unshare_rc", List.of());
        if (withProfile) {
            List<String> bounding = JSON.convertValue(c.at("/process/capabilities/bounding"),
                    JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            Seccomp profile = SeccompProfiles.dockerDefault(bounding);
            ((ObjectNode) c.get("linux")).set("seccomp", JSON.readTree(StateStore.toJson(profile)));
        }
        write(c);
        assertEquals(0, rt.run(opts("docker"), false, false));
        assertEquals("hello", out("echo"));
        assertEquals("listed", out("ls"));
        assertEquals("made", out("mkdir"));
        if (withProfile) {
            assertTrue(out("unshare").contains("Operation not permitted"), out("unshare"));
            assertEquals("1", out("unshare_rc"));
        } else {
            assertEquals("0", out("unshare_rc"), "without the profile: " + out("unshare"));
        }
    }

    /**
     * Every syscall of the table behind a condition of its own: thousands of instructions whose
     * jumps need JA trampolines. The kernel's checker must accept the program and run it as the
     * interpreter in the unit tests does.
     */
    @Test
    void aFilterOfThousandsOfInstructionsLoadsAndDecides() throws Exception {
        ObjectNode c = bundle("echo hello > /out/echo; mkdir /tmp/x 2> /out/err; echo $? > /out/rc", List.of());
        ObjectNode s = JSON.createObjectNode().put("defaultAction", "SCMP_ACT_KILL_PROCESS");
        s.putArray("architectures").add("SCMP_ARCH_X86_64");
        ArrayNode rules = s.putArray("syscalls");
        ObjectNode all = rules.addObject();
        ArrayNode names = all.putArray("names");
        SeccompArch.X86_64.table().all().keySet().forEach(names::add);
        all.put("action", "SCMP_ACT_ALLOW");
        all.putArray("args").addObject().put("index", 5).put("value", 0xdeadbeefL).put("op", "SCMP_CMP_NE");
        ObjectNode mkdir = rules.addObject();
        mkdir.putArray("names").add("mkdir").add("mkdirat");
        mkdir.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 30); // EROFS, to tell it from a plain EPERM
        ((ObjectNode) c.get("linux")).set("seccomp", s);
        write(c);
        SeccompProgram program = SeccompCompiler.compile(JSON.treeToValue(s, Seccomp.class));
        assertTrue(program.instructions() > 2000, program.instructions() + " instructions");
        long trampolines = java.util.stream.IntStream.range(0, program.instructions())
                .filter(pc -> program.bpf()[pc * Bpf.INSN_SIZE] == Bpf.JA).count();
        assertTrue(trampolines > 10, trampolines + " JA");
        assertEquals(0, rt.run(opts("big"), false, false));
        assertEquals("hello", out("echo"));
        assertTrue(out("err").contains("Read-only file system"), out("err"));
        assertEquals("1", out("rc"));
    }

    @Test
    void execJoinsTheContainersFilter() throws Exception {
        ObjectNode c = bundle("sleep 60", List.of());
        ((ObjectNode) c.get("linux")).set("seccomp", denyMkdir("SCMP_ACT_ERRNO"));
        write(c);
        rt.create(opts("exec"));
        rt.start("exec");
        int code = rt.exec(new ExecOptions("exec", null, List.of("sh", "-c", "mkdir /tmp/x 2> /out/err"), null, List.of(), false,
                null, List.of(), false, null, false, List.of(), 0, null, false, null, null));
        assertEquals(1, code);
        assertTrue(out("err").contains("Operation not permitted"), out("err"));
    }

    private CreateOptions opts(String id) {
        return new CreateOptions(id, bundle, null, null, 0, false, false);
    }

    /** A busybox bundle running {@code sh -c script} (or {@code args}), with a tmpfs /tmp and an /out bound from the host. */
    private ObjectNode bundle(String script, List<String> args) throws IOException {
        ObjectNode c = Bundles.create(bundle, script != null ? script : "true");
        if (script == null) {
            ArrayNode argv = ((ObjectNode) c.get("process")).putArray("args");
            args.forEach(argv::add);
        }
        // The spec's root is read-only; the scripts write in /tmp.
        ObjectNode t = ((ArrayNode) c.get("mounts")).addObject();
        t.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
        t.putArray("options").add("nosuid").add("nodev");
        return c;
    }

    private void write(ObjectNode c) throws IOException {
        Bundles.write(bundle, c);
    }

    private String out(String file) throws IOException {
        return Bundles.out(bundle, file);
    }
}
