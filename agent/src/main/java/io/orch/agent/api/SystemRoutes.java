package io.orch.agent.api;

import io.orch.api.model.TaskStates;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.store.ReadTx;
import io.orch.runtime.image.ImageStore;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /_ping}, {@code /version}, {@code /info}, {@code /distribution/{name}/json}, {@code /metrics}. */
final class SystemRoutes {
    private final ApiContext context;
    private final HostFacts host;

    SystemRoutes(ApiContext context, HostFacts host) {
        this.context = context;
        this.host = host;
    }

    void register(Router router) {
        router.get("/_ping", r -> ping());
        router.get("/version", r -> version());
        router.get("/info", r -> info());
        router.get("/distribution/{name*}/json", r -> distribution());
        router.get("/metrics", r -> metrics());
    }

    /** The CLI reads these headers on every command; HEAD is answered by this route too. */
    ApiResponse ping() {
        return ApiResponse.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "OK").withHeaders(Map.of(
                "OSType", "linux",
                "Docker-Experimental", "false",
                "Swarm", "active/manager",
                "Cache-Control", "no-cache, no-store, must-revalidate",
                "Pragma", "no-cache"));
    }

    ApiResponse version() {
        return version(context.orchVersion(), host);
    }

    static ApiResponse version(String orchVersion, HostFacts host) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.putObject("Platform").put("Name", "orch");
        ObjectNode engine = out.putArray("Components").addObject();
        engine.put("Name", "Engine").put("Version", orchVersion);
        engine.putObject("Details")
                .put("ApiVersion", ApiVersions.CURRENT)
                .put("MinAPIVersion", ApiVersions.MINIMUM)
                .put("Os", "linux")
                .put("Arch", host.goArch())
                .put("KernelVersion", host.kernelVersion());
        out.put("Version", orchVersion)
                .put("ApiVersion", ApiVersions.CURRENT)
                .put("MinAPIVersion", ApiVersions.MINIMUM)
                .put("Os", "linux")
                .put("Arch", host.goArch())
                .put("KernelVersion", host.kernelVersion());
        return ApiResponse.ok(out);
    }

    ApiResponse info() {
        ObjectNode out = context.store().read(this::info);
        out.put("Images", imageCount());
        return ApiResponse.ok(out);
    }

    /**
     * What {@code docker image ls} lists on this node: the images its store holds. A node without
     * a store (a store-only API) has none; an unreadable store shows 0 here rather than failing
     * all of {@code docker info}, and {@code docker image ls} reports the error itself.
     */
    private int imageCount() {
        Optional<ImageStore> images = context.services().imageStore();
        if (images.isEmpty()) {
            return 0;
        }
        try {
            return images.get().list().size();
        } catch (IOException e) {
            return 0;
        }
    }

    private ObjectNode info(ReadTx tx) {
        Node self = tx.node(context.nodeId()).orElse(null);
        List<Node> nodes = tx.nodes();
        long running = tx.tasksOfNode(context.nodeId()).stream()
                .filter(t -> t.getStatus().getState() == TaskState.RUNNING).count();
        long mine = tx.tasksOfNode(context.nodeId()).stream().filter(t -> !isRemoved(t)).count();

        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("ID", context.nodeId())
                .put("Name", self != null && !self.getDescription().getHostname().isEmpty()
                        ? self.getDescription().getHostname() : host.hostname())
                .put("Containers", mine)
                .put("ContainersRunning", running)
                .put("ContainersPaused", 0)
                .put("ContainersStopped", mine - running)
                .put("NCPU", self != null && self.getDescription().getResources().getNanoCpus() > 0
                        ? self.getDescription().getResources().getNanoCpus() / 1_000_000_000L : host.cpus())
                .put("MemTotal", self != null && self.getDescription().getResources().getMemoryBytes() > 0
                        ? self.getDescription().getResources().getMemoryBytes() : host.memoryBytes())
                .put("OperatingSystem", host.operatingSystem())
                .put("OSType", "linux")
                .put("Architecture", host.unameArch())
                .put("KernelVersion", host.kernelVersion())
                .put("ServerVersion", context.orchVersion());

        ObjectNode swarm = out.putObject("Swarm");
        swarm.put("NodeID", context.nodeId())
                .put("NodeAddr", self == null ? "" : self.getStatus().getAddr())
                .put("LocalNodeState", "active")
                .put("ControlAvailable", true)
                .put("Error", "");
        ArrayNode remote = swarm.putArray("RemoteManagers");
        for (Node n : nodes) {
            if (n.getSpec().getRole() == NodeSpec.Role.MANAGER && !n.getManagerStatus().getAddr().isEmpty()) {
                remote.addObject().put("NodeID", n.getId()).put("Addr", n.getManagerStatus().getAddr());
            }
        }
        swarm.put("Nodes", nodes.size());
        swarm.put("Managers", nodes.stream().filter(n -> n.getSpec().getRole() == NodeSpec.Role.MANAGER).count());
        tx.cluster().ifPresent(c -> swarm.set("Cluster", clusterInfo(c)));
        return out;
    }

    /** Docker's ClusterInfo: the Cluster object without the join tokens (and never the CA key or gossip key). */
    static ObjectNode clusterInfo(Cluster cluster) {
        return ClusterJson.info(cluster);
    }

    private static boolean isRemoved(Task t) {
        return TaskStates.atLeast(t.getDesiredState(), TaskState.REMOVE);
    }

    /** The CLI asks before create/update to pin a digest; a 404 only makes it warn and go on. */
    ApiResponse distribution() throws ApiException {
        throw ApiException.notFound("orch does not resolve image digests from registries yet");
    }

    ApiResponse metrics() {
        return ApiResponse.text(HttpResponseStatus.OK, MetricsOnlyApi.CONTENT_TYPE, context.metrics().scrape());
    }
}
