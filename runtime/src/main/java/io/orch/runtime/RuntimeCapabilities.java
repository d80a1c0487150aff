package io.orch.runtime;

/** What a runtime can do, so the scheduler and executor never ask for the impossible. */
public record RuntimeCapabilities(boolean isolation, boolean resourceLimits, boolean exec, boolean recover) {}
