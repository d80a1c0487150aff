package io.orch.runtime.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One image found in an archive or layout, before import: its config file (and the digest its
 * descriptor claims, when the format gives one), its layer blobs bottom-up, and its tags.
 */
record LoadableImage(Path config, Optional<Digest> configDigest, List<Layer> layers, List<String> repoTags) {
    LoadableImage {
        layers = List.copyOf(layers);
        repoTags = List.copyOf(repoTags);
    }

    /** A layer blob and the digest of the blob itself (OCI descriptors give one; docker archives do not). */
    record Layer(Path blob, Optional<Digest> blobDigest) {}
}
