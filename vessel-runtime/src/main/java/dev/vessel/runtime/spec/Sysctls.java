package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.Problems.q;

import java.util.Map;
import java.util.Set;

/**
 * {@code linux.sysctl}: only sysctls that belong to a namespace the container has of its own
 * may be set, otherwise the write would change the host. The table is runc's.
 */
final class Sysctls {

    /** The IPC namespace's sysctls (ipc/ipc_sysctl.c); fs.mqueue.* belongs to it too. */
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private Sysctls() {}

    static void check(Linux linux, Problems out) {
        Map<String, String> sysctl = linux.sysctl();
        if (sysctl == null) {
            return;
        }
        for (Map.Entry<String, String> e : sysctl.entrySet()) {
            String key = e.getKey();
            String at = JsonPaths.field("linux.sysctl", key);
            // sysctl(8) accepts "net/ipv4/ip_forward" as well as "net.ipv4.ip_forward".
            String name = key.replace('/', '.');
            if (e.getValue() == null) {
                out.add(at, "is null; give the value as a string");
            }
            if (key.isEmpty() || key.contains("..") || key.startsWith(".") || key.startsWith("/")) {
                // The name becomes a path under /proc/sys: nothing may climb out of it.
                out.add(at, "is not a sysctl name; write it like \"net.ipv4.ip_forward\"");
            } else if (IPC.contains(name) || name.startsWith("fs.mqueue.")) {
                need(linux, Namespaces.IPC, at, out);
            } else if (name.startsWith("net.")) {
                need(linux, Namespaces.NETWORK, at, out);
            } else if (name.equals("kernel.domainname")) {
                need(linux, Namespaces.UTS, at, out);
            } else if (name.equals("kernel.hostname")) {
                out.add(at, "conflicts with the \"hostname\" field; set the hostname there instead");
            } else {
                out.add(at, "is not in a kernel namespace of the container, so setting it would change the host; "
                        + "only net.*, fs.mqueue.*, kernel.domainname and the IPC ones (kernel.shm*, kernel.msg*, kernel.sem) are allowed");
            }
        }
    }

    private static void need(Linux linux, String type, String at, Problems out) {
        if (!linux.hasNamespace(type)) {
            out.add(at, "needs the container to have its own " + type + " namespace; add {\"type\": " + q(type)
                    + "} to linux.namespaces");
        }
    }
}
