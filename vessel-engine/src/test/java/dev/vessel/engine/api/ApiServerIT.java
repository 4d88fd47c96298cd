package dev.vessel.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.linux.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer check, with a real other user on the socket (curl under setpriv). */
@Tag("root")
class ApiServerIT {

    private static String curl(Path socket, String... asUser) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(asUser));
        cmd.addAll(List.of("curl", "-s", "--unix-socket", socket.toString(), "-w", " %{http_code}", "http://vessel/_ping"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void anotherUserIsRefusedEvenWhereTheSocketsModeLetsItIn(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root to act as another user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs curl and setpriv");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = tmp.resolve("api.sock");
        ApiServer server = new ApiServer(socket, new Router());
        server.start();
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertEquals("OK 200", curl(socket), "root may");
            String nobody = curl(socket, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            assertTrue(nobody.endsWith(" 403"), nobody);
            assertTrue(nobody.contains("may not use the engine"), nobody);
        } finally {
            server.close();
        }
    }
}
