package io.orch.agent.manager;

import io.orch.agent.pki.LiveRevocations;
import io.orch.agent.pki.RevocationList;
import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.RevokedIdentity;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * On every manager: keeps the node's {@link LiveRevocations} equal to its store replica's
 * {@code Cluster.revoked}, from the moment the entry is applied here. While a demoted manager on
 * the list is still a Raft voter, it looks every {@link #VOTER_RECHECK} whether it still is, and
 * judges the established connections again once it is not: the Raft transport refuses that
 * manager only once the leader has taken it out of the Raft group, which is no store change.
 */
public final class StoreRevocationFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreRevocationFeed.class);
    /** How soon the Raft transport drops a demoted manager after it stops being a voter. */
    static final Duration VOTER_RECHECK = Duration.ofMillis(200);

    private final ClusterStore store;
    private final LiveRevocations revocations;
    private final Subscription events;
    private final Predicate<String> isVoter;
    private final Thread thread;
    private volatile boolean closed;
    /** Demoted managers on the list that were still voters at the last look (this thread only). */
    private final Set<String> stillVoters = new HashSet<>();

    /** @param isVoter whether a node is a voter in this replica's current Raft configuration */
    public StoreRevocationFeed(ClusterStore store, LiveRevocations revocations, Predicate<String> isVoter) {
        this.store = store;
        this.revocations = revocations;
        this.isVoter = isVoter;
        // subscribe before the first read, so no change between the two is missed
        this.events = store.watch(e -> e.kind() == ObjectKind.CLUSTER);
        update();
        this.thread = DaemonThreads.start("orch-revocations", this::run);
    }

    private void run() {
        while (!closed) {
            try {
                List<?> batch = events.pollAll(VOTER_RECHECK);
                if (!batch.isEmpty()) {
                    update();
                }
                if (demotedVotersLeft()) {
                    revocations.recheckConnections();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("revocation list update failed: {}", e.toString());
            }
        }
    }

    private void update() {
        List<RevokedIdentity> entries = store.read(r -> r.cluster()).map(Cluster::getRevokedList).orElse(List.of());
        revocations.replace(RevocationList.of(entries));
    }

    /** Whether a demoted manager that was a voter at the last look is none now. */
    private boolean demotedVotersLeft() {
        Set<String> demoted = new HashSet<>();
        for (RevokedIdentity e : revocations.current().entries()) {
            if (e.getScope() == RevokedIdentity.Scope.MANAGER) {
                demoted.add(e.getNodeId());
            }
        }
        boolean left = false;
        stillVoters.retainAll(demoted);
        for (String id : demoted) {
            if (isVoter.test(id)) {
                stillVoters.add(id);
            } else if (stillVoters.remove(id)) {
                left = true;
            }
        }
        return left;
    }

    @Override
    public void close() {
        closed = true;
        events.close();
        thread.interrupt();
    }
}
