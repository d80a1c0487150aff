package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.Version;
import io.orch.raft.store.StoreException;

/** {@code /swarm}: the Cluster object (inspect, update); init and join are done by {@code orch init/join}, not here. */
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
        router.post("/swarm/update", this::update);
    }

    /**
     * {@code POST /swarm/update?version=N} with a ClusterSpec: replaces the cluster's spec, as
     * Docker does. orch's own fields (SchedulerStrategy) keep their value when the body does not
     * name them, so a stock {@code docker swarm update} (whose client drops fields it does not
     * know) leaves the scheduler strategy alone. Token rotation is not supported yet.
     */
    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        for (String rotate : new String[] {"rotateWorkerToken", "rotateManagerToken", "rotateManagerUnlockKey"}) {
            if (request.flag(rotate)) {
                throw ApiException.badRequest(rotate + " is not supported yet");
            }
        }
        JsonNode body = request.jsonBody();
        ClusterSpec.Builder spec;
        try {
            spec = DockerJson.merge(body, ClusterSpec.newBuilder());
        } catch (JsonModelException e) {
            throw ApiException.badRequest("invalid ClusterSpec: " + e.getMessage());
        }
        Cluster current = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        if (!body.has("SchedulerStrategy")) {
            spec.setSchedulerStrategy(current.getSpec().getSchedulerStrategy());
        }
        Cluster updated = current.toBuilder().setSpec(spec).setVersion(Version.newBuilder().setIndex(version)).build();
        try {
            context.store().updateAndWait(tx -> tx.update(updated));
        } catch (StoreException e) {
            if (StoreErrors.outOfSequence(e)) {
                throw ApiException.conflict("update out of sequence");
            }
            throw e;
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }

    /** Includes the join tokens, as Docker does: {@code docker swarm join-token} reads them here. */
    ApiResponse inspect() throws ApiException {
        Cluster cluster = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        return ApiResponse.ok(DockerJson.toJson(cluster));
    }
}
