package io.orch.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service's UpdateStatus as a convergence wait reads it (docker's ServiceProgress): which
 * rollout state it is in, whether that ends the wait, and how.
 */
public record UpdateProgress(String state, String message) {
    /** What the waiting command asked for: its own success is judged differently. */
    public enum Goal {
        /** create, scale: the tasks converge; a rollout is followed but not required. */
        CONVERGE,
        /** update: ends well only with "completed"; a rollback or pause is a failure. */
        UPDATE,
        /** rollback: ends well with "rollback_completed". */
        ROLLBACK
    }

    public static UpdateProgress of(JsonNode service) {
        JsonNode s = service.path("UpdateStatus");
        return new UpdateProgress(s.path("State").asText(""), s.path("Message").asText(""));
    }

    /** A rollout is under way: convergence alone does not end the wait. */
    public boolean inFlight() {
        return state.equals("updating") || state.equals("rollback_started");
    }

    public boolean finished() {
        return state.equals("completed") || state.equals("rollback_completed");
    }

    /** The error that ends the wait for {@code goal}, or null. Docker's wording. */
    public String failure(Goal goal) {
        return switch (state) {
            case "paused" -> "service update paused" + suffix();
            case "rollback_paused" -> "service rollback paused" + suffix();
            case "rollback_completed" -> goal == Goal.UPDATE ? "service rolled back" + suffix() : null;
            default -> null;
        };
    }

    /** The line shown while a rollout runs, e.g. {@code rollback: manually requested rollback}. */
    public String line() {
        if (state.isEmpty() || message.isEmpty()) {
            return null;
        }
        String what = state.startsWith("rollback") ? "rollback" : "update";
        return what + ": " + message;
    }

    private String suffix() {
        return message.isEmpty() ? "" : ": " + message;
    }
}
