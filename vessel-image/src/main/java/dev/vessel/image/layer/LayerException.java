package dev.vessel.image.layer;

import java.io.IOException;

/** A layer archive that cannot be applied, naming the tar entry and why. */
public final class LayerException extends IOException {
    public LayerException(String entry, String why) {
        super("layer entry \"" + entry + "\": " + why);
    }

    public LayerException(String entry, String why, Throwable cause) {
        super("layer entry \"" + entry + "\": " + why, cause);
    }
}
