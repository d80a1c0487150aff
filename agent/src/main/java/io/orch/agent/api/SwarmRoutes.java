package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.pki.CaDigest;
import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.RootRotations;
import io.orch.agent.seal.AutolockPolicy;
import io.orch.agent.seal.UnlockKey;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.Version;
import io.orch.raft.store.StoreException;

/**
 * {@code /swarm} on a manager: the Cluster object (inspect, update). A node already in a swarm
 * refuses init and join as Docker does; a node in no swarm takes them ({@link InactiveNodeApi}),
 * and leave, unlockkey and unlock are {@link SwarmLifecycleRoutes}'.
 */
final class SwarmRoutes {
    static final String ALREADY_IN_SWARM =
            "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final ApiContext context;

    SwarmRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/swarm", r -> inspect());
        // this node is in a swarm already: Docker answers 503 here
        router.post("/swarm/init", r -> {
            throw ApiException.unavailable(ALREADY_IN_SWARM);
        });
        router.post("/swarm/join", r -> {
            throw ApiException.unavailable(ALREADY_IN_SWARM);
        });
        router.post("/swarm/update", this::update);
        router.get("/swarm/unlockkey", r -> unlockKey());
    }

    /**
     * The managers' unlock key while autolock is on, else an empty one (Docker answers 200 with an
     * empty key; the docker CLI then says "no unlock key is set"). The only answer that holds it.
     */
    ApiResponse unlockKey() throws ApiException {
        Cluster cluster = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        String key = AutolockPolicy.unlockKey(cluster).map(UnlockKey::text).orElse("");
        return ApiResponse.ok(DockerJson.MAPPER.createObjectNode().put("UnlockKey", key));
    }

    /**
     * {@code POST /swarm/update?version=N} with a ClusterSpec: replaces the cluster's spec, as
     * Docker does. Raft, CAConfig (but NodeCertExpiry), TaskDefaults and EncryptionConfig are
     * fixed in orch: a body must repeat what GET shows (or leave them zero), see
     * {@link FixedSwarmSettings}. A zero NodeCertExpiry keeps the stored one; a new one applies to
     * the certificates issued from then on (and nodes whose certificates outlive it renew them
     * within it). orch's own fields (SchedulerStrategy, Limits) keep their value when the body does not
     * name them, so a stock {@code docker swarm update} (whose client drops fields it does not
     * know) leaves the scheduler strategy alone. {@code rotateWorkerToken} / {@code rotateManagerToken}
     * replace that join token with a new one (same CA, new secret) in the same write: the store
     * holds only the current tokens, so the old one stops admitting nodes at once. A
     * CAConfig.ForceRotate other than the last rotation's ({@code docker swarm ca --rotate} sends it
     * incremented) starts a root CA rotation ({@link RootRotations#start}): new root, new tokens.
     */
    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        boolean rotateUnlock = request.flag("rotateManagerUnlockKey");
        boolean rotateWorker = request.flag("rotateWorkerToken");
        boolean rotateManager = request.flag("rotateManagerToken");
        JsonNode body = request.jsonBody();
        ClusterSpec.Builder spec;
        try {
            spec = DockerJson.mergeStrict(body, ClusterSpec.newBuilder());
        } catch (JsonModelException e) {
            throw ApiException.badRequest("invalid ClusterSpec: " + RefusedFields.message(e));
        }
        LabelLimits.check("invalid ClusterSpec: ", spec.build());
        Cluster current = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        if (!body.has("SchedulerStrategy")) {
            spec.setSchedulerStrategy(current.getSpec().getSchedulerStrategy());
        }
        if (!body.has("Limits")) {
            spec.setLimits(current.getSpec().getLimits());
        }
        ClusterSpec stored = FixedSwarmSettings.checked(spec.build());
        if (stored.getCaConfig().getNodeCertExpiry() == 0) {
            stored = stored.toBuilder().setCaConfig(stored.getCaConfig().toBuilder()
                    .setNodeCertExpiry(current.getSpec().getCaConfig().getNodeCertExpiry())).build();
        }
        long forceRotate = stored.getCaConfig().getForceRotate();
        Cluster.Builder next = current.toBuilder().setSpec(stored).setVersion(Version.newBuilder().setIndex(version));
        if (RootRotations.requested(current, forceRotate)) {
            // docker swarm ca --rotate: CAConfig.ForceRotate incremented; new tokens come with the new root
            if (!current.hasRootCa()) {
                throw ApiException.unavailable("cannot rotate the root CA: the cluster has no root CA");
            }
            try {
                next = RootRotations.start(next.build(), forceRotate, context.clock()).toBuilder();
            } catch (IllegalStateException e) {
                throw ApiException.badRequest("invalid swarm spec: CAConfig.ForceRotate: " + e.getMessage());
            }
        } else if (rotateWorker || rotateManager) {
            next.setJoinTokens(rotated(current, rotateWorker, rotateManager));
        }
        // autolock as asked (a body without EncryptionConfig keeps it); its unlock key made, removed or rotated
        boolean autolock = body.has("EncryptionConfig") ? stored.getEncryptionConfig().getAutoLockManagers()
                : AutolockPolicy.on(current);
        Cluster updated;
        try {
            updated = AutolockPolicy.applied(next.build(), autolock, rotateUnlock, RANDOM);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
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

    /**
     * New tokens for the same root CA (during a root rotation, the new root: the one joining nodes
     * pin); the secrets are fresh, so the old tokens no longer match.
     */
    private static JoinTokens rotated(Cluster current, boolean worker, boolean manager) throws ApiException {
        if (current.getRootCa().getCaCertPem().isEmpty()) {
            throw ApiException.unavailable("cannot rotate join tokens: the cluster has no root CA");
        }
        String caDigest = CaDigest.ofPem(RootRotations.desiredRootPem(current));
        JoinTokens.Builder tokens = current.getJoinTokens().toBuilder();
        if (worker) {
            tokens.setWorker(JoinToken.generate(caDigest).value());
        }
        if (manager) {
            tokens.setManager(JoinToken.generate(caDigest).value());
        }
        return tokens.build();
    }

    /**
     * Includes the join tokens, as Docker does: {@code docker swarm join-token} reads them here.
     * Never the root CA's key or the gossip key; the CA certificate is under TLSInfo.
     */
    ApiResponse inspect() throws ApiException {
        Cluster cluster = context.store().read(tx -> tx.cluster()).orElseThrow(
                () -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        return ApiResponse.ok(ClusterJson.withJoinTokens(cluster));
    }
}
