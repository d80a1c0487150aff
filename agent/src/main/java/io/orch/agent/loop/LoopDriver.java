package io.orch.agent.loop;

import io.orch.api.concurrent.Backoff;
import io.orch.api.concurrent.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs one {@link ControlLoop} on its own thread (kafka's {@code KafkaRaftClientDriver}): owns the
 * loop's events (a store subscription, or what a {@link LoopEvents.Source} gives), waits for events or the loop's next wake-up (at most {@link #IDLE_WAKE}, so
 * an idle loop still makes a periodic full pass), retries a failed pass (a version conflict, no
 * quorum, not the leader any more) with exponential backoff, and records each pass in the
 * {@code orch.reconcile} timer. {@link #start()} and {@link #close()} may be called again and
 * again (the manager starts its loops on becoming leader and stops them on losing it).
 */
public final class LoopDriver implements AutoCloseable {
    public static final Duration IDLE_WAKE = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(2);
    /** No jitter: each loop is alone on its manager, and exact delays keep the driver's tests replayable. */
    private static final Backoff RETRIES = Backoff.doublingExact(FIRST_RETRY, MAX_RETRY);
    private static final Logger log = LoggerFactory.getLogger(LoopDriver.class);

    private final ControlLoop loop;
    private final LoopEvents.Source source;
    private final Clock clock;
    private final Timer reconcileTimer;
    private volatile boolean running;
    private Thread thread; // guarded by this

    /** A manager loop, handed the store events of its interest. */
    public LoopDriver(ControlLoop loop, ClusterStore store, Clock clock, MeterRegistry metrics) {
        this(loop, LoopEvents.of(store), clock, metrics);
    }

    /** A loop handed what {@code source} gives (e.g. the worker's view of its assignments). */
    public LoopDriver(ControlLoop loop, LoopEvents.Source source, Clock clock, MeterRegistry metrics) {
        this.loop = loop;
        this.source = source;
        this.clock = clock;
        this.reconcileTimer = Timer.builder("orch.reconcile").tag("loop", loop.name())
                .description("duration of one reconcile pass of a control loop").register(metrics);
    }

    public ControlLoop loop() {
        return loop;
    }

    /** How long to wait before the attempt after {@code failures} failed passes in a row. */
    public static Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        return RETRIES.delay(failures - 1);
    }

    /** How long to wait for events before a pass is due anyway. */
    static Duration untilDue(Instant wake, Instant now) {
        if (wake == null) {
            return IDLE_WAKE;
        }
        Duration until = Duration.between(now, wake);
        if (until.compareTo(IDLE_WAKE) > 0) {
            return IDLE_WAKE;
        }
        return until.isNegative() ? Duration.ZERO : until;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = DaemonThreads.start("orch-" + loop.name(), this::run);
    }

    private void run() {
        try (LoopEvents events = source.open(loop.interest())) {
            loop.begin(clock.instant());
            Instant wake = clock.instant(); // the first (full) pass at once
            int failures = 0;
            while (running) {
                List<StoreEvent> batch;
                if (failures > 0) {
                    // back off without draining: the events wait in the subscription for the retry
                    Duration wait = Duration.between(clock.instant(), wake);
                    if (!wait.isNegative() && !wait.isZero()) {
                        Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                    }
                    batch = events.poll(Duration.ZERO);
                } else {
                    batch = events.poll(untilDue(wake, clock.instant()));
                }
                long start = System.nanoTime();
                try {
                    wake = loop.runOnce(batch, clock.instant());
                    failures = 0;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    failures++;
                    Duration delay = backoff(failures);
                    log.debug("{} pass failed ({} in a row), retrying in {} ms: {}", loop.name(), failures,
                            delay.toMillis(), e.getMessage());
                    wake = clock.instant().plus(delay);
                } finally {
                    reconcileTimer.record(Duration.ofNanos(System.nanoTime() - start));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} loop stopped unexpectedly", loop.name(), e);
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
