package io.orch.agent;

import io.orch.agent.api.ApiException;
import io.orch.agent.api.ApiServer;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.worker.Worker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The parts a node runs in one role: {@link ManagerNode} (a store replica, the loops while it
 * leads, the full API) or {@link WorkerNode} (a dispatcher session, the node API). The
 * {@link Agent} holds one and swaps it for the other on promote/demote, handing over what lives
 * across the switch (gossip, and the tasks, which the new role's worker re-attaches).
 */
interface RunningRole extends AutoCloseable {

    NodeRole role();

    /** Told, repeatedly until done, when the cluster wants this node in another role. */
    void onRoleWanted(Consumer<NodeRole> listener);

    /** Told when the cluster's root CAs change (a root rotation starts or ends), and once at start. */
    void onTrustRoots(Consumer<io.orch.api.proto.TrustRoots> listener);

    /** The managers to ask for this node's certificate in a new role, best first. */
    List<String> renewThrough();

    /** The cluster's node certificate lifetime (CAConfig.NodeCertExpiry) as this node knows it now. */
    Optional<Duration> clusterCertExpiry();

    /** This node's certificate was renewed: tell the managers (its description shows the new one). */
    void credentialsRenewed();

    /** Tasks an earlier agent process started that this role's worker re-attached to at start. */
    int reattached();

    /** Refuses `docker swarm leave` without --force where leaving would hurt the cluster. */
    void checkLeave(boolean force) throws ApiException;

    /** The API, gossip and worker, which a switch or a leave takes over from the role. */
    HandOverParts parts();

    /** Hands the API over (close() then leaves it open): it answers the `swarm leave` that stops the node. */
    default ApiServer releaseApi() {
        return parts().api.release();
    }

    /** Hands gossip over to the role that replaces this one (close() then leaves it running). */
    default Gossip releaseGossip() {
        return parts().gossip.release();
    }

    /** This node's task supervisor (closed with the role; {@link Worker#destroyAll} after that). */
    default Worker worker() {
        return parts().worker();
    }

    /** The manager parts, or null in a worker-only node. */
    default ManagerNode manager() {
        return null;
    }

    /** Stops the role's parts; tasks keep running for whichever worker comes next. */
    @Override
    void close();
}
