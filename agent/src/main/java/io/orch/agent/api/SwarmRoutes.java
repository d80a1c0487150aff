package io.orch.agent.api;

import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;

/** {@code /swarm}: the Cluster object; init and join are done by {@code orch init/join}, not here. */
final class SwarmRoutes {
    static final String ALREADY_IN_SWARM =
            "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";

    private final ApiContext context;

    SwarmRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/swarm", r -> inspect());
        // every orch agent is in a cluster from its first start; Docker answers 503 here
        router.post("/swarm/init", r -> {
            throw ApiException.unavailable(ALREADY_IN_SWARM);
        });
        router.post("/swarm/join", r -> {
            throw ApiException.unavailable(ALREADY_IN_SWARM);
        });
    }

    /** Includes the join tokens, as Docker does: {@code docker swarm join-token} reads them here. */
    ApiResponse inspect() throws ApiException {
        Cluster cluster = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        return ApiResponse.ok(DockerJson.toJson(cluster));
    }
}
