package io.orch.gossip.sim;

import io.orch.gossip.time.Cancellable;
import io.orch.gossip.time.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Virtual time for the simulation: one queue of timed tasks shared by every simulated member and by
 * the network. Time jumps from task to task, so a minute of a 1,000-member cluster runs in seconds,
 * and ties are broken by submission order, so a run is a pure function of its seed.
 */
public final class VirtualScheduler implements Scheduler {

    private static final class Task implements Cancellable {
        final long at;
        final long order;
        Runnable body;

        Task(long at, long order, Runnable body) {
            this.at = at;
            this.order = order;
            this.body = body;
        }

        @Override
        public void cancel() {
            body = null;
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now;
    private long submitted;
    private long executed;

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + Math.max(0, delayMillis), submitted++, task);
        queue.add(t);
        return t;
    }

    /** Runs every task due up to {@code now + duration}, then sets the clock there. */
    public void runFor(Duration duration) {
        runUntil(now + duration.toMillis());
    }

    public void runUntil(long deadline) {
        while (!queue.isEmpty() && queue.peek().at <= deadline) {
            Task t = queue.poll();
            if (t.at < now) {
                throw new IllegalStateException("virtual time went backwards");
            }
            now = t.at;
            Runnable body = t.body;
            if (body != null) {
                executed++;
                body.run();
            }
        }
        now = Math.max(now, deadline);
    }

    /** Tasks run so far (for reporting simulation speed). */
    public long executed() {
        return executed;
    }
}
