package io.orch.agent.api;

/** Docker's answers about swarm membership (moby daemon/cluster errors.go), which scripts match on. */
public final class SwarmMessages {
    /** errSwarmExists (503): init or join on a node already in a swarm. */
    public static final String ALREADY_IN_SWARM = SwarmRoutes.ALREADY_IN_SWARM;
    /** errNoSwarm (503): leave on a node in no swarm. */
    public static final String NOT_IN_SWARM = InactiveNodeApi.NOT_IN_SWARM;

    private SwarmMessages() {}
}
