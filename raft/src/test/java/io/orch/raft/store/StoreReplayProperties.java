package io.orch.raft.store;

import io.orch.api.proto.StoreCommand;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.LocalProposer;
import io.orch.raft.Proposer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replicas stay identical: replaying the same log (with rejected transactions in it) into a
 * fresh store, or restoring a snapshot taken half-way and replaying the rest, gives the same
 * state as the original.
 */
class StoreReplayProperties {

    /** Records every command the store proposes, then applies it like a one-node log would. */
    static final class RecordingProposer implements Proposer {
        final List<StoreCommand> log = new ArrayList<>();
        final LocalProposer delegate = new LocalProposer();

        @Override public void start(CommandApplier applier) { delegate.start(applier); }
        @Override public boolean alwaysCaughtUp() { return delegate.alwaysCaughtUp(); }
        @Override public CompletableFuture<ApplyResult> propose(StoreCommand c) { log.add(c); return delegate.propose(c); }
        @Override public boolean isLeader() { return true; }
        @Override public void onLeadershipChange(Consumer<Boolean> l) { }
        @Override public void close() { }
    }

    @Property(tries = 50)
    void replayAndSnapshotGiveTheSameState(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int steps) throws Exception {
        RecordingProposer proposer = new RecordingProposer();
        ClusterStore original = new ClusterStore(proposer, Clock.systemUTC());
        original.start();
        Random random = new Random(seed);
        var half = original.snapshot();
        for (int i = 0; i < steps; i++) {
            randomTransaction(original, random);
            if (i == steps / 2) {
                half = original.snapshot();
            }
        }
        ClusterStore replayed = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        for (int i = 0; i < proposer.log.size(); i++) {
            replayed.apply(i + 1, proposer.log.get(i));
        }
        assertEquals(original.snapshot(), replayed.snapshot());

        ClusterStore restored = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        restored.restore(half);
        for (int i = (int) half.getVersion(); i < proposer.log.size(); i++) {
            restored.apply(i + 1, proposer.log.get(i));
        }
        assertEquals(original.snapshot(), restored.snapshot());
    }

    private static void randomTransaction(ClusterStore store, Random random) {
        String name = "svc" + random.nextInt(5);
        String taskId = "t" + random.nextInt(10);
        switch (random.nextInt(5)) {
            case 0 -> store.update(tx -> tx.create(ClusterStoreTest.service(Ids.newId(), name, random.nextInt(4))));
            case 1 -> store.update(tx -> tx.read().serviceByName(name).ifPresent(s ->
                    tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setName("svc" + random.nextInt(5))).build())));
            case 2 -> store.update(tx -> tx.read().serviceByName(name).ifPresent(tx::delete));
            case 3 -> store.update(tx -> tx.create(ClusterStoreTest.task(taskId, "s" + random.nextInt(3), random.nextInt(3))));
            default -> store.update(tx -> tx.updateTaskStatus(taskId, io.orch.api.proto.TaskStatus.newBuilder()
                    .setStateValue(random.nextInt(15)).build()));
        }
    }
}
