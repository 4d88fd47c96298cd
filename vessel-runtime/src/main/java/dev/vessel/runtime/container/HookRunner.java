package dev.vessel.runtime.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Hooks.Hook;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs OCI hooks in the runtime's namespaces: each gets the container's state JSON on stdin,
 * only its own {@code env}, and is killed at its {@code timeout}. A failing hook fails the
 * operation (the caller rolls back); poststop failures are only logged, as the spec says.
 */
final class HookRunner {

    private HookRunner() {}

    static void run(String phase, List<Hook> hooks, byte[] stateJson) {
        if (hooks == null) {
            return;
        }
        for (int i = 0; i < hooks.size(); i++) {
            Hook h = hooks.get(i);
            String field = "hooks." + phase + "[" + i + "] (" + h.path() + ")";
            List<String> cmd = new ArrayList<>();
            cmd.add(h.path());
            if (h.args() != null && h.args().size() > 1) {
                // args[0] is the hook's argv[0]; ProcessBuilder always uses the path there.
                cmd.addAll(h.args().subList(1, h.args().size()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().clear();
            if (h.env() != null) {
                for (String e : h.env()) {
                    int eq = e.indexOf('=');
                    if (eq > 0) {
                        pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
                    }
                }
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new RuntimeError(field + ": cannot start: " + e.getMessage());
            }
            try (OutputStream in = p.getOutputStream()) {
                in.write(stateJson);
            } catch (IOException e) {
                // A hook may exit without reading its stdin; that is its right.
            }
            try {
                int timeout = h.timeout() == null ? 0 : h.timeout();
                if (timeout > 0 && !p.waitFor(timeout, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new RuntimeError(field + ": timed out after " + timeout + "s");
                }
                int code = p.waitFor();
                if (code != 0) {
                    throw new RuntimeError(field + ": exited with status " + code);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new RuntimeError(field + ": interrupted");
            }
        }
    }
}
