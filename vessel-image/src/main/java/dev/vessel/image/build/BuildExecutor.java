package dev.vessel.image.build;

import dev.vessel.image.ProcessDefaults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * How the builder runs a RUN step. The image module does not run containers (DESIGN.md): the
 * CLI or the engine implements this with Vessel's runtime. The builder prepares {@code rootfs}
 * (an overlay of the stage's layers with a fresh upper directory), calls {@link #run}, and turns
 * the upper directory into the step's layer if the status is 0.
 */
public interface BuildExecutor {
    /**
     * Runs one process to completion in a container on {@code rootfs}.
     *
     * @param process argv, env, cwd, uid and gid (shell form already wrapped in the SHELL)
     * @param network "none" (the default: no network namespace with interfaces) or "host"
     * @param output  where the process's stdout and stderr go (the build log)
     * @return the process's exit status
     */
    int run(Path rootfs, ProcessDefaults process, String network, OutputStream output) throws IOException;
}
