package dev.vessel.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The image configuration blob (OCI {@code config.v1}, Docker's is a superset). Only the fields
 * a runtime and {@code inspect} need are modelled; the blob itself is kept byte for byte, so
 * unmodelled fields survive save and push.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageConfig(String created, String author, String architecture, String os, String variant,
                          Config config, RootFs rootfs, List<History> history) {

    /** The runtime defaults of a container started from the image. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Config(@JsonProperty("User") String user,
                         @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
                         @JsonProperty("Env") List<String> env,
                         @JsonProperty("Entrypoint") List<String> entrypoint,
                         @JsonProperty("Cmd") List<String> cmd,
                         @JsonProperty("Volumes") Map<String, Object> volumes,
                         @JsonProperty("WorkingDir") String workingDir,
                         @JsonProperty("Labels") Map<String, String> labels,
                         @JsonProperty("StopSignal") String stopSignal,
                         @JsonProperty("Healthcheck") Healthcheck healthcheck,
                         @JsonProperty("OnBuild") List<String> onBuild,
                         @JsonProperty("Shell") List<String> shell) {
        public static final Config EMPTY = new Config(null, null, null, null, null, null, null, null, null);

        /** The fields every image has a use for; Healthcheck, OnBuild and Shell are Docker's build-time extras. */
        public Config(String user, Map<String, Object> exposedPorts, List<String> env, List<String> entrypoint,
                      List<String> cmd, Map<String, Object> volumes, String workingDir, Map<String, String> labels,
                      String stopSignal) {
            this(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, null, null, null);
        }
    }

    /**
     * Docker's {@code HEALTHCHECK}: {@code Test} is ["NONE"] (turned off), ["CMD", argv...] or
     * ["CMD-SHELL", command]; durations are nanoseconds; an absent field means "inherit, or the
     * engine's default" (30s interval and timeout, 0s start period, 5s start interval, 3 retries).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Healthcheck(@JsonProperty("Test") List<String> test,
                              @JsonProperty("Interval") Long interval,
                              @JsonProperty("Timeout") Long timeout,
                              @JsonProperty("StartPeriod") Long startPeriod,
                              @JsonProperty("StartInterval") Long startInterval,
                              @JsonProperty("Retries") Integer retries) {
    }

    /** {@code diff_ids}: digests of the uncompressed layer tars, base first. */
    public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(String created, @JsonProperty("created_by") String createdBy, String author,
                          String comment, @JsonProperty("empty_layer") Boolean emptyLayer) {
    }

    public Config configOrEmpty() {
        return config == null ? Config.EMPTY : config;
    }

    public Platform platform() {
        return new Platform(architecture, os, variant, null, null);
    }

    public ImageConfig validate(String where) {
        if (rootfs == null || rootfs.diffIds() == null) {
            throw new IllegalArgumentException(where + ": rootfs.diff_ids is missing");
        }
        if (!"layers".equals(rootfs.type())) {
            throw new IllegalArgumentException(where + ": rootfs.type is \"" + rootfs.type() + "\", expected \"layers\"");
        }
        for (int i = 0; i < rootfs.diffIds().size(); i++) {
            try {
                dev.vessel.image.store.Digest.parse(rootfs.diffIds().get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": rootfs.diff_ids[" + i + "]: " + e.getMessage());
            }
        }
        return this;
    }
}
