package io.orch.runtime;

/** Result of {@link ContainerRuntime#exec}: exit code and (bounded) combined output. */
public record ExecResult(int exitCode, String output, boolean timedOut) {}
