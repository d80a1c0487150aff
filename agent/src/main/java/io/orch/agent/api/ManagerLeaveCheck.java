package io.orch.agent.api;

/**
 * Whether a manager may leave its swarm without {@code --force}: never, as in Docker, and the
 * refusal says what leaving would cost (moby daemon/cluster/swarm.go, Cluster.Leave; the texts
 * are Docker's, which scripts match).
 */
public final class ManagerLeaveCheck {
    static final String PREFIX = "You are attempting to leave the swarm on a node that is participating as a manager. ";
    static final String SUFFIX = "The only way to restore a swarm that has lost consensus is to reinitialize it with "
            + "`--force-new-cluster`. Use `--force` to suppress this message.";

    private ManagerLeaveCheck() {}

    /**
     * The refusal of an unforced leave by a manager.
     *
     * @param reachable   managers reachable now, this one included
     * @param unreachable managers not reachable now
     */
    public static ApiException refusal(int reachable, int unreachable) {
        String msg = PREFIX;
        if (reachable - 2 <= unreachable) { // removing this one loses the quorum
            if (reachable == 1 && unreachable == 0) {
                return ApiException.unavailable(msg + "Removing the last manager erases all current state of the swarm. "
                        + "Use `--force` to ignore this message. ");
            }
            msg += String.format("Removing this node leaves %d managers out of %d. Without a Raft quorum your swarm "
                    + "will be inaccessible. ", reachable - 1, reachable + unreachable);
        }
        return ApiException.unavailable(msg + SUFFIX);
    }
}
