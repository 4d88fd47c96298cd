package dev.vessel.image.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mark and sweep over the blob store. Reference counts are derived from the roots each time
 * rather than stored, so they can never drift from the manifests (a stored counter is one
 * crash away from being wrong). Blobs younger than the grace period survive: a pull writes its
 * layers before it names the image, and a concurrent prune must not take them away.
 */
public final class BlobGc {
    /** Lists the blobs a blob refers to (manifest → config and layers, index → manifests). */
    @FunctionalInterface
    public interface Children {
        List<Digest> of(Digest blob) throws IOException;
    }

    public record Result(List<Digest> removed, long bytesFreed) {
    }

    private BlobGc() {
    }

    /** How many times each reachable blob is referenced from the roots (roots count once each). */
    public static Map<Digest, Integer> referenceCounts(BlobStore store, List<Digest> roots, Children children)
            throws IOException {
        Map<Digest, Integer> counts = new HashMap<>();
        Deque<Digest> work = new ArrayDeque<>(roots);
        while (!work.isEmpty()) {
            Digest d = work.pop();
            boolean firstVisit = !counts.containsKey(d);
            counts.merge(d, 1, Integer::sum);
            if (firstVisit && store.exists(d)) {
                work.addAll(children.of(d));
            }
        }
        return counts;
    }

    public static Result collect(BlobStore store, List<Digest> roots, Children children, Duration grace)
            throws IOException {
        Map<Digest, Integer> live = referenceCounts(store, roots, children);
        long cutoff = System.currentTimeMillis() - grace.toMillis();
        List<Digest> removed = new java.util.ArrayList<>();
        long freed = 0;
        for (Digest d : store.list()) {
            if (live.containsKey(d) || store.modified(d).toMillis() > cutoff) {
                continue;
            }
            long size = store.size(d);
            if (store.delete(d)) {
                removed.add(d);
                freed += size;
            }
        }
        store.cleanIngest(grace.toMillis());
        return new Result(List.copyOf(removed), freed);
    }
}
