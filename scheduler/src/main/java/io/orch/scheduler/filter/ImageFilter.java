package io.orch.scheduler.filter;

import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeImage;
import io.orch.scheduler.Demand;
import io.orch.scheduler.NodeInfo;

import java.util.List;
import java.util.Optional;

/**
 * A task whose image a node does not have goes there only if the node can pull it: the node
 * allows pulls and the reference names a registry (a bare "busybox" would mean Docker Hub,
 * which nodes are not assumed to reach). Only nodes that run the task with an image-based
 * runtime (runc) are checked: the process runtime treats the image as a label and docker pulls
 * for itself. Nodes that do not report their images (older agents) are not filtered.
 */
public final class ImageFilter implements Filter {
    /** Runtimes that need the image in the node's own store. */
    private static final List<String> STORE_RUNTIMES = List.of("runc");

    @Override
    public void compile(Demand demand, List<Check> out) {
        String image = demand.spec().getContainerSpec().getImage();
        if (image.isBlank()) {
            return;
        }
        String tag = ImageNames.familiarTag(image);
        String repository = ImageNames.repository(image);
        Optional<String> digest = ImageNames.digest(image);
        boolean pullable = ImageNames.namesRegistry(image);
        String runtime = demand.runtime();
        out.add(Check.of(true, node -> passes(node, runtime, tag, repository, digest, pullable),
                n -> "image " + image + " not present on " + Filter.nodes(n) + " and cannot be pulled"));
    }

    private static boolean passes(NodeInfo node, String runtime, String tag, String repository, Optional<String> digest,
                                  boolean pullable) {
        NodeDescription d = node.node().getDescription();
        if (!d.getImagesReported() || !usesStore(node, runtime)) {
            return true;
        }
        if (pullable && d.getCanPullImages()) {
            return true;
        }
        for (NodeImage i : d.getImagesList()) {
            if (digest.isPresent() ? matchesDigest(i, repository, digest.get()) : i.getRepoTagsList().contains(tag)) {
                return true;
            }
        }
        return false;
    }

    /** A pinned digest is the image id (config digest) or the manifest digest the image was pulled by. */
    private static boolean matchesDigest(NodeImage image, String repository, String digest) {
        return image.getId().equals(digest) || image.getRepoDigestsList().contains(repository + "@" + digest);
    }

    /** The runtime the task would get on this node: the one it names, else the node's first (its default). */
    private static boolean usesStore(NodeInfo node, String runtime) {
        String effective = !runtime.isEmpty() ? runtime
                : node.node().getRuntimesCount() > 0 ? node.node().getRuntimes(0) : "";
        return STORE_RUNTIMES.contains(effective);
    }
}
