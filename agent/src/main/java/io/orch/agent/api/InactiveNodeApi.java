package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.image.ImageStore;

import java.time.Clock;
import java.util.Map;

/**
 * The API of a node in no swarm ({@code orch agent} before {@code docker swarm init} or {@code join},
 * and after {@code leave}): who it is ({@code /_ping}, {@code /version}, {@code /info} with
 * LocalNodeState "inactive", {@code /metrics}), its image store, {@code POST /swarm/init} and {@code /swarm/join};
 * every cluster endpoint answers Docker's 503 for a node in no swarm.
 */
public final class InactiveNodeApi {
    /** moby daemon/cluster: errNoManager for a node with no swarm node (503). */
    static final String NO_SWARM_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or "
            + "\"docker swarm join\" to connect this node to swarm and try again.";
    /** moby daemon/cluster errors.go errNoSwarm: leaving when in no swarm (503). */
    static final String NOT_IN_SWARM = "This node is not part of a swarm";
    private static final String[] CLUSTER_RESOURCES = {"swarm", "nodes", "services", "tasks", "secrets", "configs", "networks", "events"};

    private InactiveNodeApi() {}

    /**
     * @param images the node's own image store ({@code docker load / pull / image ls / rm} work in no
     *               swarm too), or null for none (those routes then answer 501)
     */
    public static ApiHandler handler(String hostname, PrometheusMeterRegistry metrics, String orchVersion,
                                     ImageStore images, SwarmMembership membership) {
        HostFacts host = HostFacts.detect();
        Router router = new Router();
        // a node in no swarm runs no tasks: the image routes see an empty, local store (nothing blocks an image rm)
        ApiContext local = new ApiContext(new ClusterStore(new LocalProposer(), Clock.systemUTC()), "", metrics,
                Clock.systemUTC(), orchVersion, ApiServices.local(images, null));
        new ImageRoutes(local).register(router);
        new ImageInspectRoutes(java.util.Optional.ofNullable(images)).register(router);
        router.get("/_ping", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "OK")
                .withHeaders(Map.of("OSType", "linux", "Swarm", "inactive", "Docker-Experimental", "false")));
        router.get("/version", r -> SystemRoutes.version(orchVersion, host));
        router.get("/info", r -> ApiResponse.ok(info(hostname, orchVersion, host)));
        router.get("/metrics", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        router.post("/swarm/init", r -> {
            SwarmMembership.Transition<String> done = membership.init(SwarmInitRequest.read(r.jsonBody()));
            return AnswerThenSwitch.json(HttpResponseStatus.OK, TextNode.valueOf(done.result()), done.afterAnswer());
        });
        router.post("/swarm/join", r -> {
            SwarmMembership.Transition<Void> done = membership.join(SwarmJoinRequest.read(r.jsonBody()));
            return AnswerThenSwitch.json(HttpResponseStatus.OK, null, done.afterAnswer());
        });
        router.post("/swarm/leave", r -> {
            throw ApiException.unavailable(NOT_IN_SWARM);
        });
        for (String resource : CLUSTER_RESOURCES) {
            for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE}) {
                router.add(method, "/" + resource, r -> noSwarm());
                router.add(method, "/" + resource + "/{rest*}", r -> noSwarm());
            }
        }
        return new ApiHandler(router, metrics, orchVersion);
    }

    private static ApiResponse noSwarm() throws ApiException {
        throw ApiException.unavailable(NO_SWARM_MANAGER);
    }

    static ObjectNode info(String hostname, String orchVersion, HostFacts host) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("ID", "")
                .put("Name", hostname)
                .put("NCPU", host.cpus())
                .put("MemTotal", host.memoryBytes())
                .put("OperatingSystem", host.operatingSystem())
                .put("OSType", "linux")
                .put("Architecture", host.unameArch())
                .put("KernelVersion", host.kernelVersion())
                .put("ServerVersion", orchVersion);
        out.putObject("Swarm")
                .put("NodeID", "")
                .put("NodeAddr", "")
                .put("LocalNodeState", "inactive")
                .put("ControlAvailable", false)
                .put("Error", "")
                .putNull("RemoteManagers");
        return out;
    }
}
