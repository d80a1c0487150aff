package io.orch.agent.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.ControlLoop;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.loop.LoopEvents;
import io.orch.raft.store.StoreEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's view as the event source of a {@link LoopDriver}. */
class WorkerViewEventsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void aChangeOfTheViewEndsAWaitThatWouldLastAnHour() throws Exception {
        TestWorkerView view = new TestWorkerView();
        try (LoopEvents events = new WorkerViewEvents(view).open(e -> true)) {
            CompletableFuture<List<StoreEvent>> poll = CompletableFuture.supplyAsync(() -> {
                try {
                    return events.poll(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(DEADLINE).until(() -> {
                view.change(); // again and again: the poll may not have started waiting yet
                return poll.isDone();
            });
            assertEquals(List.of(), poll.get(), "a view has no store events: the pass is a full one");
        }
        assertTrue(view.subscribers.isEmpty(), "closing the events unsubscribes from the view");
    }

    @Test
    void aWakeUpBeforeThePollIsNotLost() throws Exception {
        WorkerViewEvents source = new WorkerViewEvents(new TestWorkerView());
        try (LoopEvents events = source.open(e -> true)) {
            source.wake();
            CompletableFuture<List<StoreEvent>> poll = CompletableFuture.supplyAsync(() -> {
                try {
                    return events.poll(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(DEADLINE).until(poll::isDone);
        }
    }

    @Test
    void theDriverSubscribesWhileItRunsAndPassesOnEveryChange() {
        TestWorkerView view = new TestWorkerView();
        AtomicInteger passes = new AtomicInteger();
        ControlLoop loop = new ControlLoop() {
            @Override
            public String name() {
                return "view-loop";
            }

            @Override
            public Predicate<StoreEvent> interest() {
                return e -> false;
            }

            @Override
            public void begin(Instant now) {
            }

            @Override
            public Instant runOnce(List<StoreEvent> events, Instant now) {
                passes.incrementAndGet();
                return null;
            }
        };
        LoopDriver driver = new LoopDriver(loop, new WorkerViewEvents(view), Clock.systemUTC(), new SimpleMeterRegistry());
        driver.start();
        try {
            await().atMost(DEADLINE).until(() -> !view.subscribers.isEmpty() && passes.get() > 0);
            int before = passes.get();
            view.change();
            await().atMost(DEADLINE).until(() -> passes.get() > before);
        } finally {
            driver.close();
        }
        assertFalse(view.subscribers.iterator().hasNext(), "the driver's close unsubscribes");
    }
}
