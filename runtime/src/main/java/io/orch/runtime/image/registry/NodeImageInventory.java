package io.orch.runtime.image.registry;

import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeImage;
import io.orch.runtime.image.Image;
import io.orch.runtime.image.ImageStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The node's images as its NodeDescription advertises them to the scheduler's image filter. */
public final class NodeImageInventory {
    private NodeImageInventory() {}

    public static List<NodeImage> of(ImageStore store) throws IOException {
        List<NodeImage> out = new ArrayList<>();
        for (Image i : store.list()) {
            out.add(NodeImage.newBuilder().setId(i.id().toString()).addAllRepoTags(i.repoTags())
                    .addAllRepoDigests(i.repoDigests()).build());
        }
        return out;
    }

    /** Fills in images, can_pull_images and images_reported on {@code description}. */
    public static NodeDescription.Builder describe(NodeDescription.Builder description, ImageStore store, boolean canPull)
            throws IOException {
        return description.clearImages().addAllImages(of(store)).setCanPullImages(canPull).setImagesReported(true);
    }
}
