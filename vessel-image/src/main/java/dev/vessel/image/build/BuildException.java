package dev.vessel.image.build;

/** A Containerfile problem, pointing at the file and line: {@code Containerfile:12: COPY needs ...}. */
public final class BuildException extends RuntimeException {
    private final int line;

    public BuildException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
