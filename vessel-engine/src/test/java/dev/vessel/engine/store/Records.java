package dev.vessel.engine.store;

import java.time.Instant;

/** Container records for tests: every field set to something that tells it apart from a default. */
final class Records {

    private Records() {
    }

    static ContainerRecord container(String id, String name, Instant created) {
        return new ContainerRecord(id, name, "docker.io/library/nginx:1.27", "{\"Image\":\"nginx\",\"Env\":[\"A=1\"]}",
                "created", 0, null, created, null, null, 0, "no", false, null);
    }

    static ContainerRecord container(String id, String name) {
        return container(id, name, Instant.parse("2026-12-07T10:15:30.123456789Z"));
    }
}
