package dev.vessel.runtime.container;

import java.util.Map;

/** One row of `list` (runc's containerState JSON shape). */
public record ContainerSummary(String ociVersion, String id, int pid, String status, String bundle, String rootfs,
                               String created, String owner, Map<String, String> annotations) {}
