package dev.vessel.runtime.container;

import dev.vessel.linux.Signals;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a foreground `run` waits, the terminal's SIGINT/SIGTERM/SIGHUP must reach the container, not
 * end the JVM before it cleans up.
 */
final class InterruptForwarder implements AutoCloseable {

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    static InterruptForwarder install(int pid) {
        InterruptForwarder f = new InterruptForwarder();
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            Signal s = new Signal(name);
            // A terminal's SIGINT already reaches the container, which shares our process group:
            // swallow it here. TERM and HUP sent to our pid alone are passed on.
            SignalHandler h = name.equals("INT") ? sig -> { } : sig -> Teardown.signal(pid, Signals.parse("SIG" + name));
            try {
                f.previous.add(Signal.handle(s, h));
                f.signals.add(s);
            } catch (IllegalArgumentException e) {
                // The JVM reserves some signals (QUIT with its thread dumps): leave them be.
            }
        }
        return f;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
