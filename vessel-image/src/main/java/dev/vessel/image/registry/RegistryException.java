package dev.vessel.image.registry;

import java.io.IOException;

/** A registry refused a request: the message has the operation, the HTTP status and the registry's error codes. */
public final class RegistryException extends IOException {
    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
