package io.orch.agent.manager;

import io.orch.agent.cluster.MemberHealth;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The loop on a real store (local proposer) with gossip faked at the MembershipView seam, driven
 * pass by pass through {@code runOnce} on a clock the test moves: no thread, no waiting.
 */
class NodeHealthLoopTest {
    private static final Duration GRACE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeMembership gossip = new FakeMembership();
    private ClusterStore store;
    private NodeHealthLoop loop;
    private Subscription events;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), clock);
        store.start();
        for (String id : new String[] {"self", "n1", "n2", "n3"}) {
            store.updateAndWait(tx -> tx.create(Node.newBuilder().setId(id)
                    .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER))
                    .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr("10.0.0.1:4242")).build()));
        }
        for (String id : new String[] {"self", "n1", "n2", "n3"}) {
            gossip.set(id, MemberHealth.ALIVE);
        }
        loop = new NodeHealthLoop(store, gossip, "self", GRACE);
        events = store.watch(loop.interest());
        loop.begin(clock.instant());
        pass(); // the first pass: everything is as gossip says, nothing to write
    }

    @AfterEach
    void stop() throws Exception {
        events.close();
        store.proposer().close();
    }

    /** One pass of the loop with the store events since the last one, as the driver would run it. */
    private void pass() throws Exception {
        loop.runOnce(events.pollAll(Duration.ZERO), clock.instant());
    }

    private long bigNodesDown() {
        return store.read(r -> r.nodes().stream()
                .filter(n -> n.getId().startsWith("big") && n.getStatus().getState() == NodeStatus.State.DOWN).count());
    }

    private NodeStatus status(String id) {
        return store.read(r -> r.node(id)).orElseThrow().getStatus();
    }

    @Test
    void aLargeClusterCutOffAtOnceGoesDownOverSeveralTransactions() throws Exception {
        // 300 nodes of about 20 KB: about 6 MB of node updates, more than one transaction carries
        for (int first = 0; first < 300; first += 50) {
            int from = first;
            store.updateAndWait(tx -> {
                for (int i = from; i < from + 50; i++) {
                    tx.create(Node.newBuilder().setId("big" + i)
                            .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).putLabels("blob", "x".repeat(20_000)))
                            .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build());
                }
            });
        }
        for (int i = 0; i < 300; i++) {
            gossip.set("big" + i, MemberHealth.ALIVE);
        }
        pass();
        for (int i = 0; i < 300; i++) {
            gossip.set("big" + i, MemberHealth.DEAD);
        }

        for (int passes = 0; passes < 10 && bigNodesDown() < 300; passes++) {
            pass();
        }

        assertEquals(300, bigNodesDown());
    }

    @Test
    void aDeadNodeGoesDownAndComesBackReadyWhenGossipSeesItAgain() throws Exception {
        gossip.set("n1", MemberHealth.DEAD);
        pass();
        assertEquals(NodeStatus.State.DOWN, status("n1").getState());
        assertEquals(NodeHealthLoop.DOWN_MESSAGE, status("n1").getMessage());
        assertEquals(NodeStatus.State.READY, status("n2").getState(), "the others are untouched");

        gossip.set("n1", MemberHealth.ALIVE, "10.0.0.7:4242");
        pass();
        assertEquals(NodeStatus.State.READY, status("n1").getState());
        assertEquals("10.0.0.7:4242", status("n1").getAddr());
        assertEquals("", status("n1").getMessage());
    }

    @Test
    void aNodeThatLeftGoesDownSayingSo() throws Exception {
        gossip.set("n2", MemberHealth.LEFT);
        pass();
        assertEquals(NodeStatus.State.DOWN, status("n2").getState());
        assertEquals(NodeHealthLoop.LEFT_MESSAGE, status("n2").getMessage());
    }

    @Test
    void aSuspectNodeIsLeftAloneWhileTheSuspicionRuns() throws Exception {
        gossip.set("n1", MemberHealth.SUSPECT);
        gossip.set("n2", MemberHealth.DEAD); // the same pass sees both
        pass();
        assertEquals(NodeStatus.State.DOWN, status("n2").getState());
        assertEquals(NodeStatus.State.READY, status("n1").getState());
    }

    @Test
    void thisNodeIsNeverMarkedDown() throws Exception {
        gossip.set("self", MemberHealth.DEAD);
        gossip.set("n3", MemberHealth.DEAD);
        pass();
        assertEquals(NodeStatus.State.DOWN, status("n3").getState());
        assertEquals(NodeStatus.State.READY, status("self").getState());
    }

    @Test
    void aLeaderMarkedDownByAnEarlierLeaderMarksItselfReadyAgain() throws Exception {
        store.updateAndWait(tx -> {
            Node self = tx.read().node("self").orElseThrow();
            tx.update(self.toBuilder().setStatus(self.getStatus().toBuilder()
                    .setState(NodeStatus.State.DOWN).setMessage(NodeHealthLoop.DOWN_MESSAGE)).build());
        });
        pass();
        assertEquals(NodeStatus.State.READY, status("self").getState());
        assertEquals("", status("self").getMessage());
    }

    @Test
    void aNodeGossipDoesNotKnowGoesDownOnlyAfterTheGrace() throws Exception {
        gossip.forget("n3");
        gossip.set("n1", MemberHealth.DEAD);
        pass();
        assertEquals(NodeStatus.State.DOWN, status("n1").getState());
        assertEquals(NodeStatus.State.READY, status("n3").getState(), "within the grace a new leader's gossip may not know it yet");

        clock.advance(GRACE.plusSeconds(1));
        pass(); // no event: the periodic full pass notices the grace is over
        assertEquals(NodeStatus.State.DOWN, status("n3").getState());
        assertEquals(NodeHealthLoop.DOWN_MESSAGE, status("n3").getMessage());
    }

    @Test
    void passesWithNothingToChangeWriteNothing() throws Exception {
        long before = store.read(r -> r.version());
        long after;
        clock.advance(NodeHealthLoop.FULL_PASS); // a full pass is due as well
        gossip.set("n2", MemberHealth.DEAD);
        pass();
        pass(); // the loop's own write comes back as an event: compared again, nothing to write
        clock.advance(NodeHealthLoop.FULL_PASS);
        pass(); // and a periodic full pass
        assertEquals(NodeStatus.State.DOWN, status("n2").getState());
        after = store.read(r -> r.version());
        assertEquals(before + 1, after, "one write since the loop started: n2 down, nothing else");
        Node down = store.read(r -> r.node("n2")).orElseThrow();
        assertNull(loop.judge(down, gossip.members().get("n2"), true), "already down: nothing to write");
    }

    @Test
    void aRestartingNodeIsUnknownKeepsItsPlaceAndIsReadyWhenBackOrDownWhenItsGraceRunsOut() throws Exception {
        gossip.set("n1", MemberHealth.RESTARTING);
        gossip.set("n2", MemberHealth.RESTARTING);
        pass();
        assertEquals(NodeStatus.State.UNKNOWN, status("n1").getState());
        assertEquals(NodeStatus.State.UNKNOWN, status("n2").getState());
        assertEquals(NodeHealthLoop.RESTARTING_MESSAGE, status("n1").getMessage());

        gossip.set("n1", MemberHealth.ALIVE); // back within its grace
        gossip.set("n2", MemberHealth.LEFT); // gossip's word once the grace ran out
        pass();
        assertEquals(NodeStatus.State.READY, status("n1").getState());
        assertEquals(NodeStatus.State.DOWN, status("n2").getState());
        assertEquals(NodeHealthLoop.LEFT_MESSAGE, status("n2").getMessage());
    }
}
