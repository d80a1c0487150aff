package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.RegistryConfig;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The API of a worker-only node, which holds no copy of the cluster state: it answers who it is
 * ({@code /_ping}, {@code /version}, {@code /info}, {@code /metrics}) and, like Docker on a
 * worker, refuses every cluster endpoint with 503 and a pointer to a manager. Its own image store
 * is served as on every node ({@code docker load}, {@code docker pull}, {@code docker image ls|rm}).
 */
public final class WorkerNodeApi {
    static final String NOT_A_MANAGER = "This node is not a swarm manager. Worker nodes can't be used to view or modify "
            + "cluster state. Please run this command on a manager node or promote the current node to a manager.";
    private static final String[] CLUSTER_RESOURCES = {"swarm", "nodes", "services", "tasks", "secrets", "configs", "networks",
            "orch/certificates", "events"};

    private WorkerNodeApi() {}

    /**
     * @param managers the managers' RPC addresses this node knows, by node id (shown as RemoteManagers)
     */
    public static ApiHandler handler(String nodeId, String hostname, String nodeAddr, PrometheusMeterRegistry metrics,
                                     String orchVersion, Supplier<Map<String, String>> managers) {
        return handler(nodeId, hostname, nodeAddr, metrics, orchVersion, managers, null, null);
    }

    /**
     * @param images     this node's image routes (its store, what its tasks use, how it pulls), or null for none
     * @param containers this node's tasks as containers ({@code docker ps}, exec...), served as on a manager; null: none
     */
    public static ApiHandler handler(String nodeId, String hostname, String nodeAddr, PrometheusMeterRegistry metrics,
                                     String orchVersion, Supplier<Map<String, String>> managers, NodeImages images,
                                     NodeContainers containers) {
        HostFacts host = HostFacts.detect();
        Router router = new Router();
        router.get("/_ping", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "OK")
                .withHeaders(Map.of("OSType", "linux", "Swarm", "active/worker", "Docker-Experimental", "false")));
        router.get("/version", r -> SystemRoutes.version(orchVersion, host));
        router.get("/info", r -> ApiResponse.ok(info(nodeId, hostname, nodeAddr, orchVersion, host, managers.get())));
        router.get("/metrics", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        new ContainerRoutes(containers, hostname).register(router);
        for (String resource : CLUSTER_RESOURCES) {
            for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE}) {
                router.add(method, "/" + resource, r -> notAManager());
                router.add(method, "/" + resource + "/{rest*}", r -> notAManager());
            }
        }
        if (images != null) {
            new ImageRoutes(Optional.of(images.store()), images.liveImages()::get, images.pullers()).register(router);
            new ImageInspectRoutes(Optional.of(images.store())).register(router);
            new AuthRoutes(images.registries()).register(router);
        }
        return new ApiHandler(router, metrics, orchVersion);
    }

    /**
     * A worker's image store and what the image routes need around it.
     *
     * @param liveImages the image references of the tasks this node runs (refused by {@code image rm})
     * @param pullers    how this node pulls (its registry settings)
     * @param registries this node's registry settings, for logins ({@code POST /auth})
     */
    public record NodeImages(ImageStore store, Supplier<List<String>> liveImages, Function<ImageStore, ImagePuller> pullers,
                             RegistryConfig registries) {}

    private static ApiResponse notAManager() throws ApiException {
        throw ApiException.unavailable(NOT_A_MANAGER);
    }

    private static ObjectNode info(String nodeId, String hostname, String nodeAddr, String orchVersion, HostFacts host,
                                   Map<String, String> managers) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("ID", nodeId)
                .put("Name", hostname)
                .put("NCPU", host.cpus())
                .put("MemTotal", host.memoryBytes())
                .put("OperatingSystem", host.operatingSystem())
                .put("OSType", "linux")
                .put("Architecture", host.unameArch())
                .put("KernelVersion", host.kernelVersion())
                .put("ServerVersion", orchVersion);
        ObjectNode swarm = out.putObject("Swarm");
        swarm.put("NodeID", nodeId)
                .put("NodeAddr", nodeAddr)
                .put("LocalNodeState", "active")
                .put("ControlAvailable", false)
                .put("Error", "");
        ArrayNode remote = swarm.putArray("RemoteManagers");
        managers.forEach((id, addr) -> remote.addObject().put("NodeID", id).put("Addr", addr));
        return out;
    }
}
