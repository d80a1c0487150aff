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
import java.util.List;

/**
 * On every manager: keeps the node's {@link LiveRevocations} equal to its store replica's
 * {@code Cluster.revoked}, from the moment the entry is applied here. While a demoted manager's
 * entry is on the list, it also judges the established connections again every
 * {@link #VOTER_RECHECK}: the Raft transport refuses that manager only once the leader has taken
 * it out of the Raft group, which is no store change.
 */
public final class StoreRevocationFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreRevocationFeed.class);
    /** How soon the Raft transport drops a demoted manager after it stops being a voter. */
    static final Duration VOTER_RECHECK = Duration.ofMillis(200);

    private final ClusterStore store;
    private final LiveRevocations revocations;
    private final Subscription events;
    private final Thread thread;
    private volatile boolean closed;

    public StoreRevocationFeed(ClusterStore store, LiveRevocations revocations) {
        this.store = store;
        this.revocations = revocations;
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
                } else if (demotionPending()) {
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

    private boolean demotionPending() {
        return revocations.current().entries().stream().anyMatch(e -> e.getScope() == RevokedIdentity.Scope.MANAGER);
    }

    @Override
    public void close() {
        closed = true;
        events.close();
        thread.interrupt();
    }
}
