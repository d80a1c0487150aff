package io.orch.runtime.image;

import java.nio.file.Path;
import java.util.List;

/**
 * An image in the node's store: its id (the digest of its config), tags, the unpacked read-only
 * root file system, its config, its size (sum of its layer blobs), and the "repo@sha256:..."
 * manifest digests it was pulled by (none for loaded images).
 */
public record Image(Digest id, List<String> repoTags, Path rootfs, ImageConfig config, long size, long loadedAtMillis,
                    List<String> repoDigests) {
    public Image {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }

    public Image(Digest id, List<String> repoTags, Path rootfs, ImageConfig config, long size, long loadedAtMillis) {
        this(id, repoTags, rootfs, config, size, loadedAtMillis, List.of());
    }
}
