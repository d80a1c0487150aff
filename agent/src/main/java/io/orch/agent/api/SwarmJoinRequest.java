package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /swarm/join}, read and checked (see {@link SwarmInitRequest} for the conventions).
 *
 * @param remoteAddrs managers' listen addresses, tried in order
 * @param joinToken   the worker or manager token; never logged or echoed
 */
public record SwarmJoinRequest(String listenAddr, String advertiseAddr, String dataPathAddr, List<String> remoteAddrs,
                               String joinToken) {
    private static final Set<String> FIELDS = Set.of("ListenAddr", "AdvertiseAddr", "DataPathAddr", "RemoteAddrs",
            "JoinToken", "Availability");
    static final int MAX_REMOTES = 16;

    public static SwarmJoinRequest read(JsonNode body) throws ApiException {
        SwarmRequestFields f = new SwarmRequestFields(body, FIELDS);
        List<String> remotes = f.strings("RemoteAddrs", MAX_REMOTES);
        if (remotes.isEmpty()) {
            throw ApiException.badRequest("RemoteAddrs: the address of a manager to join through is needed");
        }
        String token = f.text("JoinToken");
        if (token == null) {
            throw ApiException.badRequest("JoinToken: a join token is needed (docker swarm join-token worker|manager on a manager)");
        }
        f.activeAvailability();
        return new SwarmJoinRequest(f.listenAddr(), f.text("AdvertiseAddr"), f.text("DataPathAddr"), remotes, token);
    }

    @Override
    public String toString() {
        return "SwarmJoinRequest[remoteAddrs=" + remoteAddrs + "]"; // never the token
    }
}
