package io.orch.agent.manager;

import io.orch.agent.pki.LiveRevocations;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RevocationEdits;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreRevocationFeedTest {
    @Test
    void theNodeEnforcesWhatItsReplicaHoldsFromStartAndAfterEveryChange() throws Exception {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        Instant now = Instant.now();
        store.updateAndWait(tx -> tx.create(RevocationEdits.nodeRemoved(Cluster.newBuilder().setId("c1").build(),
                Node.newBuilder().setId("w1").build(), now)));
        LiveRevocations live = new LiveRevocations(Clock.systemUTC());
        try (StoreRevocationFeed feed = new StoreRevocationFeed(store, live, id -> true)) {
            assertTrue(live.current().removed("w1", live.now()), "the list as it is when the feed starts");
            store.updateAndWait(tx -> tx.update(RevocationEdits.managerDemoted(tx.read().cluster().orElseThrow(),
                    Node.newBuilder().setId("m2").build(), now)));
            await().atMost(Duration.ofSeconds(1)).until(() -> live.current().refusal("m2", NodeRole.MANAGER, live.now()).isPresent());
            store.updateAndWait(tx -> tx.update(RevocationEdits.managerPromoted(tx.read().cluster().orElseThrow(), "m2", now)));
            await().atMost(Duration.ofSeconds(1)).until(() -> live.current().refusal("m2", NodeRole.MANAGER, live.now()).isEmpty());
        }
    }
}
