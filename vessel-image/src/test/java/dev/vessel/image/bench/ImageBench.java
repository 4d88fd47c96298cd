package dev.vessel.image.bench;

import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.registry.DockerConfig;
import dev.vessel.image.registry.ImagePuller;
import dev.vessel.image.registry.Progress;
import dev.vessel.image.registry.Registries;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Not a test: a side-by-side measurement for bench/ (pull vs skopeo copy, unpack vs umoci unpack)
 * on a generated multi-layer image of about 100 MB served by a local docker-registry.
 * Run: java -cp <test classes + deps> dev.vessel.image.bench.ImageBench REGISTRY_HOST:PORT WORKDIR
 * with the registry already running (see tests/e2e/image/images.sh for a throwaway config).
 */
public final class ImageBench {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        Path work = Files.createDirectories(Path.of(args[1]));
        ImageService svc = new ImageService(work.resolve("src-images"), work.resolve("src-snaps"),
                new DockerConfig(work.resolve("c.json")), Set.of(host));
        Image img = generate(svc, work);
        String ref = host + "/bench/app:1";
        svc.push("bench/app:1", java.util.Optional.of(ref), null);
        System.out.printf(Locale.ROOT, "image: %d layers, %.1f MB compressed%n", img.manifest().layers().size(), img.size() / 1e6);

        for (int round = 0; round < 3; round++) {
            Path dst = work.resolve("pull-" + round);
            ImageService fresh = new ImageService(dst.resolve("images"), dst.resolve("snaps"),
                    new DockerConfig(work.resolve("c.json")), Set.of(host));
            long t0 = System.nanoTime();
            new ImagePuller(fresh.store(), new Registries(new DockerConfig(work.resolve("c.json")), Set.of(host)), 3)
                    .pull(Reference.parse(ref), Platform.LINUX_AMD64, Progress.quiet());
            double vessel = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            run("skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "dir:" + dst.resolve("skopeo-dir"));
            double skopeo = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "pull   round %d: vessel %.2fs  skopeo copy %.2fs  ratio %.2f%n", round, vessel, skopeo, vessel / skopeo);

            Path layout = dst.resolve("oci");
            run("skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + layout + ":1");
            t0 = System.nanoTime();
            // What `vessel run` does before mounting: every layer into its own snapshot dir, in parallel.
            fresh.snapshots().layers().prepare(fresh.inspect(ref));
            double unpack = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            run("umoci", "unpack", "--image", layout + ":1", dst.resolve("umoci-bundle").toString());
            double umoci = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "unpack round %d: vessel %.2fs  umoci unpack %.2fs  ratio %.2f%n", round, unpack, umoci, unpack / umoci);
        }
    }

    /** Four layers: many small text files, a few big semi-compressible files, a binary blob, a config layer. */
    private static Image generate(ImageService svc, Path work) throws IOException {
        Random rnd = new Random(42);
        List<byte[]> layers = new ArrayList<>();
        layers.add(tar(rnd, 3000, 8_000, true));
        layers.add(tar(rnd, 6, 8_000_000, true));
        layers.add(tar(rnd, 2, 15_000_000, false));
        layers.add(tar(rnd, 200, 2_000, true));
        Path dir = Files.createDirectories(work.resolve("layers"));
        List<byte[]> gz = new ArrayList<>();
        for (byte[] l : layers) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (OutputStream z = Compression.GZIP.compress(o)) {
                z.write(l);
            }
            gz.add(o.toByteArray());
        }
        return dev.vessel.image.TestImages.build(svc.store(), "bench/app:1", layers);
    }

    private static byte[] tar(Random rnd, int files, int size, boolean text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < files; i++) {
                byte[] b = new byte[size];
                if (text) {
                    for (int j = 0; j < size; j++) {
                        b[j] = (byte) ('a' + rnd.nextInt(16) + (j % 64 == 63 ? -87 : 0));
                    }
                } else {
                    rnd.nextBytes(b);
                }
                TarArchiveEntry e = new TarArchiveEntry("d" + (i % 50) + "/f" + i);
                e.setSize(size);
                t.putArchiveEntry(e);
                t.write(b);
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }
}
