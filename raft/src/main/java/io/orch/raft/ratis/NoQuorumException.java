package io.orch.raft.ratis;

/**
 * A proposal failed because no leader is reachable: too few voters answer to elect or keep one.
 * The local store is still readable; writes work again once enough managers are back (or after
 * a force-new-cluster recovery).
 */
public final class NoQuorumException extends ProposalFailedException {
    private final int quorum;
    private final int voters;

    public NoQuorumException(int quorum, int voters, Throwable cause) {
        super("the cluster has no leader: too few managers are reachable (" + quorum + " of " + voters
                + " voters needed)", cause);
        this.quorum = quorum;
        this.voters = voters;
    }

    /** Voters that must be reachable for a leader (a majority). */
    public int quorum() {
        return quorum;
    }

    public int voters() {
        return voters;
    }
}
