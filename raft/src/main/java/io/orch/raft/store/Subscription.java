package io.orch.raft.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A watcher's queue of store events, in log order. The applying thread only enqueues, so a slow
 * watcher never stalls replication; each loop drains its own queue at its own pace.
 */
public final class Subscription implements AutoCloseable {
    private final LinkedBlockingQueue<StoreEvent> queue = new LinkedBlockingQueue<>();
    private final Predicate<StoreEvent> filter;
    private final Runnable onClose;
    private volatile boolean closed;

    Subscription(Predicate<StoreEvent> filter, Runnable onClose) {
        this.filter = filter;
        this.onClose = onClose;
    }

    void offer(StoreEvent event) {
        if (!closed && filter.test(event)) {
            queue.add(event);
        }
    }

    /** Waits up to {@code timeout} for the next event; null if none came. */
    public StoreEvent poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits up to {@code timeout} for at least one event, then takes every queued event. */
    public List<StoreEvent> pollAll(Duration timeout) throws InterruptedException {
        List<StoreEvent> out = new ArrayList<>();
        StoreEvent first = poll(timeout);
        if (first != null) {
            out.add(first);
            queue.drainTo(out);
        }
        return out;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
