package dev.vessel.cli;

import dev.vessel.engine.Engine;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.RuntimeError;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code vessel} finds its engine: {@code VESSEL_HOST} (unix://PATH), else the default
 * socket. With the default socket, as root, an engine that does not answer is started in the
 * background (its own session; output to /var/lib/vessel/engine.log) and waited for, so the
 * first command on a fresh machine without systemd works as the README says.
 */
final class EngineConnection {

    private EngineConnection() {}

    /** The engine's socket as the environment names it. */
    static Path socket() {
        String host = System.getenv("VESSEL_HOST");
        if (host == null || host.isBlank()) {
            return Engine.DEFAULT_SOCKET;
        }
        if (!host.startsWith("unix://")) {
            throw new RuntimeError("VESSEL_HOST=\"" + host + "\": use unix:///path/to/vessel.sock (TCP needs mutual TLS,"
                    + " which this vessel does not speak yet)");
        }
        return Path.of(host.substring("unix://".length()));
    }

    /** A client of the engine, started first when it is ours to start. */
    static EngineClient client() {
        Path socket = socket();
        EngineClient c = EngineClient.unix(socket);
        if (c.ping()) {
            return c;
        }
        if (!socket.equals(Engine.DEFAULT_SOCKET) || Processes.euid() != 0) {
            c.close();
            throw new RuntimeError("no engine answers on " + socket + ": start one with `vessel daemon`"
                    + (socket.equals(Engine.DEFAULT_SOCKET) ? " as root" : " --socket " + socket));
        }
        startInBackground();
        for (int i = 0; i < 600; i++) {
            if (c.ping()) {
                return c;
            }
            sleep(50);
        }
        c.close();
        throw new RuntimeError("the engine did not answer on " + socket + " within 30 s of its start: see "
                + Engine.DEFAULT_ROOT.resolve("engine.log"));
    }

    /** A client only if an engine answers now (for commands that also work without one). */
    static EngineClient ifRunning() {
        EngineClient c = EngineClient.unix(socket());
        if (c.ping()) {
            return c;
        }
        c.close();
        return null;
    }

    private static void startInBackground() {
        String home = System.getProperty("vessel.home");
        if (home == null) {
            throw new RuntimeError("cannot start the engine: vessel.home is not set (start vessel through bin/vessel)");
        }
        try {
            Files.createDirectories(Engine.DEFAULT_ROOT);
            File log = Engine.DEFAULT_ROOT.resolve("engine.log").toFile();
            List<String> cmd = new ArrayList<>(List.of("setsid", "-f", home + "/bin/vessel", "daemon"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectErrorStream(true);
            pb.environment().put("VESSEL_JIT", "full"); // a long-lived process: C2 pays off
            pb.environment().put("VESSEL_REBUILD", "never");
            Process p = pb.start();
            p.waitFor(); // setsid -f returns once the engine is forked off
        } catch (java.io.IOException e) {
            throw new RuntimeError("cannot start the engine: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeError("interrupted while starting the engine");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
