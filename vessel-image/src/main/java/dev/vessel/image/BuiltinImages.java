package dev.vessel.image;

import dev.vessel.image.layer.LayerUnpacker;
import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.Digest;
import dev.vessel.linux.Inodes;
import dev.vessel.linux.LinuxException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built-in {@code busybox} image, made on first use from the host's static busybox (Debian's
 * busybox-static), never downloaded: one layer with the binary, a symlink per applet, and minimal
 * /etc files. Fixed file times make the image id the same on every machine with the same binary.
 */
public final class BuiltinImages {
    public static final String BUSYBOX = "docker.io/library/busybox:latest";
    public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");
    private static final FileTime EPOCH = FileTime.from(Instant.EPOCH);

    private BuiltinImages() {
    }

    /** The busybox image: the stored one if present, else built now from {@code hostBusybox}. */
    public static Image busybox(ImageStore store, Path hostBusybox) throws IOException {
        Optional<Image> existing = store.find(BUSYBOX);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!Files.isRegularFile(hostBusybox)) {
            throw new IOException("the built-in busybox image needs a static busybox at " + hostBusybox
                    + " (apt-get install busybox-static), or `vessel pull busybox`");
        }
        Path stage = Files.createTempDirectory(store.blobs().root().resolve("ingest"), "busybox-");
        try {
            Path bin = Files.createDirectories(stage.resolve("bin"));
            Files.copy(hostBusybox, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.setAttribute(bin.resolve("busybox"), "unix:mode", 0755);
            for (String applet : applets(hostBusybox)) {
                if (!applet.equals("busybox") && applet.matches("[A-Za-z0-9_.\\[\\]-]+")) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
            }
            Path etc = Files.createDirectories(stage.resolve("etc"));
            Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\n");
            for (String d : List.of("root", "tmp", "proc", "sys", "dev", "home")) {
                Files.createDirectories(stage.resolve(d));
            }
            Files.setAttribute(stage.resolve("tmp"), "unix:mode", 01777);
            fixTimes(stage);
            LayerWriter.Layer layer;
            try (LayerWriter w = new LayerWriter(store.blobs())) {
                w.add(stage, "", new LayerWriter.Forced(0, 0, null), false);
                layer = w.finish();
            }
            ImageConfig config = new ImageConfig("1970-01-01T00:00:00Z", null, "amd64", "linux", null,
                    new ImageConfig.Config(null, null, List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                            null, List.of("sh"), null, null, null, null),
                    new ImageConfig.RootFs("layers", List.of(layer.diffId().toString())),
                    List.of(new ImageConfig.History("1970-01-01T00:00:00Z", "vessel built-in busybox from " + hostBusybox, null, null, null)));
            byte[] cfg = OciJson.write(config);
            Digest cd = store.blobs().put(cfg);
            byte[] m = OciJson.write(Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, cd, cfg.length),
                    List.of(new Descriptor(MediaTypes.OCI_LAYER_GZIP, layer.blob(), layer.size()))));
            store.commit(m, List.of(BUSYBOX));
            return store.resolve(BUSYBOX);
        } finally {
            LayerUnpacker.deleteTree(stage);
        }
    }

    private static List<String> applets(Path busybox) throws IOException {
        Process p = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
        List<String> out = new ArrayList<>(List.of(new String(p.getInputStream().readAllBytes()).split("\\s+")));
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(busybox + " --list failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        out.removeIf(String::isBlank);
        return out;
    }

    private static void fixTimes(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                try {
                    Inodes.setTimes(p.toString(), EPOCH.toInstant(), EPOCH.toInstant());
                } catch (LinuxException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(root + " vanished");
        }
    }
}
