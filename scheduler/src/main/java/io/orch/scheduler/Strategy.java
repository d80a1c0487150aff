package io.orch.scheduler;

import java.util.Locale;

/** How the scheduler ranks the nodes a task fits on (the cluster's {@code --scheduler-strategy}). */
public enum Strategy {
    /** Swarm's behaviour: a service's tasks spread evenly across nodes, then onto the least loaded. */
    SPREAD,
    /** Fill nodes: the fullest node (by reserved CPU and memory, then task count) that still fits. */
    BINPACK;

    /** Parses "spread" / "binpack"; throws IllegalArgumentException naming the accepted values. */
    public static Strategy parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "spread" -> SPREAD;
            case "binpack" -> BINPACK;
            default -> throw new IllegalArgumentException("invalid scheduler strategy \"" + s + "\": expected spread or binpack");
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
