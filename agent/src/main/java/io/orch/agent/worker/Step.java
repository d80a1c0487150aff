package io.orch.agent.worker;

import io.orch.api.proto.TaskStatus;
import io.orch.runtime.RuntimeFailure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What one {@link TaskController#step} did (swarmkit's {@code Do} returns a status and
 * ErrTaskNoop / ErrTaskRetry for the same three cases). The status is always the one to hold
 * (and report when it changed) before the next step.
 */
sealed interface Step {
    TaskStatus status();

    /** Moved one state on: step again at once. */
    record Advanced(TaskStatus status) implements Step {}

    /** Nothing to do until the task changes (its desired state) or it is final. */
    record Noop(TaskStatus status) implements Step {}

    /** The task runs: step again once {@code exit} completes (or the task changes). */
    record Waiting(TaskStatus status, CompletableFuture<?> exit) implements Step {}

    /** A temporary runtime failure: the same step is tried again after {@code delay}. */
    record Retry(TaskStatus status, RuntimeFailure cause, Duration delay) implements Step {}
}
