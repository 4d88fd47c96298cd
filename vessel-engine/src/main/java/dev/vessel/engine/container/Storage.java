package dev.vessel.engine.container;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;

/** Where vessel keeps things (DESIGN.md "State on disk"); overridable for tests with -Dvessel.storage / -Dvessel.runtime.root. */
public record Storage(Path root, Path runtimeRoot, Path initBinary) {

    public static Storage defaults() {
        String init = System.getProperty("vessel.init");
        if (init == null) {
            throw new RuntimeError("vessel-init helper not found: start vessel through bin/vessel (it sets -Dvessel.init)");
        }
        return new Storage(Path.of(System.getProperty("vessel.storage", "/var/lib/vessel")),
                Path.of(System.getProperty("vessel.runtime.root", "/run/vessel/runtime")), Path.of(init));
    }

    public Path containers() {
        return root.resolve("containers");
    }
}
