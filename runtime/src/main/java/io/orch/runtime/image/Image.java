package io.orch.runtime.image;

import java.nio.file.Path;
import java.util.List;

/**
 * An image in the node's store: its id (the digest of its config), tags, the unpacked read-only
 * root file system, its config, and its size (sum of its layer blobs).
 */
public record Image(Digest id, List<String> repoTags, Path rootfs, ImageConfig config, long size, long loadedAtMillis) {
    public Image {
        repoTags = List.copyOf(repoTags);
    }
}
