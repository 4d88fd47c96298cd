package dev.vessel.image.build;

import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.ProcessDefaults;
import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code vessel build}: runs a parsed Containerfile stage by stage. Each layer-producing step has
 * a cache key (previous key + instruction + a digest of its inputs: context files, environment),
 * so an unchanged rebuild only hashes the context and writes two small JSON blobs. RUN goes
 * through a {@link BuildExecutor}; COPY --from and RUN mount the stage's layers on an overlay
 * snapshot (root only).
 */
public final class Builder {
    private static final Digest SCRATCH = Digest.of("scratch".getBytes());

    /** What to build; {@code target} picks a stage (default: the last). */
    public record Request(Path context, Path containerfile, List<String> tags, Map<String, String> buildArgs,
                          Optional<String> target, Platform platform) {
    }

    private final ImageService images;
    private final BuildCache cache;
    private final Optional<BuildExecutor> executor;
    private final PrintStream log;

    public Builder(ImageService images, Path cacheRoot, Optional<BuildExecutor> executor, PrintStream log)
            throws IOException {
        this.images = images;
        this.cache = new BuildCache(cacheRoot, images.store().blobs());
        this.executor = executor;
        this.log = log;
    }

    public Image build(Request r) throws IOException {
        String name = r.containerfile().getFileName().toString();
        Containerfile cf = ContainerfileParser.parse(name, Files.readString(r.containerfile()), r.buildArgs());
        Containerfile.Stage last = r.target().map(t -> cf.stage(t).orElseThrow(() -> new IllegalArgumentException(
                "--target " + t + ": no stage of that name in " + name))).orElse(cf.stages().getLast());
        BuildContext ctx = new BuildContext(r.context());
        Map<Integer, Image> built = new HashMap<>();
        Map<String, String> globals = new HashMap<>();
        for (Instruction.Arg a : cf.globalArgs()) {
            String v = r.buildArgs().getOrDefault(a.name(), a.defaultValue());
            if (v != null) {
                globals.put(a.name(), v);
            }
        }
        for (Containerfile.Stage s : cf.stages()) {
            built.put(s.index(), stage(cf, s, built, ctx, r, globals, s == last ? r.tags() : List.of()));
            if (s == last) {
                break;
            }
        }
        return built.get(last.index());
    }

    private Image stage(Containerfile cf, Containerfile.Stage s, Map<Integer, Image> built, BuildContext ctx,
                        Request r, Map<String, String> globals, List<String> tags) throws IOException {
        Instruction.From from = s.from();
        Image base = null;
        if (!from.image().equalsIgnoreCase("scratch")) {
            Optional<Containerfile.Stage> earlier = cf.stage(from.image()).filter(e -> e.index() < s.index());
            base = earlier.isPresent() ? built.get(earlier.get().index()) : baseImage(cf, from, r.platform());
        }
        StageState st = new StageState(base, SCRATCH);
        // The base image's ONBUILD triggers run first, as if written right after FROM (Docker's rule).
        for (String trigger : st.triggers) {
            Instruction ins = ContainerfileParser.trigger(cf.file(), from.line(), trigger);
            log.println("[" + s.name().orElse(Integer.toString(s.index())) + " ONBUILD] " + Steps.describe(ins));
            try {
                step(cf, ins, st, built, ctx, r, globals);
            } catch (IllegalArgumentException e) {
                throw new BuildException(cf.file(), from.line(), "ONBUILD trigger \"" + trigger + "\" of "
                        + from.image() + ": " + e.getMessage());
            }
        }
        int n = 0;
        for (Instruction ins : s.instructions()) {
            n++;
            log.println("[" + s.name().orElse(Integer.toString(s.index())) + " " + n + "/" + s.instructions().size() + "] "
                    + Steps.describe(ins));
            try {
                step(cf, ins, st, built, ctx, r, globals);
            } catch (IllegalArgumentException e) {
                throw new BuildException(cf.file(), ins.line(), e.getMessage());
            }
        }
        return st.commit(images.store(), tags);
    }

