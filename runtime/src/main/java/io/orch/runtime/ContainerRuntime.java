package io.orch.runtime;

import io.orch.runtime.health.HealthSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The container runtime SPI (modelled on Nomad's driver plugin): one implementation per way of
 * running a task (process, runc, docker). Implementations are thread-safe; every method is keyed
 * by the task id the agent chose. The runtime knows nothing about Raft, gossip or the store.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Stable name used in service specs and node fingerprints: "process", "runc", "docker". */
    String name();

    RuntimeCapabilities capabilities();

    /** Whether this runtime works on this node, and what it found (versions, cgroup mode...). */
    Fingerprint fingerprint();

    /**
     * Starts the task and returns once it runs. Throws {@link RuntimeFailure} with
     * {@code temporary()} telling the executor whether a retry may succeed.
     */
    TaskHandle start(TaskConfig config) throws RuntimeFailure;

    /** Completes when the task exits (also for re-attached tasks). */
    CompletableFuture<ExitResult> waitFor(String taskId);

    /** Sends {@code signal} (null: SIGTERM), waits up to {@code grace}, then SIGKILL. Idempotent. */
    void stop(String taskId, Duration grace, Signal signal);

    /** Frees everything the task held (logs stay). Kills it first if it still runs. Idempotent. */
    void destroy(String taskId);

    /** Current view of a task this runtime knows, or empty. */
    Optional<TaskHandle> inspect(String taskId);

    /** Resource usage of a running task. */
    ResourceUsage stats(String taskId);

    /** The task's captured output. */
    LogFiles logs(String taskId);

    /** Runs a command in the task's context (health checks). */
    ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure;

    /**
     * Starts an interactive command in the task's container ({@code docker exec}). Runtimes that
     * cannot refuse with a {@link RuntimeFailure} saying so.
     */
    default InteractiveExec startExec(String taskId, ExecSpec spec) throws RuntimeFailure {
        throw new RuntimeFailure(interactiveExecRefusal(), false);
    }

    /**
     * Whether {@link #startExec} works, so {@code POST /containers/{id}/exec} can refuse up front:
     * the docker CLI prints a refusal of the create, but only "unable to upgrade" for one of the start.
     */
    default boolean supportsInteractiveExec() {
        return false;
    }

    /** Why {@link #startExec} is refused by a runtime that does not support it. */
    default String interactiveExecRefusal() {
        return "the " + name() + " runtime cannot run commands in its tasks (docker exec needs a task of the runc runtime)";
    }

    /** Sends {@code signal} to the task's main process ({@code docker kill}). */
    default void signal(String taskId, Signal signal) throws RuntimeFailure {
        throw new RuntimeFailure("the " + name() + " runtime cannot signal its tasks", false);
    }

    /** The host pids of the task's processes ({@code docker top}); empty when unknown. */
    default List<Long> processIds(String taskId) {
        return List.of();
    }

    /** A detailed resource sample ({@code docker stats}), or empty when the runtime cannot tell. */
    default Optional<ContainerStats> containerStats(String taskId) {
        return Optional.empty();
    }

    /**
     * Re-attaches to a task started by an earlier agent process from its persisted handle.
     * Returns true when the task still runs and is now supervised again.
     */
    boolean recover(TaskHandle handle);

    /**
     * The health check the image defines (Dockerfile HEALTHCHECK), for runtimes that have images;
     * the service's own check is merged over it ({@code HealthSpec.effective}).
     */
    default Optional<HealthSpec> imageHealthcheck(String image) {
        return Optional.empty();
    }

    /**
     * At agent start, before any task is re-attached or started: removes everything of this
     * runtime's (containers, shims, mounts, network namespaces, veths, cgroups) that an earlier
     * agent of this data dir left behind for a task not in {@code knownTaskIds} (the tasks the
     * agent has handles of). {@code tasksDir} holds the agent's task dirs. Returns what went, one
     * entry each. Runtimes that leave nothing behind keep the default.
     */
    default List<String> sweepLeftovers(Set<String> knownTaskIds, Path tasksDir) {
        return List.of();
    }

    @Override
    void close();
}
