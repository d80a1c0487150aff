package io.orch.raft.store;

import io.orch.api.proto.StoreCommand;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.Proposer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaCatchUpTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** A follower's view of a group: the leader commits at once, this replica applies only when told. */
    static final class LaggingFollower implements Proposer {
        final List<StoreCommand> committedNotApplied = new CopyOnWriteArrayList<>();
        volatile CommandApplier applier;
        volatile boolean running = true;
        private long index = 40; // the group's log is ahead of this empty replica

        @Override public void start(CommandApplier applier) { this.applier = applier; }
        @Override public synchronized CompletableFuture<ApplyResult> propose(StoreCommand c) {
            committedNotApplied.add(c);
            return CompletableFuture.completedFuture(ApplyResult.ok(++index));
        }
        void applyEverythingCommitted() {
            long first = index - committedNotApplied.size() + 1;
            for (int i = 0; i < committedNotApplied.size(); i++) {
                applier.apply(first + i, committedNotApplied.get(i));
            }
        }
        @Override public boolean isRunning() { return running; }
        @Override public boolean isLeader() { return false; }
        @Override public void onLeadershipChange(Consumer<Boolean> listener) { }
        @Override public void close() { running = false; }
    }

    @Test
    void aReplicaIsCaughtUpOnlyOnceItHasAppliedTheBarrierItProposed() throws Exception {
        LaggingFollower follower = new LaggingFollower();
        ClusterStore store = new ClusterStore(follower, Clock.systemUTC());
        store.start();
        await("the barrier is committed").atMost(DEADLINE).until(() -> !follower.committedNotApplied.isEmpty());
        assertFalse(store.isCaughtUp(), "committed by the group but not applied here: still behind");

        follower.applyEverythingCommitted();
        await("caught up").atMost(DEADLINE).until(store::isCaughtUp);
        assertEquals(41L, store.caughtUp().get());
        assertTrue(follower.committedNotApplied.get(0).getActionsList().isEmpty(), "the barrier changes nothing");
        follower.close();
    }

    @Test
    void aLoneReplicaIsAlwaysCaughtUp() throws Exception {
        ClusterStore store = new ClusterStore(new io.orch.raft.LocalProposer(), Clock.systemUTC());
        store.start();
        assertTrue(store.isCaughtUp());
    }
}
