package dev.vessel.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which registry {@code --tls-verify=false} applies to: the one the reference is pulled from, parsed as the transport parses it. */
class ImageCommandsTest {
    @Test
    void tlsVerifyFalseAppliesToTheReferencesRegistry() {
        assertEquals("127.0.0.1:5000", ImageCommands.Registry.registryHost("127.0.0.1:5000/team/app:1"));
        assertEquals("localhost:5000", ImageCommands.Registry.registryHost("localhost:5000/app@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        assertEquals("registry.example", ImageCommands.Registry.registryHost("registry.example/app"));
    }

    @Test
    void aPathWithoutADomainIsDockerHubsNotAHostNamedByItsFirstComponent() {
        assertEquals("registry-1.docker.io", ImageCommands.Registry.registryHost("library/busybox"));
        assertEquals("registry-1.docker.io", ImageCommands.Registry.registryHost("busybox:1.36"));
        assertEquals("registry-1.docker.io", ImageCommands.Registry.registryHost("docker.io/team/app"));
    }

    @Test
    void aReferenceThatDoesNotParseNamesNoHostAndIsLeftToThePullToReport() {
        assertNull(ImageCommands.Registry.registryHost("team/App:1"));
    }
}
