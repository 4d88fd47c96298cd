package dev.vessel.cli;

import dev.vessel.engine.api.ApiServer;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.engine.api.Response;
import dev.vessel.engine.api.Router;
import dev.vessel.engine.container.RunFlags;
import dev.vessel.engine.container.SecurityOpts;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.cli.TrainingScratch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden verb for the launcher's AOT training run (the cache holds what this run loads and
 * links): what `vessel run` loads, then, when root, a real `vessel run --rm busybox true` on
 * a private image store and runtime root in a {@link TrainingScratch}, and the runtime's own
 * container lifecycle. Leaves nothing behind.
 */
@Command(name = "aot-train", hidden = true)
final class AotTrain implements Callable<Integer> {

    @Override
    public Integer call() {
        RunFlags f = new RunFlags("train", false, "64m", "1", 10L, null, List.of("A=b"), null, null, false, List.of("true"),
                SecurityOpts.seccomp(List.of()));
        f.check();
        f.toSpec("train", "/rootfs", new dev.vessel.image.ProcessDefaults(List.of("true"), List.of("PATH=/bin"), "/", 0, 0));
        CommandLine cl = VesselMain.commandLine(null);
        for (var sub : cl.getSubcommands().values()) {
            sub.getUsageMessage();
        }
        if (Processes.euid() == 0 && System.getProperty("vessel.init") != null) {
            runFromImage();
        }
        dev.vessel.runtime.cli.AotTrain.exerciseLifecycle();
        exerciseEngineClient();
        return 0;
    }

    /**
     * What a command that asks the engine loads: the HTTP client on a unix socket, JSON both
     * ways, a streamed body. Against a server of this run's own on a scratch socket.
     */
    private static void exerciseEngineClient() {
        try (TrainingScratch scratch = TrainingScratch.open()) {
            Router router = new Router()
                    .route("GET", "/v1/containers", r -> Response.json(List.of(Map.of("id", "train", "state", "exited"))))
                    .route("POST", "/v1/containers", r -> Response.json(201, Map.of("id", "train")));
            try (ApiServer server = new ApiServer(scratch.dir().resolve("train.sock"), router)) {
                server.start();
                try (EngineClient c = EngineClient.unix(server.socket())) {
                    if (c.ping()) {
                        c.get("/v1/containers?all=true");
                        c.post("/v1/containers", Map.of("image", "busybox"));
                        c.stream(Router.PING, line -> { });
                        c.call("GET", "/v1/none", null);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the cache is still useful without this part
        }
    }

    private static void runFromImage() {
        try (TrainingScratch scratch = TrainingScratch.open()) {
            System.setProperty("vessel.storage", scratch.dir().resolve("lib").toString());
            System.setProperty("vessel.runtime.root", scratch.dir().resolve("run").toString());
            try {
                VesselMain.execute("run", "--rm", "busybox", "true");
                VesselMain.execute("image", "ls");
            } finally {
                System.clearProperty("vessel.storage");
                System.clearProperty("vessel.runtime.root");
            }
        } catch (IOException | RuntimeException e) {
            // the cache is still useful without this part
        }
    }
}
