package dev.vessel.image.registry;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-layer transfer progress on stderr: one line per active layer every second
 * ({@code 3f4a1b2c9d0e: 12.5 MiB / 40.1 MiB  8.2 MiB/s}) and a final line per layer. Plain lines
 * rather than cursor tricks, so logs and CI output stay readable.
 */
public final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final List<Layer> layers = new ArrayList<>();
    private final ScheduledExecutorService ticker;

    public Progress(PrintStream out) {
        this.out = out;
        this.ticker = out == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vessel-progress");
            t.setDaemon(true);
            return t;
        });
        if (ticker != null) {
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** A silent tracker (tests, or --quiet). */
    public static Progress quiet() {
        return new Progress(null);
    }

    public synchronized Layer layer(String id, long total) {
        Layer l = new Layer(id, total);
        layers.add(l);
        return l;
    }

    public synchronized List<Layer> layers() {
        return List.copyOf(layers);
    }

    private synchronized void tick() {
        for (Layer l : layers) {
            if (!l.finished) {
                print(l.id + ": " + size(l.done.get()) + " / " + size(l.total) + "  " + size((long) l.rate()) + "/s");
            }
        }
    }

    private void print(String line) {
        if (out != null) {
            out.println(line);
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** One blob's transfer. */
    public final class Layer {
        private final String id;
        private final long total;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong transferred = new AtomicLong();
        private volatile long resumedFrom;
        private volatile int attempts;
        private final long start = System.nanoTime();
        private volatile boolean finished;

        Layer(String id, long total) {
            this.id = id;
            this.total = total;
        }

        /** The transfer restarts at {@code offset} (0, or where a previous attempt stopped). */
        public void startAt(long offset) {
            attempts++;
            if (offset > 0 && resumedFrom == 0) {
                resumedFrom = offset;
            }
            done.set(offset);
        }

        public void add(long n) {
            done.addAndGet(n);
            transferred.addAndGet(n);
        }

        public void finish(String how) {
            finished = true;
            double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
            print(id + ": " + how + (transferred.get() > 0 ? " " + size(transferred.get()) + " in "
                    + String.format(Locale.ROOT, "%.1fs", secs) + " (" + size((long) rate()) + "/s)" : ""));
        }

        double rate() {
            return transferred.get() / Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        }

        public String id() {
            return id;
        }

        /** Bytes that went over the network (less than the size when a download resumed). */
        public long transferred() {
            return transferred.get();
        }

        public long resumedFrom() {
            return resumedFrom;
        }

        public int attempts() {
            return attempts;
        }
    }
}
