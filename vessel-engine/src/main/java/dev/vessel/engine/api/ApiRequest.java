package dev.vessel.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.vessel.runtime.spec.JsonPaths;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One request as a route sees it: the path's parameters (the {@code {name}} parts of its
 * pattern), the query, and the body read as JSON. Every accessor that can be handed a bad
 * value answers with an {@link ApiError} that names it.
 */
public final class ApiRequest {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final byte[] body;

    public ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query, byte[] body) {
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.query = Map.copyOf(query);
        this.body = body == null ? new byte[0] : body;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("the route has no {" + name + "} in its pattern");
        }
        return v;
    }

    /** The query parameter's last value, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getLast();
    }

    public String query(String name, String orElse) {
        String v = query(name);
        return v == null ? orElse : v;
    }

    /** A boolean query parameter: true/1 or false/0 (Docker's clients send both). */
    public boolean flag(String name, boolean orElse) {
        String v = query(name);
        if (v == null) {
            return orElse;
        }
        return switch (v) {
            case "1", "true", "True", "yes" -> true;
            case "0", "false", "False", "no", "" -> false;
            default -> throw new ApiError(400, "query " + name + "=\"" + v + "\": not a boolean; use " + name + "=true or "
                    + name + "=false", name, v);
        };
    }

    /** The body as {@code type}; an empty body, bad JSON, an unknown field or a wrong type is a 400 naming it. */
    public <T> T body(Class<T> type) {
        if (body.length == 0) {
            throw new ApiError(400, "the request has no body: send a JSON object (Content-Type: application/json)");
        }
        try {
            T v = JSON.readValue(body, type);
            if (v == null) {
                throw new ApiError(400, "the body is null: send a JSON object");
            }
            return v;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : "; known fields: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ApiError(400, "field \"" + path(e) + "\" is not known" + known, path(e), null);
        } catch (MismatchedInputException e) {
            String f = path(e);
            String want = e.getTargetType() == null ? "another type" : typeName(e.getTargetType());
            throw new ApiError(400, "field \"" + f + "\": the value has the wrong type; expected " + want, f, null);
        } catch (JsonMappingException e) {
            // a record's constructor refused the value
            String f = path(e);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ApiError(400, "field \"" + f + "\": " + cause.getMessage(), f, null);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new ApiError(400, "the body cannot be read: " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        String p = JsonPaths.of(e.getPath());
        return p.isEmpty() ? "(body)" : p;
    }

    private static String typeName(Class<?> t) {
        if (t == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(t) || t.isPrimitive() && t != boolean.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
