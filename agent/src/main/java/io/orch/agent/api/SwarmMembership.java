package io.orch.agent.api;

/**
 * What the API asks of the node about its swarm membership ({@code /swarm/init}, {@code /swarm/join},
 * {@code /swarm/leave}). Implemented by the agent process, which swaps the node's parts (and its
 * API) as it enters or leaves a swarm.
 */
public interface SwarmMembership {
    /**
     * Makes this node-with-no-swarm the first manager of a new one; its API then answers from the
     * new node. The request that asked is still answered by the old API.
     *
     * @return the new node's id
     */
    Transition<String> init(SwarmInitRequest request) throws ApiException;

    /** Joins this node-with-no-swarm to a swarm as the token's role. */
    Transition<Void> join(SwarmJoinRequest request) throws ApiException;

    /**
     * Leaves the swarm ({@code force} as {@code docker swarm leave --force}; a manager only with it):
     * tasks stopped, swarm state removed, back to no swarm, before this returns.
     *
     * @return what must run once the answer is sent (closing the API that received the request)
     */
    Runnable leave(boolean force) throws ApiException;

    /**
     * A membership change made: its result, and what must run once the answer is sent (closing the
     * API that received the request).
     */
    record Transition<T>(T result, Runnable afterAnswer) {}
}
