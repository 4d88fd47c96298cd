package dev.vessel.cli;

import dev.vessel.engine.container.Images;
import dev.vessel.image.DiskUsage;
import dev.vessel.image.ImageService;
import dev.vessel.image.ImageSummary;
import dev.vessel.image.archive.LoadedImage;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.registry.Credential;
import dev.vessel.image.registry.ImagePusher;
import dev.vessel.image.registry.RegistryTrust;
import dev.vessel.runtime.RuntimeError;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Images: `vessel image ...`, pull, push, login, logout and system df, each one call of {@link ImageService}. */
final class ImageCommands {

    private ImageCommands() {}

    /** Registry access flags shared by pull, push and login. */
    static class Registry {
        @Option(names = "--insecure-registry", description = "HOST[:PORT] reached over HTTPS without verifying its"
                + " certificate, or over plain HTTP if it does not speak TLS (repeatable)")
        List<String> insecure = new ArrayList<>();

        @Option(names = "--tls-verify", arity = "1", defaultValue = "true",
                description = "false: do not verify this registry's TLS certificate, and use plain HTTP if it does not speak TLS")
        boolean tlsVerify;

        @Option(names = "--cert-dir", paramLabel = "DIR", description = "trust the CA certificates (*.crt) in DIR for"
                + " this registry, instead of /etc/{vessel,containers,docker}/certs.d/HOST[:PORT]/")
        Path certDir;

        /** The service for a pull or push of {@code reference}, whose registry {@code --tls-verify=false} applies to. */
        ImageService service(String reference) {
            return serviceFor(registryHost(reference));
        }

        /**
         * The host a reference is pulled from or pushed to, as the transport names it
         * ({@code library/busybox} is Docker Hub's, not a host "library"); null if the
         * reference does not parse, which the pull or push itself then reports.
         */
        static String registryHost(String reference) {
            try {
                return Reference.parse(reference).registryHost();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** The service with {@code host} (a registry's HOST[:PORT]) insecure if {@code --tls-verify=false}. */
        ImageService serviceFor(String host) {
            Set<String> hosts = new HashSet<>(insecure);
            if (!tlsVerify && host != null) {
                hosts.add(host);
            }
            try {
                return ImageService.defaults(hosts, certDir == null ? RegistryTrust.system() : RegistryTrust.certDir(certDir));
            } catch (IllegalArgumentException e) {
                throw new RuntimeError(e.getMessage());
            } catch (IOException e) {
                throw new RuntimeError("image store: " + e.getMessage());
            }
        }
    }

    /** Runs an image operation, turning its IOException/IllegalArgumentException into one line. */
    interface Op<T> {
        T run() throws IOException;
    }

    static <T> T io(String what, Op<T> op) {
        try {
            return op.run();
        } catch (IOException e) {
            throw new RuntimeError(what + ": " + describe(e));
        } catch (IllegalArgumentException e) {
            throw new RuntimeError(what + ": " + e.getMessage());
        }
    }

    /**
     * An I/O failure as one readable line. The JDK's file-system exceptions carry only the path
     * ("/nonexist") as their message, with the reason in their type.
     */
    static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException f -> f.getFile() + ": no such file or directory";
            case java.nio.file.AccessDeniedException f -> f.getFile() + ": permission denied";
            case java.nio.file.FileAlreadyExistsException f -> f.getFile() + ": already exists";
            case java.nio.file.NotDirectoryException f -> f.getFile() + ": not a directory";
            default -> e.getMessage();
        };
    }

