package io.orch.agent;

import io.orch.api.proto.NodeImage;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.NodeImageInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the cluster when this node's images change (`orch image load`, a pull, `image rm`), so
 * image-aware placement sees what the node has now, not what it had when the agent started.
 */
final class ImageInventoryWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageInventoryWatch.class);
    static final long PERIOD_MILLIS = 1000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orch-image-inventory");
        t.setDaemon(true);
        return t;
    });
    private volatile List<NodeImage> last;

    /** @param changed called (on the watch's thread) after the image list differs from the last one seen */
    ImageInventoryWatch(ImageStore images, Runnable changed) {
        this.last = read(images);
        timer.scheduleWithFixedDelay(() -> {
            List<NodeImage> now = read(images);
            if (now != null && !now.equals(last)) {
                last = now;
                try {
                    changed.run();
                } catch (RuntimeException e) {
                    log.warn("could not publish this node's new image list: {}", e.toString());
                }
            }
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
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
        timer.shutdownNow();
    }
}
