package io.orch.agent.manager;

import io.orch.agent.loop.LoopDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's role loop on a real store (local proposer) with the Raft group faked at its
 * {@link RoleLoop.Voters} seam. A leader change is the old leader's loop closed and the new
 * leader's one started on the same store (each manager holds a replica).
 */
class RoleLoopTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeVoters raft = new FakeVoters();
    private ClusterStore store;
    private LoopDriver loop;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), clock);
        store.start();
        for (String id : List.of("m1", "m2", "m3")) {
            store.updateAndWait(tx -> tx.create(node(id, NodeSpec.Role.MANAGER)));
            raft.ids.add(id);
            raft.up.add(id);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        store.proposer().close();
    }

    private static Node node(String id, NodeSpec.Role role) {
        return Node.newBuilder().setId(id).setSpec(NodeSpec.newBuilder().setRole(role))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build();
    }

    private void setRole(String id, NodeSpec.Role role) throws Exception {
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setRole(role)).build());
        });
    }

    /** The loop of the leader {@code self}, as {@link io.orch.agent.ManagerNode} starts it on leadership. */
    private void lead(String self) {
        if (loop != null) {
            loop.close();
        }
        raft.self = self;
        loop = new LoopDriver(new RoleLoop(store, raft), store, clock, new SimpleMeterRegistry());
        loop.start();
    }

    @Test
    void aDemotedManagerIsRemovedFromTheRaftGroup() throws Exception {
        lead("m1");
        setRole("m2", NodeSpec.Role.WORKER);
        await().atMost(DEADLINE).until(() -> !raft.ids.contains("m2"));
        assertEquals(Set.of("m1", "m3"), Set.copyOf(raft.ids));
    }

    @Test
    void aDemotionThatWouldLoseTheQuorumWaitsAndTheNextLeaderCarriesItOut() throws Exception {
        lead("m1");
        raft.up.remove("m3"); // m1 and m3 left: one reachable of two is no quorum
        setRole("m2", NodeSpec.Role.WORKER);
        raft.awaitPasses();
        assertTrue(raft.ids.contains("m2"), "still a voter while its removal would lose the quorum");

        raft.up.add("m3");
        lead("m3"); // leadership moved; the demotion is still pending in the store
        await().atMost(DEADLINE).until(() -> !raft.ids.contains("m2"));
        assertEquals(Set.of("m1", "m3"), Set.copyOf(raft.ids));
    }

    @Test
    void aManagerPromotedBackBeforeItsRemovalStaysAVoter() throws Exception {
        lead("m1");
        raft.up.remove("m3");
        setRole("m2", NodeSpec.Role.WORKER);
        raft.awaitPasses();
        setRole("m2", NodeSpec.Role.MANAGER); // promoted again
        raft.up.add("m3");
        lead("m3");
        raft.awaitPasses();
        assertEquals(Set.of("m1", "m2", "m3"), Set.copyOf(raft.ids));
        assertEquals(0, raft.removals.get());
    }

    @Test
    void theLastVoterAndVotersWithoutANodeAreNeverRemoved() throws Exception {
        raft.ids.add("first-manager-not-registered-yet");
        raft.up.add("first-manager-not-registered-yet");
        lead("m1");
        setRole("m2", NodeSpec.Role.WORKER);
        setRole("m3", NodeSpec.Role.WORKER);
        await().atMost(DEADLINE).until(() -> !raft.ids.contains("m2") && !raft.ids.contains("m3"));
        setRole("m1", NodeSpec.Role.WORKER); // (the API refuses demoting the last manager; the loop is safe anyway)
        raft.ids.remove("first-manager-not-registered-yet");
        raft.awaitPasses();
        assertEquals(Set.of("m1"), Set.copyOf(raft.ids));
    }

    @Test
    void removalIsSafeOnlyWithAReachableMajorityOfTheVotersLeft() {
        Set<String> three = Set.of("a", "b", "c");
        assertTrue(RoleLoop.canRemove(three, "c", id -> true));
        assertTrue(RoleLoop.canRemove(three, "c", id -> !id.equals("c")), "the one removed may be down");
        assertFalse(RoleLoop.canRemove(three, "c", id -> id.equals("a")), "a and b left, b down: no quorum");
        assertTrue(RoleLoop.canRemove(Set.of("a", "b", "c", "d"), "d", id -> !id.equals("c")), "2 of 3 left");
        assertFalse(RoleLoop.canRemove(Set.of("a"), "a", id -> true), "never the last voter");
        assertTrue(RoleLoop.canRemove(Set.of("a"), "z", id -> false), "not a voter: nothing to keep");
    }

    /** The Raft group: voters, who answers, and counts of what the loop asked. */
    private static final class FakeVoters implements RoleLoop.Voters {
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final Set<String> up = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger removals = new java.util.concurrent.atomic.AtomicInteger();
        /** Reads of the voters: each pass makes one, and one more per demoted voter it considers. */
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        volatile String self;

        @Override
        public Set<String> ids() {
            reads.incrementAndGet();
            return Set.copyOf(ids);
        }

        /** Waits until the loop has made at least two more passes (so one began and ended after the last change). */
        void awaitPasses() {
            reads.set(0);
            await().atMost(DEADLINE).until(() -> reads.get() >= 4);
        }

        @Override
        public boolean reachable(String nodeId) {
            return nodeId.equals(self) || up.contains(nodeId);
        }

        @Override
        public void remove(String nodeId) {
            removals.incrementAndGet();
            ids.remove(nodeId);
        }
    }
}
