package io.orch.agent.manager;

import io.orch.agent.pki.ClusterCa;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeCsr;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.NodeTlsInfo;
import io.orch.agent.pki.RootCa;
import io.orch.agent.pki.RootRotations;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leader's loop ends a root rotation only once every node that is not down reports a certificate of the new key. */
class RootRotationLoopTest {
    private ClusterStore store;
    private final RootCa old = RootCa.create("cluster1");

    @BeforeEach
    void store() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void close() throws Exception {
        store.proposer().close();
    }

    private Cluster cluster() {
        return store.read(r -> r.cluster()).orElseThrow();
    }

    private static Node node(String id, NodeCredentials credentials, NodeStatus.State state) {
        return Node.newBuilder().setId(id).setStatus(NodeStatus.newBuilder().setState(state))
                .setDescription(NodeDescription.newBuilder().setTlsInfo(NodeTlsInfo.of(credentials))).build();
    }

    @Test
    void theRotationEndsOnceEveryNodeUpHoldsACertificateOfTheNewKeyAndNotBefore() throws Exception {
        NodeCredentials oldCert = NodeCredentials.selfIssued(old, "n", NodeRole.WORKER, List.of());
        Cluster rotating = RootRotations.start(Cluster.newBuilder().setId("cluster1").setRootCa(old.toProto()).build(), 1,
                Clock.systemUTC());
        NodeCsr csr = NodeCredentials.generateCsr();
        ClusterCa ca = ClusterCa.of(rotating);
        NodeCredentials newCert = csr.complete(ca.issue(csr.csrDer(), "n", NodeRole.WORKER, List.of(), Duration.ofDays(1)),
                ca.trustedRootsPem());
        store.updateAndWait(tx -> {
            tx.create(rotating);
            tx.create(node("m1", newCert, NodeStatus.State.READY));
            tx.create(node("w1", oldCert, NodeStatus.State.READY));
            tx.create(node("w2", oldCert, NodeStatus.State.DOWN));
        });
        RootRotationLoop loop = new RootRotationLoop(store);

        loop.runOnce(List.of(), Instant.now());
        assertTrue(cluster().hasRootRotation(), "w1 still holds a certificate of the old root");

        store.updateAndWait(tx -> tx.update(node("w1", newCert, NodeStatus.State.READY)));
        loop.runOnce(List.of(), Instant.now());
        Cluster finished = cluster();
        assertFalse(finished.hasRootRotation(), "w2 is down: it does not hold the rotation up");
        assertEquals(rotating.getRootRotation().getCaCertPem(), finished.getRootCa().getCaCertPem());
        assertEquals(rotating.getJoinTokens(), finished.getJoinTokens());

        loop.runOnce(List.of(), Instant.now());
        assertEquals(finished, cluster(), "nothing more to do");
    }
}