    private Image baseImage(Containerfile cf, Instruction.From from, Platform platform) throws IOException {
        Optional<Image> local = images.store().find(from.image());
        if (local.isPresent()) {
            return local.get();
        }
        try {
            return images.pull(from.image(), from.platform() != null ? Platform.parse(from.platform()) : platform, log);
        } catch (IOException e) {
            throw new BuildException(cf.file(), from.line(), "FROM " + from.image() + ": " + e.getMessage());
        }
    }

    private void step(Containerfile cf, Instruction ins, StageState st, Map<Integer, Image> built, BuildContext ctx,
                      Request r, Map<String, String> globals) throws IOException {
        String text = Steps.describe(ins);
        if (Steps.applyConfig(ins, st, r.buildArgs(), globals)) {
            st.cacheKey = BuildCache.key(st.cacheKey, text, String.join("\n", st.envList()) + "\n" + st.args);
            return;
        }
        switch (ins) {
            case Instruction.Copy c -> copy(cf, c, st, built, ctx, text);
            case Instruction.Run run -> run(cf, run, st, text);
            default -> throw new IllegalStateException("unhandled instruction " + ins);
        }
    }

    private void copy(Containerfile cf, Instruction.Copy c, StageState st, Map<Integer, Image> built, BuildContext ctx,
                      String text) throws IOException {
        Map<String, String> vars = st.vars();
        String dest = Steps.absolute(Variables.expand(c.destination(), vars, '\\'), st.workdir);
        if (c.destination().endsWith("/") && !dest.endsWith("/")) {
            dest += "/";
        }
        List<String> sources = c.sources().stream().map(x -> Variables.expand(x, vars, '\\')).toList();
        String chown = c.chown() == null ? null : Variables.expand(c.chown(), vars, '\\');
        if (c.from() == null) {
            Path docs = c.heredocs().isEmpty() ? null : Files.createTempDirectory("vessel-heredoc-");
            try {
                List<Path> paths = new ArrayList<>();
                StringBuilder inputs = new StringBuilder();
                for (String src : sources) {
                    Optional<Instruction.Heredoc> doc = Heredocs.source(src, c.heredocs());
                    if (doc.isPresent()) {
                        String content = doc.get().expand() ? Variables.expand(doc.get().content(), vars, '\\')
                                : doc.get().content();
                        paths.add(CopyStep.heredocFile(docs, doc.get().name(), content));
                        inputs.append(doc.get().name()).append('\0').append(content).append('\0');
                    } else {
                        paths.addAll(ctx.resolve(src));
                    }
                }
                // Context files are keyed by their relative names and content, here-documents by theirs.
                Digest key = BuildCache.key(st.cacheKey, text + " -> " + dest, ctx.hash(paths.stream()
                        .filter(p -> docs == null || !p.startsWith(docs)).toList()) + "\n" + inputs);
                Optional<LayerWriter.Layer> hit = cache.get(key);
                LayerWriter.Layer layer = hit.isPresent() ? hit.get() : CopyStep.write(images.store().blobs(), paths, dest,
                        c.add(), forced(st, chown, c.chmod()), p -> docs != null && p.startsWith(docs) || !ctx.ignored(p));
                finish(st, key, layer, hit.isPresent(), text);
                return;
            } finally {
                if (docs != null) {
                    dev.vessel.image.layer.LayerUnpacker.deleteTree(docs);
                }
            }
        }
        Optional<Containerfile.Stage> stage = cf.stage(c.from());
        Image source = stage.isPresent() ? built.get(stage.get().index()) : images.store().find(c.from()).orElse(null);
        if (source == null) {
            throw new IllegalArgumentException("COPY --from=" + c.from() + ": no earlier stage or local image of that name");
        }
        Digest key = BuildCache.key(st.cacheKey, text + " -> " + dest, source.manifestDigest().toString());
        Optional<LayerWriter.Layer> hit = cache.get(key);
        if (hit.isPresent()) {
            finish(st, key, hit.get(), true, text);
            return;
        }
        String finalDest = dest;
        LayerWriter.Forced forced = forced(st, chown, c.chmod()); // resolved only on a cache miss: names need a mount
        LayerWriter.Layer layer = withMountedRoot(source, root -> {
            List<Path> paths = new ArrayList<>();
            for (String src : sources) {
                paths.add(CopyStep.insideRoot(root, src));
            }
            return CopyStep.write(images.store().blobs(), paths, finalDest, false, forced, p -> true);
        });
        finish(st, key, layer, false, text);
    }

