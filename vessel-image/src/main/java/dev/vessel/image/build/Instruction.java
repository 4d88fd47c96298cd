package dev.vessel.image.build;

import dev.vessel.image.oci.ImageConfig;

import java.util.List;
import java.util.Map;

/**
 * One Containerfile instruction, with the line it starts on. Arguments are kept as written
 * (variables unexpanded) except in FROM, because ${VAR} may name a variable of the base image's
 * environment, which is only known while building; {@link Variables#expand} does that then.
 */
public sealed interface Instruction {
    int line();

    /** {@code FROM [--platform=P] IMAGE [AS NAME]}; image "scratch" means no base. */
    record From(int line, String image, String platform, String stageName) implements Instruction {
    }

    /** Exec form (JSON array) or shell form (one string run by the SHELL, default /bin/sh -c). */
    record Command(List<String> args, boolean shellForm) {
    }

    /** {@code RUN [--network=none|host|default] CMD}; the network is off unless asked. */
    record Run(int line, Command command, String network) implements Instruction {
    }

    record Cmd(int line, Command command) implements Instruction {
    }

    record Entrypoint(int line, Command command) implements Instruction {
    }

    /** COPY and ADD (add = true: URLs are refused, local tar archives are extracted). */
    record Copy(int line, boolean add, List<String> sources, String destination, String from, String chown,
                String chmod, List<Heredoc> heredocs) implements Instruction {
        Copy(int line, boolean add, List<String> sources, String destination, String from, String chown, String chmod) {
            this(line, add, sources, destination, from, chown, chmod, List.of());
        }
    }

    /**
     * A here-document: {@code content} with tabs stripped for {@code <<-}; {@code raw} the body and
     * delimiter lines as written; {@code expand} false when the delimiter was quoted.
     */
    record Heredoc(String name, String content, String raw, boolean expand) {
    }

    record Env(int line, Map<String, String> vars) implements Instruction {
    }

    record Arg(int line, String name, String defaultValue) implements Instruction {
    }

    record Workdir(int line, String path) implements Instruction {
    }

    record User(int line, String user) implements Instruction {
    }

    record Expose(int line, List<String> ports) implements Instruction {
    }

    record Label(int line, Map<String, String> labels) implements Instruction {
    }

    record Volume(int line, List<String> paths) implements Instruction {
    }

    record StopSignal(int line, String signal) implements Instruction {
    }

    record Shell(int line, List<String> shell) implements Instruction {
    }

    /** {@code HEALTHCHECK}: {@code text} is the instruction as written (history and cache key). */
    record Healthcheck(int line, ImageConfig.Healthcheck check, String text) implements Instruction {
    }

    /** {@code ONBUILD INSTRUCTION}: the trigger as written, run in the builds that use this image in FROM. */
    record OnBuild(int line, String trigger) implements Instruction {
    }
}
