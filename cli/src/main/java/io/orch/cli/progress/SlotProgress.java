package io.orch.cli.progress;

/**
 * One line of the progress display: {@code key} is "1/3" for replicated services or the short
 * node ID for global ones; {@code error} is the task's Status.Err, if any.
 */
public record SlotProgress(String key, String state, String error) {}
