package dev.vessel.image.snapshot;

import dev.vessel.image.store.Digest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SnapshotterTest {
    @Test
    void chainIdsFollowTheOciDefinition() {
        Digest a = Digest.of("a".getBytes());
        Digest b = Digest.of("b".getBytes());
        List<Digest> c = LayerSnapshots.chainIds(List.of(a, b));
        assertEquals(a, c.get(0), "the base layer's chain id is its diff id");
        assertEquals(Digest.of((a + " " + b).getBytes()), c.get(1));
    }

    @Test
    void overlayOptionsListTheTopLayerFirstAndFitAPageAtTheKernelLimit() {
        assertEquals("lowerdir=l/2:l/1:l/0,upperdir=upper,workdir=work", Snapshotter.options("l", 3));
        String max = Snapshotter.options("l", Snapshotter.MAX_LAYERS);
        assertTrue(max.length() < 4096, "500 layers take " + max.length() + " bytes");
        assertTrue(max.startsWith("lowerdir=l/dv:l/du:"), max.substring(0, 30));
    }
}