    @Command(name = "image", description = "Manage images.", subcommands = {Load.class, Save.class, Import.class, Ls.class,
        Inspect.class, Rm.class, Tag.class, Prune.class})
    static final class Group implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("vessel image: give a subcommand: load, save, import, ls, inspect, rm, tag, prune");
            return 2;
        }
    }

    @Command(name = "load", description = "Load images from a docker-archive, oci-archive or OCI layout.")
    static final class Load implements Callable<Integer> {
        @Option(names = {"-i", "--input"}, description = "archive or layout (default: stdin)")
        Path input;

        @Option(names = "--name", description = "repository for images whose archive names only a tag")
        String name;

        @Override
        public Integer call() throws IOException {
            Path in = input;
            Path tmp = null;
            if (in == null) {
                tmp = Files.createTempFile("vessel-load-", ".tar");
                Files.copy(System.in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                in = tmp;
            }
            try {
                Path file = in;
                for (LoadedImage l : io("image load " + file, () -> Images.service().load(file, Optional.ofNullable(name),
                        Platform.LINUX_AMD64))) {
                    if (l.names().isEmpty()) {
                        System.out.println("Loaded image ID: " + l.manifest());
                    }
                    l.names().forEach(n -> System.out.println("Loaded image: " + n));
                }
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            }
            return 0;
        }
    }

    @Command(name = "save", description = "Write images to an archive.")
    static final class Save implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, description = "file (default: stdout)")
        Path output;

        @Option(names = "--format", defaultValue = "docker-archive", description = "docker-archive or oci-archive")
        String format;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> images = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            ImageService.ArchiveFormat f = switch (format) {
                case "docker-archive" -> ImageService.ArchiveFormat.DOCKER_ARCHIVE;
                case "oci-archive" -> ImageService.ArchiveFormat.OCI_ARCHIVE;
                default -> throw new RuntimeError("--format \"" + format + "\": use docker-archive or oci-archive");
            };
            if (output == null) {
                try (OutputStream out = new BufferedOutputStream(System.out)) {
                    io("image save", () -> {
                        Images.service().save(images, f, out);
                        return null;
                    });
                }
                return 0;
            }
            // Written beside the target and renamed into place: a failed save leaves no file.
            Path target = output.toAbsolutePath();
            if (!Files.isDirectory(target.getParent())) {
                throw new RuntimeError("image save -o " + output + ": directory " + target.getParent() + " does not exist");
            }
            Path tmp = target.resolveSibling("." + target.getFileName() + ".vessel-" + ProcessHandle.current().pid());
            try {
                // CREATE_NEW: the mode comes from the umask, as for any file the user's commands write.
                OutputStream file = io("image save -o " + output, () -> Files.newOutputStream(tmp,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE));
                try (OutputStream out = new BufferedOutputStream(file)) {
                    io("image save", () -> {
                        Images.service().save(images, f, out);
                        return null;
                    });
                }
                io("image save -o " + output, () -> Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE));
            } finally {
                Files.deleteIfExists(tmp);
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Make an image from a root filesystem tarball.")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            LoadedImage l = io("image import " + file, () -> Images.service().importRootfs(file, Optional.ofNullable(name),
                    ImageConfig.Config.EMPTY));
            System.out.println(l.manifest());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List images.")
    static final class Ls implements Callable<Integer> {
        @Option(names = {"-q", "--quiet"})
        boolean quiet;

        @Override
        public Integer call() {
            List<ImageSummary> all = io("image ls", () -> Images.service().list());
            if (!quiet) {
                System.out.printf("%-40s %-12s %-14s %-22s %s%n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
            }
            for (ImageSummary s : all) {
                String id = s.id().replace("sha256:", "").substring(0, 12);
                if (quiet) {
                    System.out.println(id);
                    continue;
                }
                List<String> names = s.names().isEmpty() ? List.of("<none>:<none>") : s.names();
                for (String n : names) {
                    int colon = n.lastIndexOf(':');
                    System.out.printf("%-40s %-12s %-14s %-22s %s%n", n.substring(0, colon), n.substring(colon + 1), id,
                            s.created(), human(s.size()));
                }
            }
            return 0;
        }
    }

    @Command(name = "inspect", description = "Print an image's configuration.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> images = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            for (String i : images) {
                var img = io("image inspect " + i, () -> Images.service().inspect(i));
                System.out.println(OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(img.config()));
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove images.")
    static final class Rm implements Callable<Integer> {
        @Option(names = {"-f", "--force"})
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> images = new ArrayList<>();

        @Override
        public Integer call() {
            for (String i : images) {
                io("image rm " + i, () -> Images.service().remove(i, force)).forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "tag", description = "Give an image another name.")
    static final class Tag implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        @Override
        public Integer call() {
            io("image tag", () -> {
                Images.service().tag(source, target);
                return null;
            });
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove blobs no image refers to.")
    static final class Prune implements Callable<Integer> {
        @Option(names = {"-f", "--force"}, description = "do not ask (vessel never asks)")
        boolean force;

        @Override
        public Integer call() {
            var r = io("image prune", () -> Images.service().prune());
            System.out.println("Total reclaimed space: " + human(r.bytesFreed()));
            return 0;
        }
    }

    @Command(name = "pull", description = "Download an image from a registry.")
    static final class Pull extends Registry implements Callable<Integer> {
        @Option(names = {"-q", "--quiet"})
        boolean quiet;

        @Option(names = "--platform", defaultValue = "linux/amd64")
        String platform;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Override
        public Integer call() {
            Platform p = io("--platform " + platform, () -> Platform.parse(platform));
            var img = io("pull " + image, () -> service(image).pull(image, p, quiet ? null : System.err));
            System.out.println("Digest: " + img.manifestDigest());
            img.names().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "push", description = "Upload an image to a registry.")
    static final class Push extends Registry implements Callable<Integer> {
        @Option(names = {"-q", "--quiet"})
        boolean quiet;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DESTINATION")
        String destination;

        @Override
        public Integer call() {
            String dest = destination != null ? destination : image;
            ImagePusher.Result r = io("push " + image, () -> service(dest).push(image, Optional.ofNullable(destination),
                    quiet ? null : System.err));
            System.out.println(dest + ": digest: " + r.manifest());
            return 0;
        }
    }

    @Command(name = "login", description = "Store credentials for a registry (Docker's config.json).")
    static final class Login extends Registry implements Callable<Integer> {
        @Option(names = {"-u", "--username"}, required = true)
        String username;

        @Option(names = {"-p", "--password"})
        String password;

        @Option(names = "--password-stdin")
        boolean passwordStdin;

        @Parameters(index = "0", paramLabel = "REGISTRY")
        String registry;

        @Override
        public Integer call() throws IOException {
            String pw = passwordStdin ? new String(System.in.readAllBytes()).strip() : password;
            if (pw == null) {
                throw new RuntimeError("login " + registry + ": give --password or --password-stdin");
            }
            io("login " + registry, () -> {
                serviceFor(registry).login(registry, new Credential(username, pw));
                return null;
            });
            System.out.println("Login Succeeded");
            return 0;
        }
    }

    @Command(name = "logout", description = "Remove stored credentials for a registry.")
    static final class Logout implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "REGISTRY")
        String registry;

        @Override
        public Integer call() {
            boolean removed = io("logout " + registry, () -> Images.service().logout(registry));
            System.out.println(removed ? "Removed login credentials for " + registry : "Not logged in to " + registry);
            return 0;
        }
    }

    @Command(name = "system", description = "System information.", subcommands = Df.class)
    static final class SystemGroup implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("vessel system: give a subcommand: df");
            return 2;
        }
    }

    @Command(name = "df", description = "Disk space used by images and snapshots.")
    static final class Df implements Callable<Integer> {
        @Override
        public Integer call() {
            DiskUsage d = io("system df", () -> Images.service().diskUsage());
            System.out.printf("%-11s %-7s %-10s %s%n", "TYPE", "TOTAL", "SIZE", "RECLAIMABLE");
            long pct = d.imageBytes() == 0 ? 0 : 100 * d.reclaimableBytes() / d.imageBytes();
            System.out.printf("%-11s %-7d %-10s %s (%d%%)%n", "Images", d.images(), human(d.imageBytes()), human(d.reclaimableBytes()), pct);
            System.out.printf("%-11s %-7d %-10s%n", "Snapshots", d.snapshots(), human(d.snapshotBytes()));
            return 0;
        }
    }

    static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
