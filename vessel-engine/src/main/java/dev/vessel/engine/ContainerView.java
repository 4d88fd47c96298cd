package dev.vessel.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.engine.supervise.HealthState;
import java.time.Instant;
import java.util.List;

/** A container as the API shows it (inspect, ls): its row, times in RFC 3339, the request it was made from. */
public record ContainerView(String id, String name, String image, String state, int pid, Integer exitCode, String created,
                            String started, String finished, int restartCount, String restartPolicy, String health,
                            List<Probe> healthLog, List<String> command, JsonNode config) {

    /** One health check's result, as docker inspect's State.Health.Log has it. */
    public record Probe(String start, String end, int exitCode, String output) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code command} is what runs: the process of its spec, the image's defaults with the request's over them. */
    static ContainerView of(ContainerRecord r, List<String> command, List<HealthState.Result> healthLog) {
        JsonNode config;
        try {
            config = JSON.readTree(r.config());
        } catch (java.io.IOException e) {
            config = null; // the row's own copy of the request; never written unparseable
        }
        return new ContainerView(r.id(), r.name(), r.image(), r.state(), r.pid(), r.exitCode(), time(r.created()),
                time(r.started()), time(r.finished()), r.restartCount(), r.restartPolicy(), r.health(), healthLog.stream()
                .map(p -> new Probe(p.start().toString(), p.end().toString(), p.exitCode(), p.output())).toList(), command, config);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