    private LayerWriter.Forced forced(StageState st, String chown, String chmod) throws IOException {
        return chown == null || CopyStep.isNumericChown(chown) ? CopyStep.forced(chown, chmod) : namedChown(st, chown, chmod);
    }

    /** --chown=user[:group] by name: looked up in the stage's own /etc/passwd and /etc/group. */
    private LayerWriter.Forced namedChown(StageState st, String chown, String chmod) throws IOException {
        if (st.layers.isEmpty()) {
            throw new IllegalArgumentException("--chown=" + chown + ": the stage has no files yet, so no /etc/passwd; use numeric ids");
        }
        int[] ids = withMountedRoot(st.commit(images.store(), List.of()), root -> ProcessDefaults.resolveUser(chown, root));
        int gid = chown.contains(":") ? ids[1] : ids[0]; // Docker: no group given means gid = uid
        return new LayerWriter.Forced(ids[0], gid, chmod == null ? null : Integer.parseInt(chmod, 8));
    }

    private void run(Containerfile cf, Instruction.Run run, StageState st, String text) throws IOException {
        List<String> argv = run.command().shellForm()
                ? concat(st.shell, run.command().args().getFirst()) : run.command().args();
        // ARG values reach RUN as environment variables, ENV wins over them (Docker's rule).
        Map<String, String> env = new java.util.LinkedHashMap<>(st.args);
        env.putAll(st.env);
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        List<String> envList = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        Digest key = BuildCache.key(st.cacheKey, text + "\n" + run.network() + "\n" + st.user + "\n" + st.workdir,
                String.join("\n", envList));
        Optional<LayerWriter.Layer> hit = cache.get(key);
        if (hit.isPresent()) {
            finish(st, key, hit.get(), true, text);
            return;
        }
        BuildExecutor ex = executor.orElseThrow(() -> new IllegalArgumentException(
                "RUN needs a container runtime and none is configured for this build"));
        Image current = st.commit(images.store(), List.of());
        String cwd = st.workdir == null || st.workdir.isEmpty() ? "/" : st.workdir;
        LayerWriter.Layer layer = withSnapshot(current, snap -> {
            int[] ids = ProcessDefaults.resolveUser(st.user == null ? "" : Variables.expand(st.user, st.vars(), '\\'),
                    snap.rootfs());
            Files.createDirectories(snap.rootfs().resolve(cwd.substring(1)));
            int status = ex.run(snap.rootfs(), new ProcessDefaults(argv, envList, cwd, ids[0], ids[1]), run.network(), log);
            if (status != 0) {
                throw new BuildException(cf.file(), run.line(), "RUN " + String.join(" ", argv) + " exited with status " + status);
            }
            images.snapshots().unmount(snap);
            try (LayerWriter w = new LayerWriter(images.store().blobs())) {
                w.add(snap.dir().resolve("upper"), "", LayerWriter.Forced.NONE, true);
                return w.finish();
            }
        });
        finish(st, key, layer, false, text);
    }

    private void finish(StageState st, Digest key, LayerWriter.Layer layer, boolean cached, String text) throws IOException {
        if (!cached) {
            cache.put(key, layer);
        } else {
            log.println("  using cache " + layer.diffId().shortId());
        }
        st.addLayer(layer, text);
        st.cacheKey = key;
    }

    private interface WithSnapshot<T> {
        T apply(ContainerSnapshot s) throws IOException;
    }

    private interface WithRoot<T> {
        T apply(Path root) throws IOException;
    }

    /** A throwaway mounted snapshot of {@code image}, removed (unmounted first) whatever happens. */
    private <T> T withSnapshot(Image image, WithSnapshot<T> body) throws IOException {
        String id = "build-" + UUID.randomUUID();
        ContainerSnapshot s = images.snapshots().create(id, image);
        try {
            images.snapshots().mount(s);
            return body.apply(s);
        } finally {
            images.snapshots().remove(id);
        }
    }

    private <T> T withMountedRoot(Image image, WithRoot<T> body) throws IOException {
        return withSnapshot(image, s -> body.apply(s.rootfs()));
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }
}
