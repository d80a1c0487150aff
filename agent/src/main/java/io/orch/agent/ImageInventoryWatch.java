package io.orch.agent;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.NodeImage;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.NodeImageInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * Tells the cluster when this node's images change (`orch image load`, a pull, `image rm`), so
 * image-aware placement sees what the node has now, not what it had when the agent started.
 * Driven by the image store's change events; the list is compared so that a change that leaves
 * the advertised images as they were (a repeated load) writes nothing.
 */
final class ImageInventoryWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageInventoryWatch.class);

    // the store calls back on the thread that changed it (an API request, a pull): publish elsewhere
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(DaemonThreads.factory("orch-image-inventory"));
    private final AutoCloseable subscription;
    private volatile boolean closed;
    private List<NodeImage> last; // publisher thread only, after construction

    /** @param changed called (on the watch's thread) after the image list differs from the last one seen */
    ImageInventoryWatch(ImageStore images, Runnable changed) {
        this.last = read(images);
        this.subscription = images.onChange(() -> {
            if (closed) {
                return;
            }
            publisher.execute(() -> {
                List<NodeImage> now = read(images);
                if (now != null && !now.equals(last)) {
                    last = now;
                    try {
                        changed.run();
                    } catch (RuntimeException e) {
                        log.warn("could not publish this node's new image list: {}", e.toString());
                    }
                }
            });
        });
    }

    private static List<NodeImage> read(ImageStore images) {
        try {
            return NodeImageInventory.of(images);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            // removing a listener from a list does not fail
        }
        publisher.shutdownNow();
    }
}
