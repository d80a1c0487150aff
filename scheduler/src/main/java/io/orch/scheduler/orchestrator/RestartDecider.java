package io.orch.scheduler.orchestrator;

import io.orch.api.concurrent.Backoff;
import io.orch.api.model.Times;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Applies a restart policy to a slot whose task finished: restart now, later, or never.
 * Condition: any restarts after every exit, on-failure only after a failure, none never.
 * MaxAttempts counts the slot's restarts (within Window when set): the count the slot's tasks
 * carry ({@link RestartCounter}), or the history's when that is higher (tasks created before
 * the counter existed). Delay: the policy's fixed
 * delay when given; otherwise an exponential back-off for crash loops (0 s, then 0.1 s doubling
 * up to 10 s), reset once a task has run for 10 s.
 */
public final class RestartDecider {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** Exact (no jitter): a planner's decision must be the same on every replay. */
    private static final Backoff BACKOFF = Backoff.doublingExact(FIRST_BACKOFF, MAX_BACKOFF);
    static final Duration STABLE_RUN = Duration.ofSeconds(10);

    public sealed interface Decision permits Now, At, Never {}

    public record Now() implements Decision {}

    public record At(Instant when) implements Decision {}

    public record Never(String why) implements Decision {}

    private RestartDecider() {}

    /**
     * @param policy   the task's restart policy
     * @param finished the slot's finished task (its status holds the exit state and time)
     * @param history  every task of the slot, oldest first, including {@code finished}
     */
    public static Decision decide(RestartPolicy policy, Task finished, List<Task> history, Instant now) {
        TaskState state = finished.getStatus().getState();
        switch (policy.getCondition()) {
            case NONE:
                return new Never("restart policy condition is none");
            case ON_FAILURE:
                if (state == TaskState.COMPLETE) {
                    return new Never("task completed and restart condition is on-failure");
                }
                break;
            default:
                break;
        }
        long restarts = Math.max(RestartCounter.restarts(policy, finished, now),
                restarts(history, policy, now, finished.getSpecVersion()));
        if (policy.getMaxAttempts() > 0 && restarts >= policy.getMaxAttempts()) {
            return new Never("restart policy max attempts (" + policy.getMaxAttempts() + ") reached");
        }
        Instant finishedAt = Times.instant(finished.getStatus().getTimestamp());
        Duration delay = policy.hasDelay() ? Duration.ofNanos(policy.getDelay()) : backoff(history);
        Instant when = finishedAt.plus(delay);
        return when.isAfter(now) ? new At(when) : new Now();
    }

    /**
     * Restarts visible in the slot's (pruned) history under the finished task's spec: every task of that spec
     * version after the first (within the window if set). As in Swarm, a new spec (an update or
     * a rollback) starts counting afresh: the task that replaced the old spec is no restart.
     */
    static long restarts(List<Task> history, RestartPolicy policy, Instant now, long specVersion) {
        List<Task> sameSpec = history.stream().filter(t -> t.getSpecVersion() == specVersion).toList();
        if (policy.getWindow() <= 0) {
            return Math.max(0, sameSpec.size() - 1);
        }
        Instant since = now.minusNanos(policy.getWindow());
        return sameSpec.stream().skip(1).filter(t -> !Times.instant(t.getCreatedAt()).isBefore(since)).count();
    }

    /** 0 for the first quick failure, then 100 ms doubling per consecutive quick failure, max 10 s. */
    static Duration backoff(List<Task> history) {
        int quickFailures = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            Task t = history.get(i);
            if (ranLongEnough(t)) {
                break;
            }
            quickFailures++;
        }
        if (quickFailures <= 1) {
            return Duration.ZERO;
        }
        return BACKOFF.delay(quickFailures - 2);
    }

    private static boolean ranLongEnough(Task t) {
        Instant created = Times.instant(t.getCreatedAt());
        Instant ended = Times.instant(t.getStatus().getTimestamp());
        return !ended.isBefore(created.plus(STABLE_RUN));
    }
}
