package dev.vessel.engine;

import dev.vessel.engine.container.Storage;
import java.nio.file.Path;

/** An engine in a JVM of its own, for tests that kill it: {@code EngineProcess ROOT SOCKET}; prints "ready". */
public final class EngineProcess {

    private EngineProcess() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Engine engine = Engine.start(new Storage(root, root.resolve("runtime"), Path.of(System.getProperty("vessel.init"))),
                Path.of(args[1]));
        System.out.println("ready");
        System.out.flush();
        engine.awaitStop();
    }
}
