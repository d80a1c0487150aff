package io.orch.raft.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Futures that complete once this replica has applied a given log index. */
final class AppliedIndexWaiters {
    // guarded by this (await, applied); the futures are completed outside it
    private final NavigableMap<Long, List<CompletableFuture<Long>>> waiting = new TreeMap<>();
    private long applied = Long.MIN_VALUE;

    /** Completes (with the index applied then) as soon as the replica has applied {@code index}. */
    synchronized CompletableFuture<Long> await(long index) {
        if (applied >= index) {
            return CompletableFuture.completedFuture(applied);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(f);
        return f;
    }

    /** The replica has applied everything up to {@code index} (an entry, or a snapshot it installed). */
    void applied(long index) {
        List<CompletableFuture<Long>> due = new ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, index);
            NavigableMap<Long, List<CompletableFuture<Long>>> reached = waiting.headMap(applied, true);
            for (Map.Entry<Long, List<CompletableFuture<Long>>> e : reached.entrySet()) {
                due.addAll(e.getValue());
            }
            reached.clear();
        }
        long now = index;
        due.forEach(f -> f.complete(now)); // outside the lock: callbacks may read the store
    }
}
