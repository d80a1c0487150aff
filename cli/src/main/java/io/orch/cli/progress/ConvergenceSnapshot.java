package io.orch.cli.progress;

import java.util.List;

/**
 * What one poll tells us: how many tasks count as running, how many should, one line per slot,
 * and a failure (paused update) that ends the wait.
 */
public record ConvergenceSnapshot(long running, long desired, List<SlotProgress> slots, String failure) {
    public boolean converged() {
        return failure == null && running == desired;
    }
}
