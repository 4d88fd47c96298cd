package dev.vessel.cli;

import dev.vessel.engine.container.Storage;
import dev.vessel.engine.container.Images;
import dev.vessel.engine.container.RuntimeBuildExecutor;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.build.BuildException;
import dev.vessel.image.build.Builder;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vessel build}: a Containerfile into an image, RUN steps in Vessel's own containers. */
@Command(name = "build", description = "Build an image from a Containerfile.")
final class BuildCommand implements Callable<Integer> {

    @Option(names = {"-t", "--tag"}, description = "NAME[:TAG], repeatable")
    List<String> tags = new ArrayList<>();

    @Option(names = {"-f", "--file"}, description = "Containerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile)")
    Path file;

    @Option(names = "--build-arg", description = "NAME=VALUE, repeatable")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", description = "stage to build (default: the last)")
    String target;

    @Option(names = "--network", defaultValue = "none", description = "none (default) or host, for RUN steps")
    String network;

    @Parameters(index = "0", paramLabel = "CONTEXT")
    Path context;

    @Override
    public Integer call() {
        if (!network.equals("none") && !network.equals("host")) {
            throw new RuntimeError("--network \"" + network + "\": use none or host");
        }
        if (!Files.isDirectory(context)) {
            throw new RuntimeError("build context " + context + " is not a directory");
        }
        Path cf = file != null ? file : Files.exists(context.resolve("Containerfile")) ? context.resolve("Containerfile")
                : context.resolve("Dockerfile");
        if (!Files.isRegularFile(cf)) {
            throw new RuntimeError("no Containerfile: " + cf + " does not exist; give one with -f");
        }
        for (String t : tags) {
            try {
                Reference.parse(t);
            } catch (IllegalArgumentException e) {
                throw new RuntimeError("--tag \"" + t + "\": " + e.getMessage());
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : buildArgs) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new RuntimeError("--build-arg \"" + a + "\": use NAME=VALUE");
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Storage storage = Storage.defaults();
        ImageService images = Images.service();
        try {
            Builder b = new Builder(images, storage.root().resolve("build-cache"),
                    Optional.of(new RuntimeBuildExecutor(storage)), System.err);
            Image img = b.build(new Builder.Request(context, cf, tags, args, Optional.ofNullable(target),
                    Platform.LINUX_AMD64));
            System.out.println(img.id());
            return 0;
        } catch (BuildException e) {
            throw new RuntimeError(e.getMessage()); // FILE:LINE: what went wrong
        } catch (IOException | IllegalArgumentException e) {
            throw new RuntimeError(e.getMessage());
        }
    }
}
