package io.orch.gossip;

import io.orch.gossip.time.Cancellable;
import io.orch.gossip.time.Scheduler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The Lifeguard dynamic suspicion timer for one suspected member. It starts at the maximum timeout
 * and shrinks towards the minimum as distinct members independently confirm the suspicion, so a
 * member that many find unreachable is declared dead quickly while a lone (possibly slow) accuser
 * gives the suspect plenty of time to refute.
 */
final class Suspicion {

    private final Scheduler scheduler;
    private final int k;
    private final Duration min;
    private final Duration max;
    private final long startMillis;
    private final Set<String> accusers = new HashSet<>();
    private final Runnable onTimeout;
    private int confirmations;
    private Cancellable timer;

    Suspicion(Scheduler scheduler, String firstAccuser, int k, Duration min, Duration max, Runnable onTimeout) {
        this.scheduler = scheduler;
        this.k = k;
        this.min = min;
        this.max = max;
        this.onTimeout = onTimeout;
        this.startMillis = scheduler.nowMillis();
        accusers.add(firstAccuser);
        this.timer = scheduler.schedule(GossipConfig.suspicionTimeout(0, k, min, max).toMillis(), onTimeout);
    }

    /**
     * Records an accusation by {@code from}. Returns true when it is a new confirmation (worth
     * re-gossiping so others shrink their timers too); false once {@code k} are in or for a repeat.
     */
    boolean confirm(String from) {
        if (confirmations >= k || !accusers.add(from)) {
            return false;
        }
        confirmations++;
        timer.cancel();
        long elapsed = scheduler.nowMillis() - startMillis;
        long remaining = GossipConfig.suspicionTimeout(confirmations, k, min, max).toMillis() - elapsed;
        timer = scheduler.schedule(Math.max(0, remaining), onTimeout);
        return true;
    }

    int confirmations() {
        return confirmations;
    }

    void cancel() {
        timer.cancel();
    }
}
