package io.orch.agent.loop;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.api.proto.Node;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver on a real store (local proposer) with a recording loop. */
class LoopDriverTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private ClusterStore store;
    private LoopDriver driver;

    /** Records every pass; fails the first {@code failFirst} of them as a version conflict would. */
    private static final class RecordingLoop implements ControlLoop {
        final List<List<StoreEvent>> passes = new CopyOnWriteArrayList<>();
        final AtomicInteger begins = new AtomicInteger();
        final AtomicInteger failFirst;

        RecordingLoop(int failFirst) {
            this.failFirst = new AtomicInteger(failFirst);
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Predicate<StoreEvent> interest() {
            return e -> e.kind() == ObjectKind.NODE;
        }

        @Override
        public void begin(Instant now) {
            begins.incrementAndGet();
        }

        @Override
        public Instant runOnce(List<StoreEvent> events, Instant now) throws Exception {
            passes.add(events);
            if (failFirst.getAndDecrement() > 0) {
                throw new IllegalStateException("conflict");
            }
            return null;
        }
    }

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.close();
        }
        store.proposer().close();
    }

    @Test
    void backoffDoublesFromTheFirstRetryUpToTheCap() {
        assertEquals(Duration.ZERO, LoopDriver.backoff(0));
        assertEquals(Duration.ofMillis(100), LoopDriver.backoff(1));
        assertEquals(Duration.ofMillis(200), LoopDriver.backoff(2));
        assertEquals(Duration.ofMillis(1600), LoopDriver.backoff(5));
        assertEquals(LoopDriver.MAX_RETRY, LoopDriver.backoff(6));
        assertEquals(LoopDriver.MAX_RETRY, LoopDriver.backoff(1_000));
    }

    @Test
    void theWaitForEventsEndsAtTheWakeUpOrTheIdleFullPass() {
        assertEquals(LoopDriver.IDLE_WAKE, LoopDriver.untilDue(null, T0));
        assertEquals(Duration.ZERO, LoopDriver.untilDue(T0.minusSeconds(1), T0));
        assertEquals(Duration.ofMillis(300), LoopDriver.untilDue(T0.plusMillis(300), T0));
        assertEquals(LoopDriver.IDLE_WAKE, LoopDriver.untilDue(T0.plusSeconds(3600), T0));
    }

    @Test
    void storeEventsOfInterestReachThePass() throws Exception {
        RecordingLoop loop = new RecordingLoop(0);
        driver = new LoopDriver(loop, store, Clock.systemUTC(), metrics);
        driver.start();
        await().atMost(DEADLINE).until(() -> !loop.passes.isEmpty()); // subscribed: the first pass ran
        store.updateAndWait(tx -> tx.create(Node.newBuilder().setId("n1").build()));
        await().atMost(DEADLINE).until(() -> loop.passes.stream().flatMap(List::stream).anyMatch(e -> e.id().equals("n1")));
        assertEquals(1, loop.begins.get());
    }

    @Test
    void aFailedPassIsRetriedUntilItSucceedsAndEachPassIsTimed() {
        RecordingLoop loop = new RecordingLoop(3);
        driver = new LoopDriver(loop, store, Clock.systemUTC(), metrics);
        driver.start();
        // three failures (backoff 100 + 200 + 400 ms), then a pass that succeeds
        await().atMost(DEADLINE).until(() -> loop.failFirst.get() < 0);
        assertTrue(loop.passes.size() >= 4, "retried: " + loop.passes.size());
        assertTrue(metrics.get("orch.reconcile").tag("loop", "recording").timer().count() >= 4);
    }

    @Test
    void aRestartedDriverBeginsANewRun() {
        RecordingLoop loop = new RecordingLoop(0);
        driver = new LoopDriver(loop, store, Clock.systemUTC(), metrics);
        driver.start();
        await().atMost(DEADLINE).until(() -> !loop.passes.isEmpty());
        driver.close();
        driver.start();
        await().atMost(DEADLINE).until(() -> loop.begins.get() == 2);
    }

    @Test
    void anotherEventSourceFeedsThePassesAndIsClosedWithTheDriver() {
        java.util.concurrent.BlockingQueue<StoreEvent> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        AtomicInteger open = new AtomicInteger();
        LoopEvents.Source source = interest -> {
            open.incrementAndGet();
            return new LoopEvents() {
                @Override
                public List<StoreEvent> poll(Duration wait) throws InterruptedException {
                    StoreEvent first = queue.poll(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                    return first == null ? List.of() : List.of(first);
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                }
            };
        };
        RecordingLoop loop = new RecordingLoop(0);
        driver = new LoopDriver(loop, source, Clock.systemUTC(), metrics);
        driver.start();
        await().atMost(DEADLINE).until(() -> !loop.passes.isEmpty());
        assertEquals(1, open.get());
        StoreEvent event = new StoreEvent(StoreEvent.Type.CREATE, ObjectKind.NODE, null, Node.newBuilder().setId("n7").build(), 1);
        queue.add(event);
        await().atMost(DEADLINE).until(() -> loop.passes.stream().anyMatch(p -> p.contains(event)));
        driver.close();
        assertEquals(0, open.get());
    }
}
