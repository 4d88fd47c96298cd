package dev.vessel.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A running container whose parent is its monitor (vessel-init in SUPERVISE mode), not the
 * process that started it: the container goes on when that process dies, and the monitor
 * writes the exit to the record file, which {@link #readRecord} reads back, also in a later
 * process (an engine that restarted). {@link #awaitExit} waits for the exit as long as the
 * starter lives; {@link #close} lets the monitor go on alone.
 */
public final class SupervisedContainer implements AutoCloseable {

    /** What the monitor wrote: the wait status and when it saw the exit. */
    public record Exit(int waitStatus, Instant time) {
        /** The exit code in the shell's convention: the status, or 128 + the signal. */
        public int code() {
            return new dev.vessel.linux.WaitStatus(waitStatus).shellCode();
        }
    }

    private final String id;
    private final int pid;
    private final Helper helper;

    SupervisedContainer(String id, int pid, Helper helper) {
        this.id = id;
        this.pid = pid;
        this.helper = helper;
    }

    public String id() {
        return id;
    }

    /** The container's init, in the host's pid namespace. */
    public int pid() {
        return pid;
    }

    /** The monitor's pid. */
    public int monitorPid() {
        return helper.helperPid();
    }

    /** Blocks until the container exits; its exit code (128 + n for signal n). */
    public int awaitExit() {
        return helper.awaitExit();
    }

    @Override
    public void close() {
        helper.close();
    }

    /** The record a monitor wrote at {@code file}, or empty while the container has not exited. */
    public static Optional<Exit> readRecord(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Integer status = null;
        Instant time = null;
        for (String line : text.split("\n")) {
            String[] kv = line.split(" ", 2);
            if (kv.length == 2 && kv[0].equals("status")) {
                status = Integer.parseInt(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("time")) {
                String[] t = kv[1].split("\\.", 2);
                time = Instant.ofEpochSecond(Long.parseLong(t[0]), t.length > 1 ? Long.parseLong(t[1]) : 0);
            }
        }
        if (status == null || time == null) {
            throw new IOException(file + " is not an exit record (\"status S\\ntime T\\n\"): " + text.strip());
        }
        return Optional.of(new Exit(status, time));
    }
}
