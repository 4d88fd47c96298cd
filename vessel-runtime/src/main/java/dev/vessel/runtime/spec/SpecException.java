package dev.vessel.runtime.spec;

/**
 * A config.json (or another spec document) that Vessel cannot use. The message is one line
 * that names the JSON path, the bad value and what to do; the CLI prints it as is.
 */
public final class SpecException extends Exception {

    private final String path;

    public SpecException(String path, String message) {
        super(message);
        this.path = path;
    }

    public SpecException(String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The JSON path of the offending field ("process.user.uid", "mounts[2].destination"), or "". */
    public String path() {
        return path;
    }
}
