package io.orch.scheduler.orchestrator;

import io.orch.api.model.Times;
import io.orch.api.proto.UpdateStatus;
import io.orch.api.proto.UpdateStatus.State;

import java.time.Instant;

/**
 * The UpdateStatus transitions of a rollout, with Docker's wording (the docker CLI prints these
 * messages and decides from the state whether the update went well):
 * <pre>
 *   (none) -> updating -> completed
 *                |-> paused            (failure, failure_action=pause; or `orch service update --pause`)
 *                |-> rollback_started  (failure, failure_action=rollback; or `service rollback`)
 *                        -> rollback_completed | rollback_paused
 * </pre>
 */
public final class UpdateStatuses {
    public static final String MANUAL_ROLLBACK = "manually requested rollback";

    private UpdateStatuses() {}

    public static boolean active(UpdateStatus s) {
        return s.getState() == State.UPDATING || s.getState() == State.ROLLBACK_STARTED;
    }

    public static boolean paused(UpdateStatus s) {
        return s.getState() == State.PAUSED || s.getState() == State.ROLLBACK_PAUSED;
    }

    public static UpdateStatus started(Instant now) {
        return UpdateStatus.newBuilder().setState(State.UPDATING).setMessage("update in progress")
                .setStartedAt(Times.timestamp(now)).build();
    }

    public static UpdateStatus manualRollback(Instant now) {
        return UpdateStatus.newBuilder().setState(State.ROLLBACK_STARTED).setMessage(MANUAL_ROLLBACK)
                .setStartedAt(Times.timestamp(now)).build();
    }

    /** Failure beyond the ratio with failure_action=pause (a failing rollback always pauses). */
    public static UpdateStatus pausedByFailure(UpdateStatus s, String taskId) {
        boolean rollback = s.getState() == State.ROLLBACK_STARTED;
        return s.toBuilder().setState(rollback ? State.ROLLBACK_PAUSED : State.PAUSED)
                .setMessage((rollback ? "rollback" : "update") + " paused due to failure or early termination of task " + taskId)
                .build();
    }

    public static UpdateStatus rolledBackByFailure(UpdateStatus s, String taskId) {
        return s.toBuilder().setState(State.ROLLBACK_STARTED)
                .setMessage("update rolled back due to failure or early termination of task " + taskId).build();
    }

    /** {@code orch service update --pause}: the rollout stops taking new slots. */
    public static UpdateStatus pausedByUser(UpdateStatus s) {
        boolean rollback = s.getState() == State.ROLLBACK_STARTED;
        return s.toBuilder().setState(rollback ? State.ROLLBACK_PAUSED : State.PAUSED)
                .setMessage((rollback ? "rollback" : "update") + " paused on request").build();
    }

    /**
     * {@code orch service update --resume}: the rollout goes on. Failures are counted afresh from
     * here (StartedAt moves), as when Docker restarts a paused update.
     */
    public static UpdateStatus resumed(UpdateStatus s, Instant now) {
        boolean rollback = s.getState() == State.ROLLBACK_PAUSED;
        return s.toBuilder().setState(rollback ? State.ROLLBACK_STARTED : State.UPDATING)
                .setMessage((rollback ? "rollback" : "update") + " resumed").setStartedAt(Times.timestamp(now)).build();
    }

    /**
     * The rollout finished. An automatic rollback keeps its reason in the message, so whoever
     * looks later (the CLI, `service inspect`) learns why the service runs its previous spec.
     */
    public static UpdateStatus completed(UpdateStatus s, Instant now) {
        UpdateStatus.Builder b = s.toBuilder().setCompletedAt(Times.timestamp(now));
        if (s.getState() == State.ROLLBACK_STARTED) {
            String reason = s.getMessage();
            boolean automatic = !reason.isEmpty() && !reason.equals(MANUAL_ROLLBACK) && !reason.equals("rollback resumed");
            return b.setState(State.ROLLBACK_COMPLETED)
                    .setMessage(automatic ? "rollback completed: " + reason : "rollback completed").build();
        }
        return b.setState(State.COMPLETED).setMessage("update completed").build();
    }
}
