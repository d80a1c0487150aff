package io.orch.runtime;

/** A sample of a task's resource use. Unknown values are -1. */
public record ResourceUsage(long cpuNanos, long memoryBytes, long pids) {
    public static final ResourceUsage UNKNOWN = new ResourceUsage(-1, -1, -1);
}
