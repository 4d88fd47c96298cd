package dev.vessel.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vessel.engine.store.ContainerRecord;
import java.time.Instant;
import java.util.List;

/** A container as the API shows it (inspect, ls): its row, times in RFC 3339, the request it was made from. */
public record ContainerView(String id, String name, String image, String state, int pid, Integer exitCode, String created,
                            String started, String finished, int restartCount, String restartPolicy, String health,
                            List<String> command, JsonNode config) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code command} is what runs: the process of its spec, the image's defaults with the request's over them. */
    static ContainerView of(ContainerRecord r, List<String> command) {
        JsonNode config;
        try {
            config = JSON.readTree(r.config());
        } catch (java.io.IOException e) {
            config = null; // the row's own copy of the request; never written unparseable
        }
        return new ContainerView(r.id(), r.name(), r.image(), r.state(), r.pid(), r.exitCode(), time(r.created()),
                time(r.started()), time(r.finished()), r.restartCount(), r.restartPolicy(), r.health(), command, config);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
