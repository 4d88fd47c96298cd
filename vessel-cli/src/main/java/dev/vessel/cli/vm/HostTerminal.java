package dev.vessel.cli.vm;

import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The user's terminal in raw mode for {@code -t}, so every key (Ctrl-C too) reaches the guest,
 * whose own tty does the echoing and line editing. Uses {@code stty} on the inherited stdin, the
 * same terminal the JVM reads from; the saved settings are put back when the run ends.
 */
final class HostTerminal {

    private final String saved;

    private HostTerminal(String saved) {
        this.saved = saved;
    }

    /** The terminal on stdin with its current settings saved; fails when stdin is not a terminal. */
    static HostTerminal of() throws IOException, InterruptedException {
        Result g = stty("-g");
        if (g.status != 0) {
            throw new RuntimeError("-t: the input is not a terminal; drop -t (use -i alone to pipe input)");
        }
        return new HostTerminal(g.output.strip());
    }

    void raw() throws IOException, InterruptedException {
        Result r = stty("raw", "-echo");
        if (r.status != 0) {
            throw new RuntimeError("-t: cannot put the terminal in raw mode: " + r.output.strip());
        }
    }

    void restore() {
        try {
            stty(saved);
        } catch (IOException | InterruptedException e) {
            System.err.println("vessel: could not restore the terminal (run: stty sane): " + e.getMessage());
        }
    }

    private record Result(int status, String output) { }

    private static Result stty(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
