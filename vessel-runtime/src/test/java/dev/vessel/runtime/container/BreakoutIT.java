package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.seccomp.SeccompProfiles;
import dev.vessel.runtime.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A container with the default spec (runc's capabilities, masked and read-only paths) and
 * Docker's default seccomp profile tries to break out; every attempt must fail. Each attempt
 * runs in its own container and reports its exit status through /out. The rootfs is read-only
 * (runc's default), so targets are a directory made beforehand (/mnt) or the /dev tmpfs; a
 * control test shows the same attempts succeed with the powers they need.
 */
class BreakoutIT extends RootRuntimeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mount without CAP_SYS_ADMIN | mount -t tmpfs none /mnt",
        "bind-mount the host root    | mount --bind / /mnt",
        "write /proc/sysrq-trigger   | echo h > /proc/sysrq-trigger",
        "read /proc/kcore            | head -c 1 /proc/kcore",
        "create a block device       | mknod /dev/sdx b 8 0",
        "open a disk by device cgroup| mknod /dev/vda2 b 254 0 ; head -c 1 /dev/vda2",
        "load a kernel module        | insmod /nonexistent.ko || modprobe dummy",
        "signal host init            | kill -0 1 && test $(cat /proc/1/comm) != sh",
        "ptrace outside (pid 1 of host not visible) | test -e /proc/$HOSTPID",
        "new user namespace          | unshare -U true",
        "write /sys                  | echo 1 > /sys/kernel/profiling",
        "remount /proc/sys rw        | mount -o remount,rw /proc/sys",
        "change the hostname's host  | hostname evil && test $(cat /proc/sys/kernel/hostname) = evil && false",
    })
    void attemptFails(String name, String attempt) throws Exception {
        Path bundle = tmp.resolve("b" + Math.abs(name.hashCode()));
        int hostPid = (int) ProcessHandle.current().pid();
        ObjectNode c = Bundles.create(bundle, "HOSTPID=" + hostPid + "; ( " + attempt + " ) >/dev/null 2>&1; echo $? > /out/rc");
        JsonNode caps = c.get("process").get("capabilities").get("bounding");
        List<String> bounding = new java.util.ArrayList<>();
        caps.forEach(n -> bounding.add(n.asText()));
        JsonNode seccomp = Bundles.JSON.readTree(StateStore.toJson(SeccompProfiles.dockerDefault(bounding)));
        ((ObjectNode) c.get("linux")).set("seccomp", seccomp);
        Bundles.write(bundle, c);
        rt.run(new CreateOptions("x" + Math.abs(name.hashCode()), bundle, null, null, 0, false, false), false, false);
        String rc = Bundles.out(bundle, "rc");
        assertNotEquals("0", rc, name + " succeeded inside the container");
    }

    /** The control: the same harness reports success when the container is given the power (all caps, no filter). */
    @org.junit.jupiter.api.Test
    void harnessSeesSuccessWhenPrivileged() throws Exception {
        Path bundle = tmp.resolve("priv");
        ObjectNode c = Bundles.create(bundle, "( mount -t tmpfs none /mnt && mknod /dev/sdx b 8 0 ) >/dev/null 2>&1; echo $? > /out/rc");
        ObjectNode caps = (ObjectNode) c.get("process").get("capabilities");
        // Every capability this test process itself holds (sandboxes may lack some, e.g. CAP_SYS_RESOURCE).
        long ours = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> Long.parseLong(l.substring(7).strip(), 16)).findFirst().orElse(0L);
        for (String set : List.of("bounding", "effective", "permitted")) {
            var arr = caps.putArray(set);
            List<String> all = dev.vessel.runtime.spec.CapabilityNames.ALL;
            for (int i = 0; i < all.size(); i++) {
                if ((ours & (1L << i)) != 0) {
                    arr.add(all.get(i));
                }
            }
        }
        Bundles.write(bundle, c);
        rt.run(new CreateOptions("priv", bundle, null, null, 0, false, false), false, false);
        assertEquals("0", Bundles.out(bundle, "rc"), "a privileged container can mount and mknod");
    }

    @org.junit.jupiter.api.Test
    void hostFilesAreNotReachableThroughTheRootfs() throws Exception {
        Path bundle = tmp.resolve("files");
        Bundles.create(bundle, "ls / > /out/ls; cat /etc/hostname > /out/h 2>/dev/null; echo $? > /out/rc");
        rt.run(new CreateOptions("files", bundle, null, null, 0, false, false), false, false);
        assertFalse(Bundles.lines(bundle, "ls").contains("usr"), "the host's / is not the container's");
        assertEquals("1", Bundles.out(bundle, "rc"), "no host /etc/hostname inside");
        assertFalse(Files.exists(bundle.resolve("rootfs/etc/hostname")));
    }
}
