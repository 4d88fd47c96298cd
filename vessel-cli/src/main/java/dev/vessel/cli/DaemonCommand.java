package dev.vessel.cli;

import dev.vessel.engine.Engine;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.engine.container.Storage;
import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vessel daemon}: the engine in the foreground; {@code vessel daemon stop} stops the one that answers. */
@Command(name = "daemon", description = "Run the engine in the foreground (or: vessel daemon stop).")
final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", description = "where the engine keeps its state (default /var/lib/vessel)")
    Path root;

    @Option(names = "--socket", paramLabel = "PATH", description = "the API's unix socket (default /run/vessel/vessel.sock)")
    Path socket;

    @Parameters(arity = "0..1", paramLabel = "stop", description = "stop: ask the running engine to stop (its containers go on)")
    String action;

    @Override
    public Integer call() throws Exception {
        if ("stop".equals(action)) {
            try (EngineClient c = EngineClient.unix(socket != null ? socket : EngineConnection.socket())) {
                if (!c.ping()) {
                    System.err.println("vessel: no engine answers on " + c.socket());
                    return 1;
                }
                long pid = c.get("/v1/engine").get("pid").asLong();
                c.post("/v1/engine/stop", null);
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
                return 0;
            }
        }
        if (action != null) {
            throw new RuntimeError("daemon \"" + action + "\": unknown action; use `vessel daemon` or `vessel daemon stop`");
        }
        Storage defaults = Storage.defaults();
        Path r = root != null ? root.toAbsolutePath() : Engine.DEFAULT_ROOT;
        // A private engine (--root) keeps its runtime state apart too, so engines never share containers.
        Storage storage = root == null ? new Storage(r, defaults.runtimeRoot(), defaults.initBinary())
                : new Storage(r, r.resolve("runtime"), defaults.initBinary());
        Engine engine = Engine.start(storage, socket != null ? socket.toAbsolutePath() : Engine.DEFAULT_SOCKET);
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        System.err.println("vessel engine " + Engine.VERSION + " (pid " + ProcessHandle.current().pid() + ") on "
                + engine.socket() + ", state in " + r);
        engine.awaitStop();
        return 0;
    }
}
