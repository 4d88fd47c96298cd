package dev.vessel.runtime.cli;

import dev.vessel.runtime.spec.SpecJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Error and debug lines. podman and containerd read the {@code --log} file (in the json format)
 * to show the user why a container failed, so every error goes there as well as to stderr.
 */
public final class Log {

    private static Path file;
    private static boolean json;
    private static boolean debug;

    private Log() {}

    static void configure(Path logFile, String format, boolean debugOn) {
        file = logFile;
        json = "json".equals(format);
        debug = debugOn;
    }

    public static boolean debugEnabled() {
        return debug;
    }

    public static void debug(String msg) {
        if (debug) {
            write("debug", msg);
        }
    }

    public static void warn(String msg) {
        write("warning", msg);
    }

    public static void error(String msg) {
        write("error", msg);
    }

    private static void write(String level, String msg) {
        String time = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        // Errors always reach stderr; other levels go to the log file when there is one.
        if ("error".equals(level)) {
            System.err.println("vessel-runtime: " + msg);
        } else if (file == null) {
            System.err.println(level + ": " + msg);
        }
        if (file == null) {
            return;
        }
        String line = json
                ? "{\"level\":\"" + level + "\",\"msg\":" + SpecJson.quoted(msg) + ",\"time\":\"" + time + "\"}\n"
                : "time=\"" + time + "\" level=" + level + " msg=" + SpecJson.quoted(msg) + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("vessel-runtime: cannot write log " + file + ": " + e.getMessage());
        }
    }
}
