package io.orch.agent.worker;

import io.orch.agent.loop.LoopEvents;
import io.orch.raft.store.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The worker's events for its {@link io.orch.agent.loop.LoopDriver}: a change of its
 * {@link WorkerView}, or a wake-up the worker gives itself ({@link #wake()}: a task exited). A
 * view says only "something changed", so a poll returns an empty list (each worker pass is a
 * full one) as soon as a change came since the last poll, or when the wait runs out. Store events
 * of interest do not apply to a view.
 */
public final class WorkerViewEvents implements LoopEvents.Source {
    private static final Logger log = LoggerFactory.getLogger(WorkerViewEvents.class);

    private final WorkerView view;
    private boolean changed; // guarded by this

    public WorkerViewEvents(WorkerView view) {
        this.view = view;
    }

    /** Makes the pending (or the next) poll return at once. */
    public synchronized void wake() {
        changed = true;
        notifyAll();
    }

    private synchronized List<StoreEvent> poll(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long left;
        while (!changed && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        changed = false;
        return List.of();
    }

    @Override
    public LoopEvents open(Predicate<StoreEvent> interest) {
        AutoCloseable subscription = view.subscribe(this::wake);
        return new LoopEvents() {
            @Override
            public List<StoreEvent> poll(Duration wait) throws InterruptedException {
                return WorkerViewEvents.this.poll(wait);
            }

            @Override
            public void close() {
                try {
                    subscription.close();
                } catch (Exception e) {
                    log.debug("closing the worker's view subscription: {}", e.toString());
                }
            }
        };
    }
}
