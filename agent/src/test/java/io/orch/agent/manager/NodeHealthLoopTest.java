package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.cluster.MemberHealth;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The loop on a real store (local proposer) with gossip faked at the MembershipView seam. */
class NodeHealthLoopTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeMembership gossip = new FakeMembership();
    private ClusterStore store;
    private NodeHealthLoop loop;

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
        loop = new NodeHealthLoop(store, gossip, "self", GRACE, clock, new SimpleMeterRegistry());
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        loop.close();
        store.proposer().close();
    }

    private NodeStatus status(String id) {
        return store.read(r -> r.node(id)).orElseThrow().getStatus();
    }

    @Test
    void aDeadNodeGoesDownAndComesBackReadyWhenGossipSeesItAgain() {
        gossip.set("n1", MemberHealth.DEAD);
        await().atMost(DEADLINE).until(() -> status("n1").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeHealthLoop.DOWN_MESSAGE, status("n1").getMessage());
        assertEquals(NodeStatus.State.READY, status("n2").getState(), "the others are untouched");

        gossip.set("n1", MemberHealth.ALIVE, "10.0.0.7:4242");
        await().atMost(DEADLINE).until(() -> status("n1").getState() == NodeStatus.State.READY);
        assertEquals("10.0.0.7:4242", status("n1").getAddr());
        assertEquals("", status("n1").getMessage());
    }

    @Test
    void aNodeThatLeftGoesDownSayingSo() {
        gossip.set("n2", MemberHealth.LEFT);
        await().atMost(DEADLINE).until(() -> status("n2").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeHealthLoop.LEFT_MESSAGE, status("n2").getMessage());
    }

    @Test
    void aSuspectNodeIsLeftAloneWhileTheSuspicionRuns() {
        gossip.set("n1", MemberHealth.SUSPECT);
        gossip.set("n2", MemberHealth.DEAD); // a later change, so the loop has certainly seen the first
        await().atMost(DEADLINE).until(() -> status("n2").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeStatus.State.READY, status("n1").getState());
    }

    @Test
    void thisNodeIsNeverMarkedDown() {
        gossip.set("self", MemberHealth.DEAD);
        gossip.set("n3", MemberHealth.DEAD);
        await().atMost(DEADLINE).until(() -> status("n3").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeStatus.State.READY, status("self").getState());
    }

    @Test
    void aLeaderMarkedDownByAnEarlierLeaderMarksItselfReadyAgain() throws Exception {
        store.updateAndWait(tx -> {
            Node self = tx.read().node("self").orElseThrow();
            tx.update(self.toBuilder().setStatus(self.getStatus().toBuilder()
                    .setState(NodeStatus.State.DOWN).setMessage(NodeHealthLoop.DOWN_MESSAGE)).build());
        });
        await().atMost(DEADLINE).until(() -> status("self").getState() == NodeStatus.State.READY);
        assertEquals("", status("self").getMessage());
    }

    @Test
    void aNodeGossipDoesNotKnowGoesDownOnlyAfterTheGrace() {
        gossip.forget("n3");
        gossip.set("n1", MemberHealth.DEAD);
        await().atMost(DEADLINE).until(() -> status("n1").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeStatus.State.READY, status("n3").getState(), "within the grace a new leader's gossip may not know it yet");

        clock.advance(GRACE.plusSeconds(1));
        await().atMost(DEADLINE).until(() -> status("n3").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeHealthLoop.DOWN_MESSAGE, status("n3").getMessage());
    }

    @Test
    void passesWithNothingToChangeWriteNothing() throws Exception {
        long before = store.read(r -> r.version());
        long after;
        clock.advance(NodeHealthLoop.FULL_PASS); // a full pass is due as well
        gossip.set("n2", MemberHealth.DEAD);
        await().atMost(DEADLINE).until(() -> status("n2").getState() == NodeStatus.State.DOWN);
        after = store.read(r -> r.version());
        assertEquals(before + 1, after, "one write since the loop started: n2 down, nothing else");
        Node down = store.read(r -> r.node("n2")).orElseThrow();
        assertNull(loop.judge(down, gossip.members().get("n2"), true), "already down: nothing to write");
    }

    @Test
    void aRestartingNodeIsUnknownKeepsItsPlaceAndIsReadyWhenBackOrDownWhenItsGraceRunsOut() {
        gossip.set("n1", MemberHealth.RESTARTING);
        gossip.set("n2", MemberHealth.RESTARTING);
        await().atMost(DEADLINE).until(() -> status("n1").getState() == NodeStatus.State.UNKNOWN
                && status("n2").getState() == NodeStatus.State.UNKNOWN);
        assertEquals(NodeHealthLoop.RESTARTING_MESSAGE, status("n1").getMessage());

        gossip.set("n1", MemberHealth.ALIVE); // back within its grace
        gossip.set("n2", MemberHealth.LEFT); // gossip's word once the grace ran out
        await().atMost(DEADLINE).until(() -> status("n1").getState() == NodeStatus.State.READY
                && status("n2").getState() == NodeStatus.State.DOWN);
        assertEquals(NodeHealthLoop.LEFT_MESSAGE, status("n2").getMessage());
    }
}
