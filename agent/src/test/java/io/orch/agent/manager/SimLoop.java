package io.orch.agent.manager;

import io.orch.agent.loop.ControlLoop;
import io.orch.agent.loop.LoopDriver;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LoopDriver}'s rules on virtual time, for the manager simulation: a pass is due when
 * events are waiting, when the loop's wake-up comes, or after {@link LoopDriver#IDLE_WAKE} without
 * one (the periodic full pass); a failed pass is retried after the driver's backoff, with the
 * events that arrived meanwhile. No thread: the simulation calls {@link #tick} on its clock.
 */
final class SimLoop {
    private final ControlLoop loop;
    private final Subscription events;
    private final List<StoreEvent> pending = new ArrayList<>();
    private Instant wake;
    private Instant lastPass;
    private int failures;

    SimLoop(ControlLoop loop, ClusterStore store, Instant now) {
        this.loop = loop;
        this.events = store.watch(loop.interest());
        loop.begin(now);
        this.wake = now;
    }

    String name() {
        return loop.name();
    }

    /** Runs a pass if one is due; rethrows what a pass threw (the simulation treats it as a finding). */
    void tick(Instant now) throws Exception {
        pending.addAll(events.pollAll(Duration.ZERO));
        boolean woken = wake != null && !now.isBefore(wake);
        boolean idle = lastPass == null || !now.isBefore(lastPass.plus(LoopDriver.IDLE_WAKE));
        boolean due = failures > 0 ? woken : (woken || idle || !pending.isEmpty());
        if (!due) {
            return;
        }
        List<StoreEvent> batch = List.copyOf(pending);
        pending.clear();
        lastPass = now;
        try {
            wake = loop.runOnce(batch, now);
            failures = 0;
        } catch (Exception e) {
            failures++;
            wake = now.plus(LoopDriver.backoff(failures));
            throw e;
        }
    }

    void close() {
        events.close();
    }
}
