package dev.vessel.image.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a read-only layer is presented to a container's overlay when it is not used as it is on
 * disk: for a container with a user namespace, an idmapped mount that shifts every owner into
 * the container's host id range (the layers stay shared and untouched). Mounting is left to the
 * caller because it needs a user namespace, which this module does not make.
 */
@FunctionalInterface
public interface LayerView {

    /** Mounts the view of layer directory {@code layer} on the empty directory {@code target}. */
    void mount(Path layer, Path target) throws IOException;
}
