package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;

import java.util.Map;

/**
 * The API of a manager that restarted under autolock and is locked: its store key file is
 * encrypted with the unlock key, so it runs no Raft replica, no manager loops and no worker until
 * {@code POST /swarm/unlock} ({@code docker swarm unlock}, {@code orch unlock}) gives the key.
 * It answers {@code /_ping}, {@code /version}, {@code /info} (LocalNodeState "locked") and
 * {@code /metrics}; everything else gets Docker's 503 for a locked swarm.
 */
public final class LockedNodeApi {
    /** moby daemon/cluster errors.go errSwarmLocked (503). */
    public static final String LOCKED = "Swarm is encrypted and needs to be unlocked before it can be used. "
            + "Please use \"docker swarm unlock\" to unlock it.";
    /** moby daemon/cluster invalidUnlockKey: the key does not open the node's key file (400). */
    public static final String WRONG_KEY = "swarm could not be unlocked: invalid key";

    /** What the API asks of the node to unlock it. */
    public interface Unlocker {
        /**
         * Opens the node's key file with {@code unlockKey} and starts the manager; the answer is
         * still sent by this API, which closes after it.
         *
         * @throws ApiException 400 for a key that is malformed or does not open the file (the node stays locked)
         */
        SwarmMembership.Transition<Void> unlock(String unlockKey) throws ApiException;
    }

    private LockedNodeApi() {}

    public static ApiHandler handler(String hostname, String nodeId, PrometheusMeterRegistry metrics, String orchVersion,
                                     Unlocker unlocker) {
        HostFacts host = HostFacts.detect();
        Router router = new Router();
        router.get("/_ping", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "OK")
                .withHeaders(Map.of("OSType", "linux", "Swarm", "locked", "Docker-Experimental", "false")));
        router.get("/version", r -> SystemRoutes.version(orchVersion, host));
        router.get("/info", r -> ApiResponse.ok(info(hostname, nodeId, orchVersion, host)));
        router.get("/metrics", r -> ApiResponse.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape()));
        router.post("/swarm/unlock", r -> {
            JsonNode body = r.jsonBody();
            JsonNode key = body.path("UnlockKey");
            if (!key.isTextual() || key.asText().isBlank()) {
                throw ApiException.badRequest("UnlockKey: required, the SWMKEY-1-... key shown when autolock was turned on");
            }
            SwarmMembership.Transition<Void> done = unlocker.unlock(key.asText());
            return AnswerThenSwitch.json(HttpResponseStatus.OK, null, done.afterAnswer());
        });
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT,
                HttpMethod.HEAD}) {
            router.add(method, "/{rest*}", r -> {
                throw ApiException.unavailable(LOCKED);
            });
        }
        return new ApiHandler(router, metrics, orchVersion);
    }

    static ObjectNode info(String hostname, String nodeId, String orchVersion, HostFacts host) {
        ObjectNode out = InactiveNodeApi.info(hostname, orchVersion, host);
        ((ObjectNode) out.path("Swarm")).put("NodeID", nodeId).put("LocalNodeState", "locked");
        return out;
    }
}
