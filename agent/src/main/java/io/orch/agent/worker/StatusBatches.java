package io.orch.agent.worker;

import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.raft.store.WriteTx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Task statuses written in transactions that each stay within the store's entry budget
 * ({@link WriteTx#full()}): a node reporting thousands of tasks at once (an agent restarted with
 * every task lost) must not make one entry the store refuses as too large, and then send it
 * again for ever. Error texts are clipped, so no status can make its task too large an object.
 */
public final class StatusBatches {
    /** A task's error or message in the store at most this long (Docker's are a line). */
    static final int TEXT_MAX_CHARS = 4096;

    private StatusBatches() {}

    /** Writes every status, in as many transactions as the budget needs; completes when all are committed. */
    public static CompletableFuture<Void> write(ClusterStore store, Map<String, TaskStatus> statuses) {
        return next(store, new LinkedHashMap<>(statuses));
    }

    private static CompletableFuture<Void> next(ClusterStore store, Map<String, TaskStatus> remaining) {
        if (remaining.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> written = new ArrayList<>();
        return store.update(tx -> fill(tx, remaining, written)).thenCompose(result -> {
            if (!result.ok()) {
                return CompletableFuture.failedFuture(new IllegalStateException("status batch rejected: " + result.error()));
            }
            written.forEach(remaining::remove);
            return next(store, remaining);
        });
    }

    /** {@link #write} that waits up to {@code timeout} for each transaction. */
    public static void writeAndWait(ClusterStore store, Map<String, TaskStatus> statuses, Duration timeout) throws StoreException {
        Map<String, TaskStatus> remaining = new LinkedHashMap<>(statuses);
        while (!remaining.isEmpty()) {
            List<String> written = new ArrayList<>();
            store.updateAndWait(tx -> fill(tx, remaining, written), timeout);
            written.forEach(remaining::remove);
        }
    }

    /** As many statuses as fit in one entry, at least one; the ids written go to {@code written}. */
    private static void fill(WriteTx tx, Map<String, TaskStatus> remaining, List<String> written) throws StoreException {
        written.clear();
        for (Map.Entry<String, TaskStatus> e : remaining.entrySet()) {
            if (!written.isEmpty() && tx.full()) {
                return;
            }
            tx.updateTaskStatus(e.getKey(), clipped(e.getValue()));
            written.add(e.getKey());
        }
    }

    static TaskStatus clipped(TaskStatus s) {
        if (s.getErr().length() <= TEXT_MAX_CHARS && s.getMessage().length() <= TEXT_MAX_CHARS) {
            return s;
        }
        return s.toBuilder().setErr(clip(s.getErr())).setMessage(clip(s.getMessage())).build();
    }

    private static String clip(String text) {
        return text.length() <= TEXT_MAX_CHARS ? text : text.substring(0, TEXT_MAX_CHARS - 1) + "…";
    }
}
