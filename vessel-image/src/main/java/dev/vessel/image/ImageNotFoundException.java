package dev.vessel.image;

import java.io.IOException;

/** No image matches a name or id; the message says what was looked up. */
public final class ImageNotFoundException extends IOException {
    public ImageNotFoundException(String what) {
        super("image \"" + what + "\" not found in the local store (see `vessel image ls`, or pull it)");
    }
}
