package dev.vessel.runtime.container;

import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Signals;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.cgroups.CgroupManager;
import dev.vessel.runtime.state.ContainerState;
import java.util.List;

/** Stopping what a container left running and removing its cgroup: shared by delete and failed creates. */
final class Teardown {

    private Teardown() {}

    /** kill(2) that treats a process already gone as success: it raced us to the exit. */
    static void signal(int pid, int signal) {
        try {
            Processes.kill(pid, signal);
        } catch (LinuxException e) {
            if (!e.getMessage().contains("ESRCH")) {
                throw e;
            }
        }
    }

    /**
     * SIGKILL to every process of the container (a frozen cgroup is thawed so the kill lands),
     * then waits up to ~5 s until the init process is gone.
     */
    static void killAll(ContainerState s, CgroupManager cg) {
        List<Integer> pids;
        try {
            pids = cg.pids();
        } catch (RuntimeException e) {
            pids = List.of();
        }
        if (ProcessInfo.isAlive(s.pid(), s.pidStartTime())) {
            signal(s.pid(), Signals.SIGKILL);
        }
        for (int pid : pids) {
            signal(pid, Signals.SIGKILL);
        }
        try {
            cg.thaw();
        } catch (RuntimeException e) {
            // No freezer or no cgroup: nothing was frozen.
        }
        for (int i = 0; i < 500 && ProcessInfo.isAlive(s.pid(), s.pidStartTime()); i++) {
            sleep(10);
        }
        if (ProcessInfo.isAlive(s.pid(), s.pidStartTime())) {
            throw new RuntimeError("container \"" + s.id() + "\": process " + s.pid() + " did not die after SIGKILL");
        }
        // Other members of the cgroup die with the pid namespace's init, but not instantly.
        for (int i = 0; i < 200; i++) {
            try {
                if (cg.pids().isEmpty()) {
                    break;
                }
            } catch (RuntimeException e) {
                break;
            }
            sleep(10);
        }
    }

    /** SIGKILL and up to a second for the process to be gone, so its cgroup can be removed next. */
    static void killAndWait(int pid) {
        signal(pid, Signals.SIGKILL);
        for (int i = 0; i < 100 && ProcessInfo.isAlive(pid, 0); i++) {
            sleep(10);
        }
    }


    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
