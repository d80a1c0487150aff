package io.orch.scheduler.orchestrator;

import io.orch.api.model.Times;
import com.google.protobuf.Timestamp;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The restart count a slot carries from each task to its replacement. The slot's task history
 * is pruned (5 tasks by default), so counting restarts from it can never reach a max_attempts of
 * 5 or more; swarmkit's restart supervisor keeps its own bookkeeping for the same reason. Here
 * the bookkeeping travels on the task itself, so it survives a leader change with the store.
 */
public final class RestartCounter {
    /**
     * Restart times kept for a windowed max_attempts. Once a slot holds max_attempts restarts
     * inside the window the limit triggers, so keeping more than max_attempts of them never
     * changes a decision; this caps what a very large max_attempts could make a task carry.
     */
    static final int MAX_TIMES = 1_000;

    private RestartCounter() {}

    /**
     * {@code replacement}, created at {@code now} to take over {@code previous}'s slot, counting
     * one more restart when both run the same spec version. A new spec (an update, a rollback)
     * counts afresh, as in Swarm.
     */
    public static Task carry(Task replacement, Task previous, Instant now) {
        if (replacement.getSpecVersion() != previous.getSpecVersion()) {
            return replacement;
        }
        RestartPolicy policy = replacement.getSpec().getRestartPolicy();
        Task.Builder b = replacement.toBuilder().setRestartCount(previous.getRestartCount() + 1).clearRestartTimes();
        if (policy.getWindow() > 0 && policy.getMaxAttempts() > 0) {
            List<Timestamp> times = new ArrayList<>(previous.getRestartTimesList());
            times.add(Times.timestamp(now));
            Instant since = now.minusNanos(policy.getWindow());
            times.removeIf(t -> Times.instant(t).isBefore(since));
            long keep = Math.min(policy.getMaxAttempts(), MAX_TIMES);
            b.addAllRestartTimes(times.subList((int) Math.max(0, times.size() - keep), times.size()));
        }
        return b.build();
    }

    /** The restarts of {@code finished}'s slot before it, under its spec (within the policy's window if set). */
    public static long restarts(RestartPolicy policy, Task finished, Instant now) {
        if (policy.getWindow() <= 0) {
            return finished.getRestartCount();
        }
        Instant since = now.minusNanos(policy.getWindow());
        return finished.getRestartTimesList().stream().filter(t -> !Times.instant(t).isBefore(since)).count();
    }
}
