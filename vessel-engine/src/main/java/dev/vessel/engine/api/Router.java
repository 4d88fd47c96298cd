package dev.vessel.engine.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The API's routes: a method and a path pattern ({@code /v1/containers/{id}/stop}) to a
 * handler. A path no pattern matches is a 404; one that matches under another method is a
 * 405 naming the methods it has. Literal segments win over parameters, so
 * {@code /v1/containers/json} can sit beside {@code /v1/containers/{id}}. {@code GET /_ping}
 * is always there: it is how a client tells that something answers.
 */
public final class Router {

    @FunctionalInterface
    public interface Handler {
        Response handle(ApiRequest request) throws Exception;
    }

    /** A route found for a request: its handler, its pattern (the metrics' label) and the path's parameters. */
    public record Match(Handler handler, String pattern, Map<String, String> params) {}

    private record Route(String method, String pattern, String[] segments, Handler handler) {
        int literals() {
            int n = 0;
            for (String s : segments) {
                n += isParam(s) ? 0 : 1;
            }
            return n;
        }
    }

    /** The path {@link EngineClient#ping} asks; every router answers it with "OK". */
    public static final String PING = "/_ping";

    private final List<Route> routes = new ArrayList<>();
    private final Metrics metrics = new Metrics();

    public Router() {
        route("GET", PING, r -> Response.stream("text/plain", out -> out.write("OK".getBytes(StandardCharsets.US_ASCII))));
    }

    public Router route(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route's pattern starts with /: " + pattern);
        }
        for (Route r : routes) {
            if (r.method.equals(method) && r.pattern.equals(pattern)) {
                throw new IllegalArgumentException("route " + method + " " + pattern + " is there already");
            }
        }
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    /** The metrics of this router's requests, where more collectors can be added. */
    public Metrics metrics() {
        return metrics;
    }

    /** The route for {@code method path}, or an {@link ApiError} 404 / 405. */
    public Match match(String method, String path) {
        String[] segs = split(path);
        Route best = null;
        Map<String, String> bestParams = null;
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments, segs);
            if (params == null) {
                continue;
            }
            if (!r.method.equals(method)) {
                allowed.add(r.method);
                continue;
            }
            if (best == null || r.literals() > best.literals()) {
                best = r;
                bestParams = params;
            }
        }
        if (best != null) {
            return new Match(best.handler, best.pattern, bestParams);
        }
        if (!allowed.isEmpty()) {
            throw new ApiError(405, method + " " + path + ": not allowed; this path takes " + String.join(", ", allowed));
        }
        throw new ApiError(404, "no such endpoint: " + method + " " + path + " (the API is described in docs/api/openapi.yaml)");
    }

    private static Map<String, String> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (isParam(pattern[i])) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(pattern[i].substring(1, pattern[i].length() - 1), path[i]);
            } else if (!pattern[i].equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(1).split("/", -1);
    }
}
