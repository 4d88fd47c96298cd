package dev.vessel.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What /proc says about one process. The start time (field 22 of /proc/PID/stat, in clock
 * ticks since boot) tells a live container process from an unrelated one that reused its pid.
 */
public record ProcessInfo(int pid, char state, int ppid, long startTime) {

    /** Reads /proc/PID/stat; null when the process does not exist. */
    public static ProcessInfo read(int pid) {
        if (pid <= 0) {
            return null;
        }
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
        // comm (field 2) may contain spaces and parentheses: fields resume after the last ')'.
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
        return new ProcessInfo(pid, f[0].charAt(0), Integer.parseInt(f[1]), Long.parseLong(f[19]));
    }

    /** True when {@code pid} is alive (not a zombie) and is the process that had {@code startTime}. */
    public static boolean isAlive(int pid, long startTime) {
        ProcessInfo p = read(pid);
        return p != null && p.state != 'Z' && p.state != 'X' && (startTime == 0 || p.startTime == startTime);
    }
}
