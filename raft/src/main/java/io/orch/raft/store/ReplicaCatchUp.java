package io.orch.raft.store;

import java.time.Duration;
import io.orch.api.concurrent.Backoff;
import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.StoreCommand;
import io.orch.raft.Proposer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Tells when a replica has caught up with its group: it proposes an empty entry (a barrier) and
 * waits until this replica has applied it, so everything the group had committed before is then
 * in the local store. A replica that just started (a promoted node's empty one, a restarted
 * manager behind the leader) reads stale state until then: it must not conclude from a task's
 * absence that the task is not assigned here. Retries without a quorum, until the proposer closes.
 */
final class ReplicaCatchUp {
    private static final Logger log = LoggerFactory.getLogger(ReplicaCatchUp.class);
    private static final long ATTEMPT_TIMEOUT_MS = 10_000;

    private final CompletableFuture<Long> caughtUp = new CompletableFuture<>();
    CompletableFuture<Long> future() {
        return caughtUp;
    }

    void startInBackground(Proposer proposer, Clock clock, LongFunction<CompletableFuture<Long>> awaitApplied) {
        if (proposer.alwaysCaughtUp()) {
            caughtUp.complete(-1L);
            return;
        }
        Thread t = DaemonThreads.start("orch-store-catch-up", () -> run(proposer, clock, awaitApplied));
    }

    private void run(Proposer proposer, Clock clock, LongFunction<CompletableFuture<Long>> awaitApplied) {
        Backoff backoff = Backoff.doubling(Duration.ofMillis(100), Duration.ofSeconds(2));
        int failures = 0;
        while (proposer.isRunning() && !caughtUp.isDone()) {
            try {
                StoreCommand barrier = StoreCommand.newBuilder().setProposedAtMillis(clock.millis()).build();
                long index = proposer.propose(barrier).get(ATTEMPT_TIMEOUT_MS, TimeUnit.MILLISECONDS).index();
                caughtUp.complete(awaitApplied.apply(index).get());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.debug("store replica not caught up yet: {}", e.toString());
            }
            try {
                Thread.sleep(backoff.delay(failures++).toMillis()); // no quorum (or no leader yet): back off before the next barrier
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
