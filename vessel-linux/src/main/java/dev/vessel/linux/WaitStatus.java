package dev.vessel.linux;

/**
 * A decoded wait(2) status: the WIFEXITED / WEXITSTATUS / WIFSIGNALED / WTERMSIG macros.
 *
 * @param raw the status word as waitpid returned it
 */
public record WaitStatus(int raw) {

    public boolean exited() {
        return (raw & 0x7f) == 0;
    }

    public int exitCode() {
        return (raw >> 8) & 0xff;
    }

    public boolean signaled() {
        return ((byte) ((raw & 0x7f) + 1) >> 1) > 0;
    }

    public int termSignal() {
        return raw & 0x7f;
    }

    public boolean coreDumped() {
        return signaled() && (raw & 0x80) != 0;
    }

    /** The shell's convention: the exit code, or 128 + the signal that killed the process. */
    public int shellCode() {
        if (exited()) {
            return exitCode();
        }
        return signaled() ? 128 + termSignal() : 255;
    }

    @Override
    public String toString() {
        if (exited()) {
            return "exited with code " + exitCode();
        }
        if (signaled()) {
            return "killed by " + Signals.name(termSignal()) + (coreDumped() ? " (core dumped)" : "");
        }
        return "wait status 0x" + Integer.toHexString(raw);
    }
}
