package dev.vessel.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test bundles: a busybox rootfs (Debian's busybox-static, one binary and a symlink per applet)
 * with the default spec, non-interactive, and an /out directory bound from the host so the
 * container can report what it saw.
 */
public final class Bundles {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Bundles() {}

    public static boolean busyboxAvailable() {
        return Files.isExecutable(Path.of("/bin/busybox"));
    }

    /** A bundle in {@code dir} running {@code sh -c script}. */
    public static ObjectNode create(Path dir, String script) throws IOException {
        Path bin = dir.resolve("rootfs/bin");
        Files.createDirectories(bin);
        Files.createDirectories(dir.resolve("out"));
        // Mount points a test may use: the default spec's rootfs is read-only, so they must exist beforehand.
        Files.createDirectories(dir.resolve("rootfs/mnt"));
        Files.createDirectories(dir.resolve("rootfs/tmp"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Process p = new ProcessBuilder("/bin/busybox", "--list").start();
        for (String applet : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        ObjectNode c = (ObjectNode) JSON.readTree(StateStore.toJson(DefaultSpec.example(false)));
        ObjectNode proc = (ObjectNode) c.get("process");
        proc.put("terminal", false);
        ArrayNode args = proc.putArray("args");
        args.add("sh").add("-c").add(script);
        ObjectNode out = ((ArrayNode) c.get("mounts")).addObject();
        out.put("destination", "/out").put("type", "bind").put("source", dir.resolve("out").toString());
        out.putArray("options").add("rbind").add("rw");
        write(dir, c);
        return c;
    }

    public static void write(Path dir, JsonNode config) throws IOException {
        Files.write(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }

    public static String out(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve("out").resolve(file)).strip();
    }

    public static List<String> lines(Path dir, String file) throws IOException {
        return Files.readAllLines(dir.resolve("out").resolve(file));
    }
}
