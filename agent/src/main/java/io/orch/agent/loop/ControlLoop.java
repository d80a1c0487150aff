package io.orch.agent.loop;

import io.orch.raft.store.StoreEvent;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The logic of one control loop, apart from any thread (kafka's {@code KafkaRaftClient.poll()}
 * next to its {@code KafkaRaftClientDriver}): it is handed what changed and the time, does one
 * pass, and says when it wants to run again. It never sleeps, never starts a thread and never
 * reads a clock, so a test (or the manager simulation) can drive it on virtual time. The
 * {@link LoopDriver} runs it for real: the thread, the store subscription, the wake-ups and the
 * retry after a failed pass.
 */
public interface ControlLoop {
    /** A short name, for the thread, the logs and the {@code orch.reconcile} timer's tag. */
    String name();

    /** Which store events this loop wants to be handed. */
    Predicate<StoreEvent> interest();

    /**
     * A new run starts (on becoming leader), with the subscription already in place: forget what
     * a previous run knew, and make the first pass a full one.
     */
    void begin(Instant now);

    /**
     * One pass. {@code events} are the store events of interest since the last pass, in log
     * order; an empty list means nothing arrived, and the loop takes the pass as a periodic full
     * one (which heals whatever a failed write left behind). A pass that throws has already
     * remembered what is left to do: the caller simply calls again, after a backoff.
     *
     * @return when the loop wants to run again even if no event comes, or null for "only on events"
     */
    Instant runOnce(List<StoreEvent> events, Instant now) throws Exception;
}
