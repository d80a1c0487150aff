package io.orch.raft.ratis;

import io.orch.api.proto.Node;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreSnapshot;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny deterministic state machine for tests: each command carries a number (in
 * proposed_at_millis); applying records it with its log index. Negative numbers are rejected.
 * The snapshot keeps the numbers as the runtimes of one Node, the last index as the version.
 */
final class SummingApplier implements CommandApplier {
    private final List<Long> values = new ArrayList<>();
    private final List<Long> indexes = new ArrayList<>();
    private long lastIndex;
    private int restores;
    private long restoredVersion = -1;
    private final long poison;

    SummingApplier() {
        this(Long.MIN_VALUE);
    }

    /** An applier with a bug: applying {@code poison} throws (to test fail-stop). */
    SummingApplier(long poison) {
        this.poison = poison;
    }

    static StoreCommand command(long value) {
        return StoreCommand.newBuilder().setProposedAtMillis(value).build();
    }

    @Override
    public synchronized ApplyResult apply(long index, StoreCommand command) {
        if (index <= lastIndex) {
            throw new IllegalStateException("index " + index + " applied after " + lastIndex);
        }
        long value = command.getProposedAtMillis();
        if (value == poison) {
            throw new IllegalStateException("poisoned value " + value + " at index " + index);
        }
        lastIndex = index;
        if (value < 0) {
            return ApplyResult.rejected(index, "negative value " + value);
        }
        values.add(value);
        indexes.add(index);
        return ApplyResult.ok(index);
    }

    @Override
    public synchronized StoreSnapshot snapshot() {
        Node.Builder node = Node.newBuilder().setId("summing");
        for (int i = 0; i < values.size(); i++) {
            node.addRuntimes(values.get(i) + "@" + indexes.get(i));
        }
        return StoreSnapshot.newBuilder().setVersion(lastIndex).addNodes(node).build();
    }

    @Override
    public synchronized void restore(StoreSnapshot snapshot) {
        values.clear();
        indexes.clear();
        for (String entry : snapshot.getNodes(0).getRuntimesList()) {
            String[] parts = entry.split("@");
            values.add(Long.parseLong(parts[0]));
            indexes.add(Long.parseLong(parts[1]));
        }
        lastIndex = snapshot.getVersion();
        restores++;
        restoredVersion = snapshot.getVersion();
    }

    @Override
    public synchronized long lastAppliedIndex() {
        return lastIndex;
    }

    synchronized List<Long> values() {
        return List.copyOf(values);
    }

    synchronized List<Long> indexes() {
        return List.copyOf(indexes);
    }

    synchronized long sum() {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    synchronized int restores() {
        return restores;
    }

    synchronized long restoredVersion() {
        return restoredVersion;
    }
}
