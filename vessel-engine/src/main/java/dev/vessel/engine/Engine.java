package dev.vessel.engine;

import dev.vessel.engine.api.ApiServer;
import dev.vessel.engine.api.Response;
import dev.vessel.engine.api.Router;
import dev.vessel.engine.container.Images;
import dev.vessel.engine.container.Storage;
import dev.vessel.engine.store.Store;
import dev.vessel.image.ImageService;
import dev.vessel.linux.Processes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The daemon: the store, the containers and their supervision, the API on a unix socket. It is
 * not its workloads' parent (each has a monitor of its own), so stopping it, or killing it,
 * stops no container; the next engine adopts them ({@link Reconciler}).
 *
 * <pre>
 *   ROOT/engine.db      the store (SQLite, WAL)          ROOT/containers/ID/   bundle, log, exit record
 *   ROOT/engine.pid     the running engine's pid         SOCKET                the API (0600, root only)
 *   ROOT/engine.lock    held while an engine runs        ROOT/images/, snapshots/   (a --root other than the default)
 * </pre>
 */
public final class Engine implements AutoCloseable {

    public static final Path DEFAULT_ROOT = Path.of("/var/lib/vessel");
    public static final Path DEFAULT_SOCKET = Path.of("/run/vessel/vessel.sock");
    public static final String VERSION = "0.1.0";

    private final Storage storage;
    private final Path socket;
    private final Store store;
    private final ContainerService containers;
    private final ApiServer server;
    private final FileChannel lock;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Engine(Storage storage, Path socket, Store store, ContainerService containers, ApiServer server,
                   FileChannel lock) {
        this.lock = lock;
        this.storage = storage;
        this.socket = socket;
        this.store = store;
        this.containers = containers;
        this.server = server;
    }

    /**
     * Opens the store, reconciles it with the host, and starts answering on {@code socket}.
     * {@code storage} says where containers and runtime state live.
     */
    public static Engine start(Storage storage, Path socket) throws IOException {
        Files.createDirectories(storage.root());
        FileChannel lock = lock(storage.root());
        Store store;
        ImageService images;
        try {
            store = Store.open(storage.root().resolve("engine.db"));
            images = storage.root().equals(DEFAULT_ROOT) ? Images.service() : Images.service(storage.root());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        Events events = new Events(store);
        ContainerService containers = new ContainerService(storage, store, images, events);
        Router router = new Router();
        Engine[] self = new Engine[1];
        new ContainerRoutes(containers, events).register(router);
        router.metrics().route(router);
        router.metrics().addCollector(new ContainerMetrics(containers));
        router.route("GET", "/v1/engine", r -> Response.json(Map.of("version", VERSION, "pid", Processes.pid(),
                "root", storage.root().toString(), "socket", socket.toString(), "schemaVersion", store.schemaVersion())));
        router.route("POST", "/v1/engine/stop", r -> {
            Thread.ofPlatform().name("vessel-engine-stop").start(() -> self[0].close());
            return Response.empty();
        });
        ApiServer server = new ApiServer(socket, router);
        Engine engine = new Engine(storage, socket, store, containers, server, lock);
        self[0] = engine;
        try {
            new Reconciler(containers).reconcile();
            server.start();
            Files.writeString(storage.root().resolve("engine.pid"), Processes.pid() + "\n");
        } catch (IOException | RuntimeException e) {
            server.close();
            containers.close();
            store.close();
            lock.close();
            throw e;
        }
        events.emit("engine", "start", Integer.toString(Processes.pid()), Map.of("socket", socket.toString()));
        return engine;
    }

    /**
     * One engine per root: an exclusive lock on ROOT/engine.lock, held for the engine's life
     * and dropped by the kernel when it dies, however it dies.
     */
    private static FileChannel lock(Path root) throws IOException {
        FileChannel ch = FileChannel.open(root.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (ch.tryLock() == null) {
                String pid = Files.exists(root.resolve("engine.pid")) ? Files.readString(root.resolve("engine.pid")).trim() : "?";
                throw new IOException("another engine (pid " + pid + ") uses " + root + ": stop it (vessel daemon stop) or"
                        + " give this one another --root");
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    public Path socket() {
        return socket;
    }

    /** Blocks until {@link #close()} (a shutdown signal or {@code POST /v1/engine/stop}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops answering and closes the store; the containers go on under their monitors. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            server.close();
            containers.close();
            store.close();
            Files.deleteIfExists(storage.root().resolve("engine.pid"));
            lock.close();
        } catch (IOException e) {
            // the pid file: a stale one names a process that is gone, which readers check
        } finally {
            stopped.countDown();
        }
    }
}
