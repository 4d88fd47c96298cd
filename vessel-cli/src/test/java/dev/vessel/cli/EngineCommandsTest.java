package dev.vessel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineCommandsTest {

    @Test
    void anEventIsPrintedAsDockerPrintsItAttributesByName() {
        assertEquals("2026-12-07T10:00:00Z container die web (exitCode=3, name=web)", EngineCommands.Events.format(
                "{\"seq\":4,\"time\":\"2026-12-07T10:00:00Z\",\"type\":\"container\",\"action\":\"die\",\"id\":\"web\","
                        + "\"attributes\":{\"name\":\"web\",\"exitCode\":\"3\"}}"));
        assertEquals("2026-12-07T10:00:00Z engine start 42", EngineCommands.Events.format(
                "{\"time\":\"2026-12-07T10:00:00Z\",\"type\":\"engine\",\"action\":\"start\",\"id\":\"42\",\"attributes\":{}}"));
        assertEquals("not json", EngineCommands.Events.format("not json"));
    }
}
