package io.orch.scheduler.filter;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeImage;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.Fixtures;
import io.orch.scheduler.NodeInfo;
import io.orch.scheduler.Placement;
import io.orch.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFilterTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String MANIFEST = "sha256:" + "cd".repeat(32);
    private final ImageFilter filter = new ImageFilter();

    private static Node runcNode(String id, boolean canPull, NodeImage... images) {
        Node n = Fixtures.node(id);
        return n.toBuilder().clearRuntimes().addRuntimes("runc").addRuntimes("process")
                .setDescription(n.getDescription().toBuilder().setImagesReported(true).setCanPullImages(canPull)
                        .addAllImages(List.of(images)))
                .build();
    }

    private static NodeImage image(String id, List<String> tags, List<String> repoDigests) {
        return NodeImage.newBuilder().setId(id).addAllRepoTags(tags).addAllRepoDigests(repoDigests).build();
    }

    private static Task task(String image) {
        return task(image, "");
    }

    private static Task task(String image, String runtime) {
        Service s = Fixtures.replicated("s1", 1, RestartPolicy.getDefaultInstance());
        Task t = Fixtures.task("t1", s, 1, "", TaskState.PENDING, Instant.EPOCH, Instant.EPOCH);
        return t.toBuilder().setSpec(TaskSpec.newBuilder().setRuntime(runtime)
                .setContainerSpec(ContainerSpec.newBuilder().setImage(image))).build();
    }

    private boolean passes(Task task, Node node) {
        return filter.check(task, new NodeInfo(node));
    }

    @Test
    void nodeWithTheImageByTagPasses() {
        Node node = runcNode("a", false, image(DIGEST, List.of("busybox:latest", "example/app:1"), List.of()));
        assertTrue(passes(task("busybox"), node), "busybox = busybox:latest");
        assertTrue(passes(task("docker.io/library/busybox:latest"), node), "docker.io/library/ is dropped");
        assertTrue(passes(task("example/app:1"), node));
        assertFalse(passes(task("example/app:2"), node), "another tag is another image");
    }

    @Test
    void digestMatchesImageIdOrPulledManifestDigest() {
        Node node = runcNode("a", false,
                image(DIGEST, List.of("registry.example:5000/app:1"), List.of("registry.example:5000/app@" + MANIFEST)));
        assertTrue(passes(task("anything@" + DIGEST), node), "the image id");
        assertTrue(passes(task("registry.example:5000/app@" + MANIFEST), node), "the manifest digest it was pulled by");
        assertTrue(passes(task("registry.example:5000/app:other@" + MANIFEST), node), "a digest wins over the tag");
        assertFalse(passes(task("other/app@" + MANIFEST), node), "a manifest digest is per repository");
    }

    @Test
    void missingImagePassesOnlyWhenPullableAndNodeMayPull() {
        Node puller = runcNode("a", true);
        Node noPull = runcNode("b", false);
        assertTrue(passes(task("registry.example/app:1"), puller), "a domain with a dot");
        assertTrue(passes(task("127.0.0.1:5000/app:1"), puller), "a host with a port");
        assertTrue(passes(task("localhost/app"), puller), "localhost");
        assertFalse(passes(task("busybox"), puller), "no registry named: Docker Hub is not assumed reachable");
        assertFalse(passes(task("library/busybox:1"), puller), "first component without . or : is a path");
        assertFalse(passes(task("registry.example/app:1"), noPull), "the node may not pull");
    }

    @Test
    void onlyStoreBackedRuntimesAndReportingNodesAreChecked() {
        Node processNode = Fixtures.node("p").toBuilder()
                .setDescription(Fixtures.node("p").getDescription().toBuilder().setImagesReported(true)).build();
        assertTrue(passes(task("busybox"), processNode), "the process runtime has no image store");
        assertTrue(passes(task("busybox"), Fixtures.node("old")), "a node that does not report images is not filtered");
        Node runc = runcNode("r", false);
        assertFalse(passes(task("busybox"), runc), "default runtime of the node is runc");
        assertTrue(passes(task("busybox", "process"), runc), "the task asks for the process runtime");
        assertFalse(filter.appliesTo(task("")), "no image, nothing to check");
    }

    @Test
    void schedulerPlacesOnlyOnNodesWithTheImageAndExplainsTheRest() {
        Node has = runcNode("has", false, image(DIGEST, List.of("busybox:x"), List.of()));
        Node lacks1 = runcNode("lacks1", false);
        Node lacks2 = runcNode("lacks2", true);
        List<Placement> placed = new Scheduler().place(List.of(task("busybox:x")), List.of(lacks1, has, lacks2), List.of());
        assertEquals("has", placed.get(0).nodeId());

        List<Placement> nowhere = new Scheduler().place(List.of(task("busybox:x")), List.of(lacks1, lacks2), List.of());
        assertFalse(nowhere.get(0).placed());
        assertEquals("no suitable node (image busybox:x not present on 2 nodes and cannot be pulled)", nowhere.get(0).reason());
    }

    @Test
    void pullableImageIsPlacedOnANodeThatCanPull() {
        List<Placement> placed = new Scheduler().place(List.of(task("127.0.0.1:21601/app:1")),
                List.of(runcNode("nopull", false), runcNode("pull", true)), List.of());
        assertEquals("pull", placed.get(0).nodeId());
    }
}
