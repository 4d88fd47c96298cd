package dev.vessel.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.engine.api.ApiError;
import dev.vessel.engine.api.ApiRequest;
import dev.vessel.engine.api.Response;
import dev.vessel.engine.api.Router;
import dev.vessel.engine.container.ContainerBundle;
import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.store.Event;
import dev.vessel.linux.Signals;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The native API's container and event routes, {@code /v1/...} (docs/api/openapi.yaml). */
final class ContainerRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContainerService containers;
    private final Events events;

    ContainerRoutes(ContainerService containers, Events events) {
        this.containers = containers;
        this.events = events;
    }

    Router register(Router r) {
        return r.route("GET", "/v1/containers", this::list)
                .route("POST", "/v1/containers", req -> Response.json(201, view(containers.run(req.body(RunRequest.class)))))
                .route("GET", "/v1/containers/{id}", req -> Response.json(view(containers.inspect(req.pathParam("id")))))
                .route("POST", "/v1/containers/{id}/stop", req -> Response.json(view(
                        containers.stop(req.pathParam("id"), seconds(req)))))
                .route("POST", "/v1/containers/{id}/kill", req -> {
                    containers.kill(req.pathParam("id"), signal(req.query("signal", "KILL")));
                    return Response.empty();
                })
                .route("DELETE", "/v1/containers/{id}", req -> {
                    containers.remove(req.pathParam("id"), req.flag("force", false));
                    return Response.empty();
                })
                .route("POST", "/v1/containers/{id}/wait", req -> Response.json(
                        java.util.Map.of("exitCode", containers.waitForExit(req.pathParam("id")))))
                .route("GET", "/v1/containers/{id}/logs", this::logs)
                .route("GET", "/v1/events", this::events);
    }

    private Response list(ApiRequest req) {
        boolean all = req.flag("all", false);
        return Response.json(containers.list().stream().filter(c -> all || c.state().equals("running")
                || c.state().equals("restarting") || c.state().equals("paused")).map(this::view).toList());
    }

    private ContainerView view(ContainerRecord rec) {
        return ContainerView.of(rec, containers.processArgs(rec.id()), containers.healthLog(rec.id()));
    }

    private static int seconds(ApiRequest req) {
        String t = req.query("t", "10");
        try {
            int s = Integer.parseInt(t);
            if (s < 0) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "query t=\"" + t + "\": not a number of seconds; use e.g. t=10", "t", t);
        }
    }

    static int signal(String name) {
        try {
            return Signals.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "query signal=\"" + name + "\": " + e.getMessage(), "signal", name);
        }
    }

    /** The container's output; with follow=true, then what it writes until it is no longer running. */
    private Response logs(ApiRequest req) {
        ContainerRecord rec = containers.inspect(req.pathParam("id"));
        ContainerBundle bundle = new ContainerBundle(containers.storage.containers().resolve(rec.id()));
        boolean follow = req.flag("follow", false);
        return Response.stream("text/plain; charset=utf-8", out -> bundle.copyLog(out, follow, () -> running(rec.id())));
    }

    private boolean running(String id) {
        return containers.store.find(id).map(c -> c.state().equals("running") || c.state().equals("restarting")).orElse(false);
    }

    /** Past events (since/until, RFC 3339), then, unless until is given, live ones: one JSON object a line. */
    private Response events(ApiRequest req) {
        Instant since = time(req, "since");
        Instant until = time(req, "until");
        boolean follow = until == null && req.flag("follow", true);
        return Response.stream("application/x-ndjson", out -> {
            BlockingQueue<Event> live = follow ? events.subscribe() : null;
            try {
                long last = 0;
                if (since != null || !follow) {
                    for (Event e : containers.store.events(0, since, until, 10_000)) {
                        write(out, e);
                        last = e.seq();
                    }
                }
                while (live != null) {
                    Event e = live.poll(5, TimeUnit.SECONDS);
                    if (e == null) {
                        out.write('\n'); // a heartbeat: the only way to notice a reader that has gone
                        out.flush();
                    } else if (e.seq() > last) {
                        write(out, e);
                    }
                }
            } finally {
                if (live != null) {
                    events.unsubscribe(live);
                }
            }
        });
    }

    private static void write(OutputStream out, Event e) throws java.io.IOException {
        out.write(JSON.writeValueAsBytes(new EventView(e.seq(), e.time().toString(), e.type(), e.action(), e.actorId(),
                e.attributes())));
        out.write('\n');
        out.flush();
    }

    record EventView(long seq, String time, String type, String action, String id, java.util.Map<String, String> attributes) {}

    private static Instant time(ApiRequest req, String name) {
        String v = req.query(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(v));
            } catch (NumberFormatException n) {
                throw new ApiError(400, "query " + name + "=\"" + v + "\": not a time; use RFC 3339 (2026-12-07T10:00:00Z)"
                        + " or seconds since the epoch", name, v);
            }
        }
    }
}
