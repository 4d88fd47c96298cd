package dev.vessel.runtime.container;

import dev.vessel.linux.LinuxException;
import dev.vessel.linux.UnixSockets;
import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;

/** The --console-socket side of a container terminal. */
final class Consoles {

    private Consoles() {}

    static int connect(Path socket) {
        try {
            return UnixSockets.connect(socket.toString());
        } catch (LinuxException e) {
            throw new RuntimeError("--console-socket " + socket + ": cannot connect: " + e.getMessage()
                    + " (the caller must listen on that unix socket)");
        }
    }
}
