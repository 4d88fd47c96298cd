package dev.vessel.image.archive;

import dev.vessel.image.store.Digest;

import java.util.List;

/** An image that load/import stored: its manifest digest and familiar names ("Loaded image: ..."). */
public record LoadedImage(Digest manifest, List<String> names) {
}
