package dev.vessel.vmm.guest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One cached build step: a bash script from this module's resources that turns Debian packages
 * into files in {@code <cache>/<name>-<key>/}. The key hashes everything the output depends on
 * (script, config, Debian package versions), so a changed input means a new directory and an
 * unchanged one is never rebuilt. A file lock keeps concurrent Vessel processes from building
 * the same thing twice.
 */
final class AssetBuild {

    private final String name;
    private final byte[] script;
    private final List<byte[]> inputs;
    private final List<String> packages;

    /** A build by the script {@code guest/<scriptResource>} of this module's resources. */
    AssetBuild(String name, String scriptResource, List<byte[]> inputs, List<String> packages) {
        this(name, resource(scriptResource), inputs, packages);
    }

    AssetBuild(String name, byte[] script, List<byte[]> inputs, List<String> packages) {
        this.name = name;
        this.script = script;
        this.inputs = inputs;
        this.packages = packages;
    }

    static byte[] resource(String path) {
        try (InputStream in = AssetBuild.class.getResourceAsStream("/guest/" + path)) {
            if (in == null) {
                throw new IllegalStateException("resource guest/" + path + " is missing from the vessel-vmm jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** First 16 hex digits of SHA-256 over the inputs, each length-prefixed. */
    static String hash(List<byte[]> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                sha.update(Integer.toString(p.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(p);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is a required JDK algorithm", e);
        }
    }

    /**
     * The cache key, computed once per process: asking dpkg for versions takes a few hundred
     * milliseconds, and the versions a build installs are the candidates already hashed.
     */
    String key() {
        String k = key;
        if (k == null) {
            key = k = computeKey();
        }
        return k;
    }

    private volatile String key;

    private String computeKey() {
        List<byte[]> all = new ArrayList<>(inputs);
        all.add(script);
        for (String p : packages) {
            all.add((p + "=" + DebianPackages.version(p)).getBytes(StandardCharsets.UTF_8));
        }
        return hash(all);
    }

    /** The output directory, built first if it is not in the cache yet. */
    Path ensure(Path cache, PrintStream progress, List<String> scriptArgs) throws IOException {
        Path out = cache.resolve(name + "-" + key());
        if (Files.isDirectory(out)) {
            return out;
        }
        writableCache(cache);
        try (FileChannel lockFile = FileChannel.open(cache.resolve("." + name + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            assert held.isValid();
            if (Files.isDirectory(out)) {
                return out; // another process built it while we waited
            }
            build(out, progress, scriptArgs);
            // The script may have installed the packages: on a fresh host the versions hashed
            // before ("none" or a stale candidate) differ from what was used. File the result
            // under the key of what is installed now, so the next run finds it.
            String now = computeKey();
            if (!out.getFileName().toString().equals(name + "-" + now)) {
                Path renamed = cache.resolve(name + "-" + now);
                if (Files.isDirectory(renamed)) {
                    deleteTree(out);
                } else {
                    Files.move(out, renamed, StandardCopyOption.ATOMIC_MOVE);
                }
                key = now;
                return renamed;
            }
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Creates the cache directory or explains in one line why it cannot be used. */
    static void writableCache(Path cache) throws IOException {
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new IOException("cannot create the guest asset cache " + cache + " (" + e.getClass().getSimpleName()
                    + "): run once as root to build the default guest, or pass --kernel and --initrd", e);
        }
        if (!Files.isWritable(cache)) {
            throw new IOException("the guest asset cache " + cache
                    + " is not writable: run once as root to build the default guest, or pass --kernel and --initrd");
        }
    }

    private void build(Path out, PrintStream progress, List<String> scriptArgs) throws IOException {
        Path scriptFile = Files.createTempFile("vessel-" + name, ".sh");
        Path log = out.resolveSibling(out.getFileName() + ".log");
        long start = System.nanoTime();
        Process p = null;
        String last = ""; // the script's last words: why it failed, when it did
        try {
            Files.write(scriptFile, script);
            List<String> command = new ArrayList<>(List.of("bash", scriptFile.toString()));
            command.addAll(scriptArgs);
            command.add(out.toString());
            progress.printf("vessel: building guest %s from Debian packages (first use; cached in %s)%n", name, out);
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread heartbeat = heartbeat(p, progress, start);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 Writer w = Files.newBufferedWriter(log)) {
                String prefix = "build-" + name + ": ";
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank()) {
                        last = line;
                    }
                    w.write(line);
                    w.write('\n');
                    if (line.startsWith(prefix)) {
                        progress.printf("vessel: [%3ds] %s%n", seconds(start), line.substring(prefix.length()));
                    }
                }
            }
            int status = p.waitFor();
            heartbeat.interrupt();
            if (status != 0 || !Files.isDirectory(out)) {
                throw new IOException("building the guest " + name + " failed (exit " + status + ")"
                        + (last.isEmpty() ? ", printing nothing" : ": " + last) + "; the build log is " + log);
            }
            progress.printf("vessel: guest %s ready after %ds%n", name, seconds(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("building the guest " + name + " was interrupted", e);
        } finally {
            if (p != null && p.isAlive()) {
                // Interrupted or failed while reading: take the compilers down with the script.
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            Files.deleteIfExists(scriptFile);
        }
    }

    /** Compiling prints nothing for minutes; a line every 30 s shows the build is alive. */
    private Thread heartbeat(Process p, PrintStream progress, long start) {
        return Thread.ofPlatform().daemon().name("vessel-build-" + name).start(() -> {
            try {
                while (p.isAlive()) {
                    Thread.sleep(30_000);
                    if (p.isAlive()) {
                        progress.printf("vessel: [%3ds] still building the guest %s%n", seconds(start), name);
                    }
                }
            } catch (InterruptedException e) {
                // the build ended: nothing more to report
            }
        });
    }

    private static long seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }
}
