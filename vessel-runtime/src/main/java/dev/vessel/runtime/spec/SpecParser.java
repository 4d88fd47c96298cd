package dev.vessel.runtime.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * Reads spec documents (config.json, state.json, update's resources) and turns every failure
 * into a one-line {@link SpecException}: {@code config.json: process.user.uid: expected an
 * unsigned integer (0 to 4294967295), got "abc"}. No Jackson text with class names reaches
 * the user.
 */
public final class SpecParser {

    private SpecParser() {}

    /** Reads a bundle's config.json; errors are prefixed with the file's name. */
    public static Spec parse(Path configJson) throws SpecException {
        return parse(read(configJson), String.valueOf(configJson.getFileName()), Spec.class);
    }

    public static Spec parse(byte[] json, String source) throws SpecException {
        return parse(json, source, Spec.class);
    }

    public static State parseState(byte[] json, String source) throws SpecException {
        return parse(json, source, State.class);
    }

    public static LinuxResources parseResources(byte[] json, String source) throws SpecException {
        return parse(json, source, LinuxResources.class);
    }

    /** Reads any spec record; {@code source} names the document in messages. */
    public static <T> T parse(byte[] json, String source, Class<T> type) throws SpecException {
        T value;
        // Our own parser, closed only after the catch blocks: they read its current token to
        // show the offending value, which a closed parser has forgotten.
        try (JsonParser parser = SpecJson.MAPPER.createParser(json)) {
            try {
                value = SpecJson.MAPPER.readValue(parser, type);
            } catch (MismatchedInputException e) {
                throw mismatch(source, e);
            } catch (JsonMappingException e) {
                if (e.getCause() instanceof InputCoercionException range) {
                    throw outOfRange(source, JsonPaths.of(e.getPath()), range, parser);
                }
                throw e;
            } catch (InputCoercionException e) {
                throw outOfRange(source, "", e, parser);
            }
        } catch (InvalidDefinitionException e) {
            // A record Jackson cannot bind is a bug in this package, not in the user's file.
            throw new IllegalStateException("spec model " + type.getSimpleName() + " is not bindable", e);
        } catch (JsonMappingException e) {
            String path = JsonPaths.of(e.getPath());
            throw new SpecException(path, source + ": " + prefix(path) + firstLine(e.getOriginalMessage()), e);
        } catch (StreamReadException e) {
            throw malformed(source, e);
        } catch (IOException e) {
            throw new SpecException("", source + ": cannot read: " + e.getMessage(), e);
        }
        if (value == null) {
            throw new SpecException("", source + ": expected a JSON object, got null");
        }
        return value;
    }

    private static byte[] read(Path file) throws SpecException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SpecException("", file + ": no such file; is --bundle the directory holding config.json?", e);
        } catch (AccessDeniedException e) {
            throw new SpecException("", file + ": permission denied; run as a user who can read the bundle", e);
        } catch (IOException e) {
            // e.g. "Is a directory"; the exception's class name means nothing to the user.
            throw new SpecException("", file + ": cannot read: " + (e.getMessage() == null ? "I/O error" : e.getMessage()), e);
        }
    }

    private static SpecException malformed(String source, StreamReadException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        return new SpecException("", source + ": malformed JSON" + where + ": "
                + firstLine(e.getOriginalMessage()), e);
    }

    private static SpecException mismatch(String source, MismatchedInputException e) {
        String path = JsonPaths.of(e.getPath());
        String original = firstLine(e.getOriginalMessage());
        if (original.startsWith("No content to map")) {
            return new SpecException("", source + ": the document is empty; expected a JSON object", e);
        }
        if (original.startsWith("Trailing token")) {
            return new SpecException("", source + ": unexpected content after the end of the JSON document"
                    + location(e), e);
        }
        String expected = original.startsWith(Unsigned.EXPECTED) ? original : "expected " + describe(e.getTargetType());
        return new SpecException(path, source + ": " + prefix(path) + expected + ", got " + badValue(e), e);
    }

    /** A number too big for its field: Jackson reports it as a stream error, the user needs the field. */
    private static SpecException outOfRange(String source, String path, InputCoercionException e, JsonParser p) {
        String got;
        try {
            got = p.getText();
        } catch (IOException io) {
            got = "a number out of range";
        }
        return new SpecException(path, source + ": " + prefix(path) + "expected " + describe(e.getTargetType())
                + ", got " + got, e);
    }

    private static String location(JsonMappingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + " column " + at.getColumnNr() + ")";
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    /** What the model wanted, in JSON terms. */
    static String describe(Class<?> target) {
        if (target == null) {
            return "another type";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == boolean.class || target == Boolean.class) {
            return "true or false";
        }
        if (target == int.class || target == Integer.class) {
            return "an integer (-2147483648 to 2147483647)";
        }
        if (target == long.class || target == Long.class) {
            return "an integer";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()) {
            return "an object";
        }
        return "a " + target.getSimpleName();
    }

    /** The offending value as the user wrote it (quoted, shortened), or its JSON kind. */
    private static String badValue(MismatchedInputException e) {
        if (e instanceof InvalidFormatException f && f.getValue() != null) {
            Object v = f.getValue();
            return v instanceof String s ? quote(s) : String.valueOf(v);
        }
        if (!(e.getProcessor() instanceof JsonParser p)) {
            return "a value of another type";
        }
        JsonToken t = p.currentToken();
        if (t == null) {
            return "the end of the document";
        }
        try {
            return switch (t) {
                case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
                case START_ARRAY, END_ARRAY -> "an array";
                case VALUE_STRING -> quote(p.getText());
                case VALUE_NULL -> "null";
                default -> p.getText();
            };
        } catch (IOException io) {
            return "a value of another type";
        }
    }

    /** A value as error messages show it: a JSON string, cut to 60 characters. */
    static String quote(String s) {
        return SpecJson.quoted(s.length() > 60 ? s.substring(0, 57) + "..." : s);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
