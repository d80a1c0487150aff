package io.orch.raft.ratis;

/**
 * A proposal refused at once because this manager's Raft storage cannot take writes: its disk is
 * (nearly) full or writing its log failed. Not a cluster-wide condition: other managers may still
 * take writes. The replica recovers by itself once the disk has space again.
 */
public final class StorageUnavailableException extends ProposalFailedException {
    public StorageUnavailableException(String problem) {
        super("this manager's raft storage is unhealthy (" + problem + "); writes are refused until it recovers", null);
    }
}
