package io.orch.agent.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.scheduler.filter.RuntimeFilter;
import io.orch.scheduler.orchestrator.TaskStates;
import io.orch.scheduler.orchestrator.Times;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Local reconciliation on every node: makes the tasks assigned to this node run (or stop) as
 * their desired state says, through the node's runtimes, and reports their status back. Tasks
 * started by an earlier agent process are re-attached, not restarted.
 */
public final class Worker extends StoreLoop {
    private final String nodeId;
    private final RuntimeRegistry runtimes;
    private final Path tasksDir;
    private final HandleStore handles;
    private final StatusReporter reporter;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "orch-task");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, TaskRunner> runners = new ConcurrentHashMap<>();
    private final Set<String> recovered = new HashSet<>();

    public Worker(ClusterStore store, String nodeId, RuntimeRegistry runtimes, Path dataDir, Clock clock,
                  MeterRegistry metrics) throws IOException {
        super("worker", store, clock, metrics);
        this.nodeId = nodeId;
        this.runtimes = runtimes;
        this.tasksDir = dataDir.resolve("tasks");
        this.handles = new HandleStore(dataDir.resolve("worker").resolve("handles"));
        this.reporter = new StatusReporter(store);
    }

    /** Re-attaches to tasks an earlier agent process started; call before {@link #start()}. */
    public int recover() throws IOException {
        for (TaskHandle h : handles.loadAll()) {
            Optional<ContainerRuntime> runtime = runtimes.get(h.runtime());
            Task task = store.read(r -> r.task(h.taskId())).orElse(null);
            if (runtime.isEmpty() || task == null || !runtime.get().recover(h)) {
                handles.remove(h.taskId());
                continue;
            }
            TaskRunner runner = newRunner(task, runtime.get());
            runners.put(h.taskId(), runner);
            recovered.add(h.taskId());
            runner.reattached(h);
            log.info("re-attached task {} (pid {})", h.taskId(), h.pid());
        }
        return recovered.size();
    }

    @Override
    protected Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.TASK && onThisNode(e);
    }

    private boolean onThisNode(StoreEvent e) {
        return (e.after() != null && nodeId.equals(((Task) e.after()).getNodeId()))
                || (e.before() != null && nodeId.equals(((Task) e.before()).getNodeId()));
    }

    @Override
    protected void markAll() {
    }

    @Override
    protected void mark(StoreEvent event) {
    }

    @Override
    protected Instant reconcile() {
        List<Task> tasks = store.read(r -> r.tasksOfNode(nodeId));
        Map<String, Task> byId = new HashMap<>();
        for (Task t : tasks) {
            byId.put(t.getId(), t);
            reconcileTask(t);
        }
        runners.forEach((id, runner) -> {
            Task t = byId.get(id);
            if (runner.isDone() && (t == null || TaskStates.finished(t))) {
                runners.remove(id); // its final status is in the store: nothing left to supervise
            } else if (t == null) {
                runner.stop(); // deleted from the store (or moved away) while it runs here
            }
        });
        return null;
    }

    private void reconcileTask(Task t) {
        TaskRunner runner = runners.get(t.getId());
        boolean wanted = t.getDesiredState() == TaskState.RUNNING;
        TaskState state = t.getStatus().getState();
        if (runner != null) {
            runner.update(t);
            return;
        }
        if (TaskStates.finished(state)) {
            return;
        }
        if (state.getNumber() > TaskState.ASSIGNED.getNumber()) {
            // It was accepted here before, but nothing supervises it now: the process is gone.
            report(t.getId(), wanted ? TaskState.FAILED : TaskState.SHUTDOWN,
                    wanted ? "task process lost (agent restarted and could not re-attach)" : "");
            return;
        }
        if (!wanted) {
            if (t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber() && state == TaskState.ASSIGNED) {
                report(t.getId(), TaskState.SHUTDOWN, "");
            }
            return;
        }
        if (state != TaskState.ASSIGNED) {
            return;
        }
        startTask(t);
    }

    private void startTask(Task t) {
        ContainerRuntime runtime;
        TaskConfig config;
        try {
            runtime = runtimeFor(t);
            String serviceName = store.read(r -> r.service(t.getServiceId()))
                    .map(s -> s.getSpec().getName()).orElse(t.getServiceId());
            config = TaskConfigs.of(t, serviceName, tasksDir.resolve(t.getId()));
            config = TaskFiles.prepare(store, t, config);
        } catch (RuntimeException e) {
            report(t.getId(), TaskState.REJECTED, e.getMessage());
            return;
        }
        TaskRunner runner = newRunner(t, runtime);
        runners.put(t.getId(), runner);
        runner.start(config);
    }

    private ContainerRuntime runtimeFor(Task t) {
        String wanted = t.getSpec().getRuntime();
        if (RuntimeFilter.anyRuntime(wanted)) {
            return runtimes.defaultRuntime();
        }
        return runtimes.available(wanted).orElseThrow(() ->
                new IllegalStateException("runtime " + wanted + " is not available on this node"));
    }

    private TaskRunner newRunner(Task t, ContainerRuntime runtime) {
        String id = t.getId();
        return new TaskRunner(t, runtime, executor, clock, status -> reporter.report(id, status),
                new TaskRunner.Listener() {
                    @Override
                    public void started(TaskHandle handle) {
                        try {
                            handles.save(handle);
                        } catch (IOException e) {
                            log.warn("could not persist the handle of task {}: it will not survive an agent restart", id, e);
                        }
                    }

                    @Override
                    public void finished(String taskId) {
                        // the runner stays until the store shows the final status, so a stale
                        // RUNNING is never mistaken for a lost process
                        handles.remove(taskId);
                        TaskFiles.removeSecrets(tasksDir.resolve(taskId));
                    }
                });
    }

    private void report(String taskId, TaskState state, String err) {
        reporter.report(taskId, TaskStatus.newBuilder().setState(state).setErr(err)
                .setMessage(state.name().toLowerCase(java.util.Locale.ROOT))
                .setTimestamp(Times.timestamp(clock.instant())).build());
    }

    /** Number of tasks this node supervises now. */
    public int supervised() {
        return runners.size();
    }

    /**
     * Stops supervising. Tasks keep running (like dockerd's live-restore): a restarted agent
     * re-attaches to them, so upgrading or restarting the agent does not restart workloads.
     */
    @Override
    public void close() {
        super.close();
        reporter.flush(java.time.Duration.ofSeconds(2));
        reporter.close();
        executor.shutdownNow();
    }
}
