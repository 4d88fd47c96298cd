package dev.vessel.vmm.guest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The default guest: a riscv64 kernel and a busybox initramfs, built from Debian's packages on
 * first use and cached under {@code /var/cache/vessel/<name>-<hash of inputs>}.
 *
 * <pre>
 *   kernel()          kernel-&lt;key&gt;/Image      linux-source-6.1 + guest/kernel.config, cross-built
 *   busybox()         busybox-&lt;key&gt;/busybox    Debian's busybox source, static, cross-built
 *   initramfs(cmd)    initramfs-&lt;key&gt;.cpio    /init + busybox + applet links (+ the command)
 * </pre>
 */
public final class GuestAssets {

    public static final Path DEFAULT_CACHE = Path.of("/var/cache/vessel");
    /** Kernel command-line parameter carrying the guest command (base64 of shell-quoted words). */
    public static final String CMD_PARAMETER = "vessel.cmd=";

    private static final AssetBuild KERNEL = new AssetBuild("kernel", "build-kernel.sh",
            List.of(AssetBuild.resource("kernel.config")), List.of("linux-source-6.1", "gcc-riscv64-linux-gnu"));
    private static final AssetBuild BUSYBOX = new AssetBuild("busybox", "build-busybox.sh",
            List.of(), List.of("busybox", "gcc-riscv64-linux-gnu", "libc6-dev-riscv64-cross"));

    private final Path cache;
    private final PrintStream progress;

    public GuestAssets(Path cache, PrintStream progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** The default cache with progress on stderr. */
    public static GuestAssets standard() {
        return new GuestAssets(DEFAULT_CACHE, System.err);
    }

    /** Where the kernel will be once built; lets callers check the cache without building. */
    public Path kernelPath() {
        return cache.resolve("kernel-" + KERNEL.key()).resolve("Image");
    }

    public Path busyboxPath() {
        return cache.resolve("busybox-" + BUSYBOX.key()).resolve("busybox");
    }

    /** The guest kernel {@code Image}, built first when it is not cached (several minutes). */
    public Path kernel() throws IOException {
        Path fragment = Files.createTempFile("vessel-kernel", ".config");
        try {
            Files.write(fragment, AssetBuild.resource("kernel.config"));
            return KERNEL.ensure(cache, progress, List.of(fragment.toString())).resolve("Image");
        } finally {
            Files.deleteIfExists(fragment);
        }
    }

    /** The static riscv64 busybox, built first when it is not cached. */
    public Path busybox() throws IOException {
        return BUSYBOX.ensure(cache, progress, List.of()).resolve("busybox");
    }

    /**
     * An initramfs whose /init runs {@code cmd} (an argv; empty for an interactive shell), then
     * reports {@code VESSEL-EXIT=<n>} and powers off. Cached by content.
     */
    public Path initramfs(List<String> cmd) throws IOException {
        Path bin = busybox();
        byte[] busybox = Files.readAllBytes(bin);
        List<String> links = Files.readAllLines(bin.resolveSibling("busybox.links"));
        byte[] init = AssetBuild.resource("init");
        byte[] command = shellQuote(cmd).getBytes(StandardCharsets.UTF_8);
        String key = AssetBuild.hash(List.of(busybox, String.join("\n", links).getBytes(StandardCharsets.UTF_8), init, command));
        Path out = cache.resolve("initramfs-" + key + ".cpio");
        if (Files.isRegularFile(out)) {
            Files.setLastModifiedTime(out, FileTime.fromMillis(System.currentTimeMillis())); // recently used
            return out;
        }
        Initramfs fs = image(busybox, links, init, command);
        AssetBuild.writableCache(cache);
        Path tmp = Files.createTempFile(cache, ".initramfs", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            fs.writeTo(o);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        evictInitramfs(out);
        return out;
    }

    /** Archives kept per cache: one per distinct command, so the least recently used go. */
    static final int KEEP_INITRAMFS = 16;

    private void evictInitramfs(Path keep) throws IOException {
        List<Path> all;
        try (var files = Files.list(cache)) {
            all = files.filter(p -> p.getFileName().toString().matches("initramfs-[0-9a-f]{16}\\.cpio")).collect(
                    java.util.stream.Collectors.toCollection(ArrayList::new));
        }
        all.sort(java.util.Comparator.comparingLong(GuestAssets::modified).reversed());
        for (Path p : all.subList(Math.min(KEEP_INITRAMFS, all.size()), all.size())) {
            if (!p.equals(keep)) {
                Files.deleteIfExists(p); // another process may have evicted it already
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0; // gone meanwhile: oldest, so it is not kept
        }
    }

    static Initramfs image(byte[] busybox, List<String> links, byte[] init, byte[] command) {
        Initramfs fs = new Initramfs();
        for (String dir : List.of("dev", "proc", "sys", "tmp", "run", "root", "etc", "bin", "sbin", "usr/bin", "usr/sbin")) {
            fs.directory(dir, dir.equals("tmp") ? 01777 : 0755);
        }
        // The kernel opens /dev/console for init before anything is mounted on /dev.
        fs.charDevice("dev/console", 0600, 5, 1);
        fs.file("init", 0755, init);
        fs.file("bin/busybox", 0755, busybox);
        for (String link : links) {
            String path = link.trim();
            if (path.isEmpty() || path.equals("/bin/busybox") || path.equals("/init") || path.equals("/linuxrc")) {
                continue;
            }
            int depth = (int) path.chars().filter(c -> c == '/').count() - 1;
            // Relative targets keep the links valid wherever the tree is unpacked.
            fs.symlink(path, path.lastIndexOf('/') == 4 && path.startsWith("/bin/") ? "busybox"
                    : "../".repeat(depth) + "bin/busybox");
        }
        if (command.length > 0) {
            fs.file("etc/vessel/cmd", 0644, command);
        }
        return fs;
    }

    /** The kernel parameter that makes /init run {@code cmd}, for a shared initramfs. */
    public static String commandParameter(List<String> cmd) {
        return CMD_PARAMETER + Base64.getEncoder().encodeToString(shellQuote(cmd).getBytes(StandardCharsets.UTF_8));
    }

    /** Words in single quotes, so /init's {@code eval} rebuilds exactly this argv. */
    static String shellQuote(List<String> cmd) {
        List<String> words = new ArrayList<>();
        for (String arg : cmd) {
            words.add("'" + arg.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }
}
