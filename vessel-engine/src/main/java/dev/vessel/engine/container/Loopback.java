package dev.vessel.engine.container;

import dev.vessel.linux.LinuxException;
import dev.vessel.linux.NetDevices;
import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;

/**
 * A container's own network namespace gets its loopback up before anything of it runs, as
 * docker's and podman's "none" network has it: the kernel makes lo down, and a program that
 * talks to 127.0.0.1 would find nothing there. (Moves to vessel-net with the networks.)
 */
public final class Loopback {

    private Loopback() {}

    /** A {@code CreateOptions.beforeStart} step: {@code pid} is the container's init. */
    public static void up(int pid) {
        try {
            NetDevices.up(Path.of("/proc/" + pid + "/ns/net"), "lo");
        } catch (LinuxException e) {
            throw new RuntimeError("cannot set the container's loopback up: " + e.getMessage());
        }
    }
}
