package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One case per bad input: a valid base document, one change at a JSON pointer, and the path
 * and message the user must see. Every case goes through the parser and the validator, as
 * {@code create} does, and must fail with a single line that starts with the field path.
 */
class SpecValidatorTest {

    private static final String REMOVE = "<remove>";

    /** Bases: runc's default spec, that plus a user namespace mapping 0-65535, and runc's rootless spec. */
    static ObjectNode base(String name) throws Exception {
        return switch (name) {
            case "default" -> (ObjectNode) SpecJson.MAPPER.readTree(SpecParserTest.resource("runc-1.1-spec.json"));
            case "rootless" -> (ObjectNode) SpecJson.MAPPER.readTree(SpecParserTest.resource("runc-1.1-spec-rootless.json"));
            case "userns" -> {
                ObjectNode doc = base("default");
                ObjectNode linux = (ObjectNode) doc.get("linux");
                ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
                JsonNode mapping = SpecJson.MAPPER.readTree("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]");
                linux.set("uidMappings", mapping.deepCopy());
                linux.set("gidMappings", mapping.deepCopy());
                yield doc;
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Sets (or removes) the value at a JSON pointer; "-" appends to an array. */
    static void set(ObjectNode doc, String pointer, String json) throws Exception {
        int slash = pointer.lastIndexOf('/');
        String parentPointer = pointer.substring(0, slash);
        String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        JsonNode parent = parentPointer.isEmpty() ? doc : doc.at(parentPointer);
        if (parent.isMissingNode()) {
            throw new IllegalArgumentException("test bug: no parent at " + parentPointer);
        }
        if (json.equals(REMOVE)) {
            if (parent instanceof ArrayNode a) {
                a.remove(Integer.parseInt(last));
            } else {
                ((ObjectNode) parent).remove(last);
            }
            return;
        }
        JsonNode value = SpecJson.MAPPER.readTree(json);
        if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                a.set(Integer.parseInt(last), value);
            }
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    static void parseAndValidate(byte[] json) throws SpecException {
        SpecValidator.validate(SpecParser.parse(json, "config.json"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "rootless", "userns"})
    void runcsOwnSpecsAreValid(String name) throws Exception {
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(base(name)), name)));
    }

    @Test
    void aRealisticFullConfigIsValid() throws Exception {
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(SpecParserTest.resource("full-config.json"), "config.json")));
    }

    @ParameterizedTest(name = "[{index}] {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        default  | /ociVersion                  | <remove>              | ociVersion | ociVersion is missing
        default  | /ociVersion                  | "2.0.0"               | ociVersion | ociVersion "2.0.0" is not a runtime-spec version
        default  | /ociVersion                  | 1.0                   | ociVersion | config.json: ociVersion: expected a string, got 1.0
        default  | /root                        | <remove>              | root.path | root.path is missing
        default  | /process                     | <remove>              | process | process is missing
        default  | /process/args                | []                    | process.args | process.args is empty
        default  | /process/args/0              | ""                    | process.args[0] | process.args[0] is empty
        default  | /process/cwd                 | "srv"                 | process.cwd | process.cwd "srv" is not an absolute path; write it from the container's root, e.g. "/srv"
        default  | /process/env/-               | "NOEQUALS"            | process.env[2] | process.env[2] "NOEQUALS" has no "="
        default  | /process/terminal            | "yes"                 | process.terminal | config.json: process.terminal: expected true or false, got "yes"
        default  | /process/consoleSize         | {"height":70000,"width":80} | process.consoleSize.height | process.consoleSize.height 70000 is more rows than a terminal has (at most 65535)
        default  | /process/consoleSize         | {"height":24,"width":65536} | process.consoleSize.width | process.consoleSize.width 65536 is more columns than a terminal has (at most 65535)
        default  | /process/user/uid            | "abc"                 | process.user.uid | config.json: process.user.uid: expected an unsigned integer (0 to 4294967295), got "abc"
        default  | /process/user/gid            | -1                    | process.user.gid | config.json: process.user.gid: expected an unsigned integer
        default  | /process/user/umask          | 1000                  | process.user.umask | process.user.umask 1000 (01750) has bits outside 0777
        default  | /process/capabilities/bounding/- | "CAP_NET_BIND_SERVIC" | process.capabilities.bounding[3] | process.capabilities.bounding[3] "CAP_NET_BIND_SERVIC" is not a Linux capability (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE, see capabilities(7)); did you mean CAP_NET_BIND_SERVICE?
        default  | /process/capabilities/ambient/0 | "CAP_FOO"          | process.capabilities.ambient[0] | process.capabilities.ambient[0] "CAP_FOO" is not a Linux capability
        default  | /process/capabilities/effective/0 | "cap_kill"       | process.capabilities.effective[0] | process.capabilities.effective[0] "cap_kill" is not a Linux capability
        default  | /process/capabilities/permitted | "CAP_KILL"         | process.capabilities.permitted | config.json: process.capabilities.permitted: expected an array, got "CAP_KILL"
        default  | /process/rlimits/0/type      | "RLIMIT_FILES"        | process.rlimits[0].type | process.rlimits[0].type "RLIMIT_FILES" is not a resource limit (see setrlimit(2)); did you mean RLIMIT_FSIZE?
        default  | /process/rlimits/-           | {"type":"RLIMIT_NOFILE","hard":1,"soft":1} | process.rlimits[1].type | process.rlimits[1].type "RLIMIT_NOFILE" is already set by process.rlimits[0]
        default  | /process/rlimits/0/soft      | 2048                  | process.rlimits[0].soft | process.rlimits[0].soft 2048 is above the hard limit 1024
        default  | /process/rlimits/0/hard      | -1                    | process.rlimits[0].hard | config.json: process.rlimits[0].hard: expected an unsigned integer
        default  | /process/oomScoreAdj         | 1001                  | process.oomScoreAdj | process.oomScoreAdj 1001 is outside -1000..1000
        default  | /process/scheduler           | {"policy":"SCHED_FIFO","priority":0} | process.scheduler.priority | process.scheduler.priority 0 is outside 1..99
        default  | /process/scheduler           | {"policy":"SCHED_FAST"} | process.scheduler.policy | process.scheduler.policy "SCHED_FAST" is not a scheduling policy
        default  | /process/scheduler           | {"policy":"SCHED_OTHER","runtime":1000} | process.scheduler | process.scheduler has runtime, deadline or period, which only SCHED_DEADLINE takes
        default  | /process/scheduler           | {"policy":"SCHED_DEADLINE","runtime":2000,"deadline":1000,"period":3000} | process.scheduler | process.scheduler SCHED_DEADLINE needs 0 < runtime <= deadline <= period (got runtime 2000, deadline 1000, period 3000)
        default  | /process/ioPriority          | {"class":"IOPRIO_CLASS_BE","priority":9} | process.ioPriority.priority | process.ioPriority.priority 9 is outside 0..7
        default  | /process/execCPUAffinity     | {"initial":"0-a"}     | process.execCPUAffinity.initial | process.execCPUAffinity.initial "0-a" is not a CPU list
        default  | /linux/namespaces/-          | {"type":"netwrk"}     | linux.namespaces[5].type | linux.namespaces[5].type "netwrk" is not a namespace type; did you mean network?
        default  | /linux/namespaces/-          | {"type":"pid"}        | linux.namespaces[5].type | linux.namespaces[5].type "pid" is already listed at linux.namespaces[0]; list each type once
        default  | /linux/namespaces/0          | {}                    | linux.namespaces[0].type | linux.namespaces[0].type is missing; use one of user, ipc
        default  | /linux/namespaces/0/path     | "proc/1/ns/pid"       | linux.namespaces[0].path | linux.namespaces[0].path "proc/1/ns/pid" is not an absolute path
        default  | /linux/namespaces/0          | "pid"                 | linux.namespaces[0] | config.json: linux.namespaces[0]: expected an object, got "pid"
        default  | /linux/namespaces/-          | {"type":"user"}       | linux.uidMappings | linux.uidMappings is empty but a new user namespace is requested
        default  | /linux/uidMappings           | [{"containerID":0,"hostID":1000,"size":1}] | linux.uidMappings | linux.uidMappings is set but there is no user namespace
        userns   | /process/user/uid            | 70000                 | process.user.uid | process.user.uid 70000 is not mapped in linux.uidMappings (mapped: 0-65535); add a mapping for it or run as a mapped id
        userns   | /process/user/gid            | 65536                 | process.user.gid | process.user.gid 65536 is not mapped in linux.gidMappings (mapped: 0-65535)
        userns   | /process/user/additionalGids | [5, 70000]            | process.user.additionalGids[1] | process.user.additionalGids[1] 70000 is not mapped in linux.gidMappings
        userns   | /linux/uidMappings/0/size    | 0                     | linux.uidMappings[0].size | linux.uidMappings[0].size 0 maps nothing
        userns   | /linux/uidMappings/-         | {"containerID":100,"hostID":500000,"size":10} | linux.uidMappings[1] | linux.uidMappings[1] overlaps linux.uidMappings[0]
        userns   | /linux/gidMappings/0/containerID | 4294967295        | linux.gidMappings[0].size | linux.gidMappings[0].size 65536 makes the range end beyond id 4294967295
        default  | /mounts/0/destination        | "proc"                | mounts[0].destination | mounts[0].destination "proc" is not an absolute path
        default  | /mounts/0/destination        | "/proc/../../etc"     | mounts[0].destination | mounts[0].destination "/proc/../../etc" contains ".."; write the path without ".." components
        default  | /mounts/-                    | {"destination":"/data","type":"bind","source":"/srv","options":["rbind","nosiud"]} | mounts[7].options[1] | mounts[7].options[1] "nosiud" is not a mount option; did you mean nosuid?
        default  | /mounts/-                    | {"destination":"/data","options":["rbind"]} | mounts[7].source | mounts[7].source is missing; a bind mount needs the host path
        default  | /mounts/-                    | {"destination":"/x","source":"x"} | mounts[7].type | mounts[7].type is missing
        default  | /mounts/-                    | {"destination":"/x","type":"tmpfs","source":"tmpfs","options":["idmap"]} | mounts[7] | mounts[7] is an idmapped mount but not a bind mount
        default  | /mounts/1/options/-          | "nodev,noexec"        | mounts[1].options[4] | mounts[1].options[4] "nodev,noexec" contains ","
        default  | /mounts                      | "x"                   | mounts | config.json: mounts: expected an array, got "x"
        default  | /hooks                       | {"prestart":[{"path":"fix-mounts"}]} | hooks.prestart[0].path | hooks.prestart[0].path "fix-mounts" is not an absolute path
        default  | /hooks                       | {"poststop":[{"path":"/bin/x","timeout":0}]} | hooks.poststop[0].timeout | hooks.poststop[0].timeout 0 is not a positive number of seconds
        default  | /linux/devices               | [{"type":"x","path":"/dev/foo","major":1,"minor":1}] | linux.devices[0].type | linux.devices[0].type "x" is not a device type
        default  | /linux/devices               | [{"type":"c","path":"dev/foo","major":1,"minor":1}] | linux.devices[0].path | linux.devices[0].path "dev/foo" is not an absolute path
        default  | /linux/devices               | [{"type":"c","path":"/dev/../etc/x","major":1,"minor":1}] | linux.devices[0].path | linux.devices[0].path "/dev/../etc/x" contains ".."
        rootless | /linux/sysctl                | {"net.ipv4.ip_forward":"1"} | linux.sysctl["net.ipv4.ip_forward"] | linux.sysctl["net.ipv4.ip_forward"] needs the container to have its own network namespace
        default  | /linux/namespaces            | [{"type":"mount"},{"type":"uts"}] | linux.sysctl["kernel.shmmax"] | SKIP
        default  | /linux/sysctl                | {"net/../kernel/panic":"1"} | linux.sysctl["net/../kernel/panic"] | linux.sysctl["net/../kernel/panic"] is not a sysctl name
        default  | /linux/sysctl                | {"kernel.panic":"1"}  | linux.sysctl["kernel.panic"] | linux.sysctl["kernel.panic"] is not in a kernel namespace of the container
        default  | /linux/sysctl                | {"kernel.hostname":"x"} | linux.sysctl["kernel.hostname"] | linux.sysctl["kernel.hostname"] conflicts with the "hostname" field
        default  | /linux/sysctl                | {"net.ipv4.ip_forward":1} | linux.sysctl["net.ipv4.ip_forward"] | config.json: linux.sysctl["net.ipv4.ip_forward"]: expected a string, got 1
        default  | /linux/namespaces            | [{"type":"mount"}]    | hostname | hostname "runc" needs a UTS namespace
        default  | /linux/timeOffsets           | {"monotonic":{"secs":10}} | linux.timeOffsets | linux.timeOffsets needs a new time namespace
        default  | /linux/resources/memory      | {"limit":-5}          | linux.resources.memory.limit | linux.resources.memory.limit -5 is not a memory limit
        default  | /linux/resources/memory      | {"limit":0}           | linux.resources.memory.limit | linux.resources.memory.limit 0 is not a memory limit
        default  | /linux/resources/memory      | {"limit":1024}        | linux.resources.memory.limit | linux.resources.memory.limit 1024 bytes is below 4 MiB
        default  | /linux/resources/memory      | {"limit":104857600,"swap":1048576} | linux.resources.memory.swap | linux.resources.memory.swap 1048576 is below memory.limit 104857600
        default  | /linux/resources/memory      | {"swappiness":101}    | linux.resources.memory.swappiness | linux.resources.memory.swappiness 101 is outside 0..100
        default  | /linux/resources/memory      | {"limit":"1g"}        | linux.resources.memory.limit | config.json: linux.resources.memory.limit: expected an integer, got "1g"
        default  | /linux/resources/cpu         | {"shares":0}          | linux.resources.cpu.shares | linux.resources.cpu.shares 0 is outside 2..262144
        default  | /linux/resources/cpu         | {"shares":300000}     | linux.resources.cpu.shares | linux.resources.cpu.shares 300000 is outside 2..262144
        default  | /linux/resources/cpu         | {"quota":500}         | linux.resources.cpu.quota | linux.resources.cpu.quota 500 is not a CPU quota
        default  | /linux/resources/cpu         | {"quota":-2}          | linux.resources.cpu.quota | linux.resources.cpu.quota -2 is not a CPU quota
        default  | /linux/resources/cpu         | {"period":500}        | linux.resources.cpu.period | linux.resources.cpu.period 500 is outside 1000..1000000
        default  | /linux/resources/cpu         | {"period":2000000}    | linux.resources.cpu.period | linux.resources.cpu.period 2000000 is outside 1000..1000000
        default  | /linux/resources/cpu         | {"cpus":"0-a"}        | linux.resources.cpu.cpus | linux.resources.cpu.cpus "0-a" is not a CPU list
        default  | /linux/resources/pids        | {"limit":0}           | linux.resources.pids.limit | linux.resources.pids.limit 0 is not a process limit
        default  | /linux/resources/pids        | {"limit":-2}          | linux.resources.pids.limit | linux.resources.pids.limit -2 is not a process limit
        default  | /linux/resources/blockIO     | {"weight":5}          | linux.resources.blockIO.weight | linux.resources.blockIO.weight 5 is outside 10..1000
        default  | /linux/resources/blockIO     | {"weight":1001}       | linux.resources.blockIO.weight | linux.resources.blockIO.weight 1001 is outside 10..1000
        default  | /linux/resources/devices/0/access | "rwx"            | linux.resources.devices[0].access | linux.resources.devices[0].access "rwx" is not an access set
        default  | /linux/resources/hugepageLimits | [{"pageSize":"2M","limit":1}] | linux.resources.hugepageLimits[0].pageSize | linux.resources.hugepageLimits[0].pageSize "2M" is not a page size
        default  | /linux/resources/unified     | {"../memory.max":"1"} | linux.resources.unified["../memory.max"] | linux.resources.unified["../memory.max"] is not a cgroup v2 file name
        default  | /linux/seccomp               | {"defaultAction":"SCMP_ACT_DENY"} | linux.seccomp.defaultAction | linux.seccomp.defaultAction "SCMP_ACT_DENY" is not a seccomp action
        default  | /linux/seccomp               | {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ERRNO","args":[{"index":7,"value":1,"op":"SCMP_CMP_EQ"}]}]} | linux.seccomp.syscalls[0].args[0].index | linux.seccomp.syscalls[0].args[0].index 7 is not a syscall argument
        default  | /linux/seccomp               | {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQUAL"}]}]} | linux.seccomp.syscalls[0].args[0].op | linux.seccomp.syscalls[0].args[0].op "SCMP_CMP_EQUAL" is not a comparison; did you mean SCMP_CMP_EQ?
        default  | /linux/seccomp               | {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]} | linux.seccomp.listenerPath | linux.seccomp.listenerPath is missing but a rule uses SCMP_ACT_NOTIFY
        default  | /linux/seccomp               | {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_46"]} | linux.seccomp.architectures[0] | linux.seccomp.architectures[0] "SCMP_ARCH_X86_46" is not an architecture
        default  | /linux/rootfsPropagation     | "rslav"               | linux.rootfsPropagation | linux.rootfsPropagation "rslav" is not a propagation type; did you mean rslave?
        default  | /linux/maskedPaths/-         | "proc/kcore"          | linux.maskedPaths[10] | linux.maskedPaths[10] "proc/kcore" is not an absolute path
        default  | /linux/namespaces            | [{"type":"pid"},{"type":"uts"}] | linux.maskedPaths | linux.maskedPaths needs a mount namespace of the container's own
        default  | /linux/intelRdt              | {"closID":"../x"}     | linux.intelRdt.closID | linux.intelRdt.closID "../x" is not a resctrl group name
        default  | /mounts/-                    | {"destination":"/d","type":"bind","source":"d","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1,"size":1}],"gidMappings":[{"containerID":0,"hostID":1,"size":1}]} | mounts[7].source | mounts[7].source "d" is not an absolute path; an idmapped mount
        default  | /mounts/-                    | {"destination":"/d","type":"bind","source":"/d","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1,"size":1}]} | mounts[7].gidMappings | mounts[7].gidMappings is missing
        default  | /linux/cgroupsPath           | "/../../x"            | linux.cgroupsPath | linux.cgroupsPath "/../../x" contains ".."
        default  | /linux/personality           | {"domain":"BSD"}      | linux.personality.domain | linux.personality.domain "BSD" is not supported
        default  | /linux/netDevices            | {"eth0":{"name":"a/b"}} | linux.netDevices.eth0.name | linux.netDevices.eth0.name "a/b" is not a valid interface name
        rootless | /linux/netDevices            | {"eth0":{}}           | linux.netDevices | linux.netDevices needs a network namespace
        """)
    void badInputNamesTheFieldInOneLine(String base, String pointer, String value, String path, String message) throws Exception {
        if (message.equals("SKIP")) {
            return; // covered by ipcSysctlNeedsAnIpcNamespace (two changes at once)
        }
        ObjectNode doc = base(base);
        set(doc, pointer, value);
        SpecException e = assertThrows(SpecException.class, () -> parseAndValidate(SpecJson.MAPPER.writeValueAsBytes(doc)));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().startsWith(message), "got: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void ipcSysctlNeedsAnIpcNamespace() throws Exception {
        ObjectNode doc = base("default");
        set(doc, "/linux/namespaces", "[{\"type\":\"mount\"},{\"type\":\"uts\"}]");
        set(doc, "/linux/sysctl", "{\"kernel.shmmax\":\"1\",\"fs.mqueue.msg_max\":\"10\"}");
        List<SpecException> problems = SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "c"));
        assertEquals(List.of("linux.sysctl[\"kernel.shmmax\"]", "linux.sysctl[\"fs.mqueue.msg_max\"]"),
                problems.stream().map(SpecException::path).toList());
        assertTrue(problems.get(0).getMessage().contains("its own ipc namespace"), problems.get(0).getMessage());
    }

    @Test
    void allowedSysctlsPassWithTheirNamespaces() throws Exception {
        ObjectNode doc = base("default");
        set(doc, "/linux/sysctl", "{\"net.ipv4.ip_forward\":\"1\",\"net/core/somaxconn\":\"1024\",\"kernel.shmmax\":\"1\","
                + "\"fs.mqueue.msg_max\":\"10\",\"kernel.domainname\":\"x\"}");
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "c")));
    }

    @Test
    void engineVolumeOptionsAndCgroupV2FilesWithCapitalsAreAccepted() throws Exception {
        ObjectNode doc = base("default");
        set(doc, "/mounts/-", "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\",\"rprivate\",\"Z\",\"nocopy\"]}");
        set(doc, "/linux/resources/unified", "{\"hugetlb.2MB.max\":\"0\",\"memory.oom.group\":\"1\"}");
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "c")));
    }

    @Test
    void problemsAreReportedInDocumentOrderAndAllAtOnce() throws Exception {
        ObjectNode doc = base("default");
        set(doc, "/process/cwd", "\"x\"");
        set(doc, "/mounts/0/destination", "\"proc\"");
        set(doc, "/linux/resources/pids", "{\"limit\":0}");
        List<String> paths = SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "c"))
                .stream().map(SpecException::path).toList();
        assertEquals(List.of("process.cwd", "mounts[0].destination", "linux.resources.pids.limit"), paths);
    }

    @Test
    void aJoinedUserNamespaceNeedsNoMappings() throws Exception {
        ObjectNode doc = base("default");
        set(doc, "/linux/namespaces/-", "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}");
        set(doc, "/process/user/uid", "70000");
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "c")));
    }

    @Test
    void resourcesForUpdateAreCheckedWithPathsFromTheirOwnDocument() throws Exception {
        LinuxResources r = SpecParser.parseResources("{\"memory\":{\"limit\":-3}}".getBytes(StandardCharsets.UTF_8), "resources.json");
        SpecException e = assertThrows(SpecException.class, () -> SpecValidator.validateResources(r));
        assertTrue(e.getMessage().startsWith("memory.limit -3 is not a memory limit"), e.getMessage());
        SpecValidator.validateResources(SpecParser.parseResources(
                "{\"memory\":{\"limit\":-1},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":-1}}"
                        .getBytes(StandardCharsets.UTF_8), "resources.json"));
    }

    @Test
    void execProcessIsCheckedWithPathsFromItsOwnDocument() throws Exception {
        Linux linux = SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(base("userns")), "c").linux();
        ProcessSpec ok = SpecParser.parse("{\"args\":[\"ls\"],\"cwd\":\"/\",\"user\":{\"uid\":1000}}"
                .getBytes(StandardCharsets.UTF_8), "process.json", ProcessSpec.class);
        SpecValidator.validateProcess(ok, linux);
        ProcessSpec unmapped = SpecParser.parse("{\"args\":[\"ls\"],\"cwd\":\"/\",\"user\":{\"uid\":70000}}"
                .getBytes(StandardCharsets.UTF_8), "process.json", ProcessSpec.class);
        SpecException e = assertThrows(SpecException.class, () -> SpecValidator.validateProcess(unmapped, linux));
        assertTrue(e.getMessage().startsWith("user.uid 70000 is not mapped in linux.uidMappings (mapped: 0-65535)"), e.getMessage());
        ProcessSpec noArgs = SpecParser.parse("{\"cwd\":\"/\"}".getBytes(StandardCharsets.UTF_8), "process.json", ProcessSpec.class);
        assertEquals("args", assertThrows(SpecException.class, () -> SpecValidator.validateProcess(noArgs, null)).path());
    }

    @Test
    void containerdsDefaultSpecIsValidOnceItHasACommand() throws Exception {
        ObjectNode doc = (ObjectNode) SpecJson.MAPPER.readTree(SpecParserTest.resource("containerd-1.6-default-spec.json"));
        // ctr fills process.args from the image; its bare default has none, which create must refuse.
        assertEquals("process.args", assertThrows(SpecException.class,
                () -> parseAndValidate(SpecJson.MAPPER.writeValueAsBytes(doc))).path());
        set(doc, "/process/args", "[\"sh\"]");
        Spec spec = SpecParser.parse(SpecJson.MAPPER.writeValueAsBytes(doc), "config.json");
        assertEquals(List.of(), SpecValidator.problems(spec));
        assertEquals(doc, SpecJson.MAPPER.readTree(SpecJson.compact(spec)), "nothing lost in the round trip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"ociVersion\": \"1.0.0\",}", "{\"ociVersion\" \"1.0.0\"}", "nul", "{\"a\":1}}", "\u0000"})
    void malformedJsonIsOneLineWithLineAndColumn(String json) {
        SpecException e = assertThrows(SpecException.class, () -> parseAndValidate(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON at line 1 column ") || e.getMessage().contains("after the end"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
