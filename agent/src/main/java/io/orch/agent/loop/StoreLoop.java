package io.orch.agent.loop;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * One manager loop (swarmkit's "one store, many loops"): watch the store, collect what changed,
 * reconcile, write a batch. Subclasses never call each other; they talk through the store.
 * A reconcile that fails (a version conflict, no quorum) is simply retried on the next turn.
 */
public abstract class StoreLoop implements AutoCloseable {
    private static final Duration IDLE_WAKE = Duration.ofSeconds(1);

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final ClusterStore store;
    protected final Clock clock;
    private final String name;
    private final Timer reconcileTimer;
    private volatile boolean running;
    private Thread thread;

    protected StoreLoop(String name, ClusterStore store, Clock clock, MeterRegistry metrics) {
        this.name = name;
        this.store = store;
        this.clock = clock;
        this.reconcileTimer = Timer.builder("orch.reconcile").tag("loop", name)
                .description("duration of one reconcile pass of a control loop").register(metrics);
    }

    /** Which store events wake this loop. */
    protected abstract Predicate<StoreEvent> interest();

    /** Called once with the subscription in place: mark everything for a first full pass. */
    protected abstract void markAll();

    /** Records what an event makes dirty. */
    protected abstract void mark(StoreEvent event);

    /** Reconciles what is dirty; returns when it wants to run again even without events (or null). */
    protected abstract Instant reconcile() throws Exception;

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "orch-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (Subscription events = store.viewAndWatch(r -> null, interest()).subscription()) {
            markAll();
            Instant wake = null;
            while (running) {
                Duration wait = IDLE_WAKE;
                if (wake != null) {
                    Duration untilWake = Duration.between(clock.instant(), wake);
                    wait = untilWake.isNegative() ? Duration.ZERO : (untilWake.compareTo(IDLE_WAKE) < 0 ? untilWake : IDLE_WAKE);
                }
                List<StoreEvent> batch = events.pollAll(wait.isZero() ? Duration.ofMillis(1) : wait);
                batch.forEach(this::mark);
                if (batch.isEmpty()) {
                    markAll(); // periodic full pass: heals anything a failed write left behind
                }
                try {
                    long start = System.nanoTime();
                    wake = reconcile();
                    reconcileTimer.record(Duration.ofNanos(System.nanoTime() - start));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    log.debug("{} pass failed, retrying: {}", name, e.getMessage());
                    markAll();
                    wake = clock.instant().plusMillis(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} loop stopped unexpectedly", name, e);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
