package io.orch.runtime.image.registry;

/**
 * What a pull reports as it goes, in the order docker prints it: "Pulling from REPO",
 * per layer "Pulling fs layer" / "Download complete" / "Already exists", "Digest: sha256:..."
 * and "Status: Downloaded newer image for REF" (or "Image is up to date").
 */
@FunctionalInterface
public interface PullProgress {
    PullProgress NONE = (status, id) -> { };

    /** @param id the layer's short id or the tag the line is about, "" for none */
    void report(String status, String id);

    /**
     * A layer's download moved on: docker's "Downloading" line with {@code progressDetail}
     * {current, total} (total 0 when the registry did not give the size).
     */
    default void downloading(String id, long current, long total) {
    }
}
