package io.orch.runtime.health;

import java.time.Duration;

/**
 * Docker's health rules as a pure state machine: a passing probe makes the task healthy and
 * resets the failure count; {@code retries} consecutive failures make it unhealthy; failures
 * during the start period do not count while the task has not yet been healthy.
 */
public final class HealthTracker {
    private final HealthSpec spec;
    private HealthStatus status = HealthStatus.STARTING;
    private int failures;

    public HealthTracker(HealthSpec spec) {
        this.spec = spec;
    }

    /** Records one probe, {@code sinceStart} after the task started; returns the status after it. */
    public HealthStatus record(boolean passed, Duration sinceStart) {
        if (passed) {
            failures = 0;
            status = HealthStatus.HEALTHY;
        } else if (status == HealthStatus.STARTING && sinceStart.compareTo(spec.startPeriod()) < 0) {
            // still starting up: a failing probe is expected and not held against the task
        } else if (++failures >= spec.retries()) {
            status = HealthStatus.UNHEALTHY;
        }
        return status;
    }

    public HealthStatus status() {
        return status;
    }

    public int failingStreak() {
        return failures;
    }
}
