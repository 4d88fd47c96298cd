package dev.vessel.image.layer;

import dev.vessel.linux.LinuxException;

import java.io.IOException;

/** A layer archive that cannot be applied, naming the tar entry and why. */
public final class LayerException extends IOException {
    public LayerException(String entry, String why) {
        super("layer entry \"" + entry + "\": " + why);
    }

    public LayerException(String entry, String why, Throwable cause) {
        super("layer entry \"" + entry + "\": " + why, cause);
    }

    /** Runs a Linux call made for {@code entry}: its failure names the entry, then the call and its errno. */
    static void onEntry(String entry, Runnable call) throws LayerException {
        try {
            call.run();
        } catch (LinuxException e) {
            throw new LayerException(entry, e.getMessage(), e);
        }
    }
}
