package dev.vessel.engine.store;

import java.nio.file.Path;

/**
 * The child of {@link StoreDurabilityTest}: inserts containers until it is killed and prints
 * each id after its insert has returned, that is after its transaction committed.
 */
public final class StoreWriterMain {

    private StoreWriterMain() {
    }

    public static void main(String[] args) {
        try (Store store = Store.open(Path.of(args[0]))) {
            for (int i = 0; ; i++) {
                String id = String.format("%08d", i);
                store.insert(Records.container(id, "c-" + id).withState("running").withPid(1000 + i));
                if (i % 3 == 0) {
                    store.append(Event.of(java.time.Instant.now(), "container", "create", id, java.util.Map.of()));
                }
                System.out.println(id);
                System.out.flush();
            }
        }
    }
}
