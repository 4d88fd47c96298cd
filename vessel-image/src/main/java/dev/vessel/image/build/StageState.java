package dev.vessel.image.build;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a build stage has accumulated: layers, the runtime config, history, ARG values and the cache key. */
final class StageState {
    final List<Descriptor> layers = new ArrayList<>();
    final List<String> diffIds = new ArrayList<>();
    final List<ImageConfig.History> history = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> args = new LinkedHashMap<>();
    final Map<String, Object> exposed = new TreeMap<>();
    final Map<String, Object> volumes = new TreeMap<>();
    final Map<String, String> labels = new TreeMap<>();
    List<String> entrypoint;
    List<String> cmd;
    List<String> shell = List.of("/bin/sh", "-c");
    String user;
    String workdir;
    String stopSignal;
    ImageConfig.Healthcheck healthcheck;
    /** This stage's own ONBUILD triggers; the base image's ran at FROM and are not passed on (Docker's rule). */
    final List<String> onBuild = new ArrayList<>();
    /** The base image's ONBUILD triggers, to run before the stage's first instruction. */
    List<String> triggers = List.of();
    /** Whether the shell is recorded in the config (SHELL was used here or in the base), as Docker records it. */
    boolean shellInConfig;
    String architecture = "amd64";
    String os = "linux";
    Digest cacheKey;

    /** Starts from a base image (or scratch when {@code base} is null). */
    StageState(Image base, Digest scratchKey) {
        cacheKey = base == null ? scratchKey : base.manifestDigest();
        if (base == null) {
            return;
        }
        layers.addAll(base.manifest().layers());
        diffIds.addAll(base.config().rootfs().diffIds());
        if (base.config().history() != null) {
            history.addAll(base.config().history());
        }
        ImageConfig.Config c = base.config().configOrEmpty();
        if (c.env() != null) {
            for (String e : c.env()) {
                int eq = e.indexOf('=');
                if (eq > 0) {
                    env.put(e.substring(0, eq), e.substring(eq + 1));
                }
            }
        }
        if (c.exposedPorts() != null) {
            exposed.putAll(c.exposedPorts());
        }
        if (c.volumes() != null) {
            volumes.putAll(c.volumes());
        }
        if (c.labels() != null) {
            labels.putAll(c.labels());
        }
        entrypoint = c.entrypoint();
        cmd = c.cmd();
        user = c.user();
        workdir = c.workingDir();
        stopSignal = c.stopSignal();
        healthcheck = c.healthcheck();
        if (c.shell() != null && !c.shell().isEmpty()) {
            shell = c.shell();
            shellInConfig = true;
        }
        triggers = c.onBuild() == null ? List.of() : List.copyOf(c.onBuild());
        if (base.config().architecture() != null) {
            architecture = base.config().architecture();
            os = base.config().os();
        }
    }

    /** Variables visible to expansion: ARG values, overridden by ENV (Docker's precedence). */
    Map<String, String> vars() {
        Map<String, String> v = new LinkedHashMap<>(args);
        v.putAll(env);
        return v;
    }

    void addLayer(LayerWriter.Layer l, String createdBy) {
        layers.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, l.blob(), l.size()));
        diffIds.add(l.diffId().toString());
        history.add(new ImageConfig.History(BuildClock.CREATED, createdBy, null, null, null));
    }

    void addEmpty(String createdBy) {
        history.add(new ImageConfig.History(BuildClock.CREATED, createdBy, null, null, true));
    }

    List<String> envList() {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    ImageConfig config() {
        return new ImageConfig(BuildClock.CREATED, null, architecture, os, null,
                new ImageConfig.Config(user, exposed.isEmpty() ? null : exposed, envList(), entrypoint, cmd,
                        volumes.isEmpty() ? null : volumes, workdir, labels.isEmpty() ? null : labels, stopSignal,
                        healthcheck, onBuild.isEmpty() ? null : List.copyOf(onBuild), shellInConfig ? shell : null),
                new ImageConfig.RootFs("layers", List.copyOf(diffIds)), List.copyOf(history));
    }

    /** Stores config and manifest and records the image under {@code names} (none: an intermediate image). */
    Image commit(ImageStore store, List<String> names) throws IOException {
        byte[] cfg = OciJson.write(config());
        Digest cd = store.blobs().put(cfg);
        byte[] m = OciJson.write(Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, cd, cfg.length), layers));
        Digest md = store.commit(m, names);
        return store.resolve(md.toString().substring(7));
    }

    /** The time written into built images: fixed, so an unchanged build gives the same image id. */
    static final class BuildClock {
        static final String CREATED = "1970-01-01T00:00:00Z";

        private BuildClock() {
        }
    }
}
