package io.orch.agent.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.loop.ControlLoop;
import io.orch.agent.loop.LoopDriver;
import io.orch.raft.store.StoreEvent;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.RegistryAuth;
import io.orch.runtime.TaskHandle;
import io.orch.scheduler.filter.RuntimeFilter;
import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Local reconciliation on every node: makes the tasks assigned to this node run (or stop) as
 * their desired state says, through the node's runtimes, and reports their status back. Tasks
 * started by an earlier agent process are re-attached, not restarted. What is assigned comes from
 * a {@link WorkerView} and status goes to a {@link StatusSink}: the local store on a manager, a
 * dispatcher session on a worker-only node. Cut off from every manager, it restarts exited tasks
 * itself ({@link LocalRestarts}); reconnected, the assignment set wins again.
 */
public final class Worker implements ControlLoop, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerView view;
    private final StatusSink sink;
    private final AutoCloseable ownedSink;
    private final String nodeId;
    private final RuntimeRegistry runtimes;
    private final Clock clock;
    private final Path tasksDir;
    private final AssignmentSetFile keptSet; // a worker-only node's, if it keeps one
    private final HandleStore handles;
    private final WorkerViewEvents events;
    private final LoopDriver driver;
    private final LocalRestarts localRestarts = new LocalRestarts();
    private final RetryDelays retryDelays = new RetryDelays(new java.util.Random());
    private final TaskExecution execution;
    private final Map<String, TaskSupervisor> runners = new ConcurrentHashMap<>();
    /** Re-attached processes whose task the view does not show yet (a worker-only node before its first assignments). */
    private final Map<String, TaskHandle> unclaimed = new ConcurrentHashMap<>();
    /** Tasks reported lost (accepted here once, nothing supervises them): reported once each. */
    private final java.util.Set<String> lost = ConcurrentHashMap.newKeySet();
    /** Docker's default stop grace, for a task whose spec this node no longer has. */
    private static final Duration DISCARD_GRACE = Duration.ofSeconds(10);

    /** A manager node's worker: reads the local store replica and writes status to it. */
    public Worker(ClusterStore store, String nodeId, RuntimeRegistry runtimes, Path dataDir, Clock clock,
                  MeterRegistry metrics) throws IOException {
        this(new StoreWorkerView(store, nodeId), new StatusReporter(store), true, nodeId, runtimes, dataDir, clock, metrics,
                TaskExecution.threads());
    }

    /** A worker fed by any view (e.g. a dispatcher session); the caller owns and closes the sink. */
    public Worker(WorkerView view, StatusSink sink, String nodeId, RuntimeRegistry runtimes, Path dataDir, Clock clock,
                  MeterRegistry metrics) throws IOException {
        this(view, sink, false, nodeId, runtimes, dataDir, clock, metrics, TaskExecution.threads());
    }

    /**
     * A worker whose task supervisors run on {@code execution} (the manager simulation's virtual
     * time); the caller owns the sink, the worker closes {@code execution}.
     */
    public Worker(WorkerView view, StatusSink sink, String nodeId, RuntimeRegistry runtimes, Path dataDir, Clock clock,
                  MeterRegistry metrics, TaskExecution execution) throws IOException {
        this(view, sink, false, nodeId, runtimes, dataDir, clock, metrics, execution);
    }

    private Worker(WorkerView view, StatusSink sink, boolean ownsSink, String nodeId, RuntimeRegistry runtimes,
                   Path dataDir, Clock clock, MeterRegistry metrics, TaskExecution execution) throws IOException {
        this.execution = execution;
        this.view = view;
        this.sink = sink;
        this.ownedSink = ownsSink && sink instanceof AutoCloseable c ? c : null;
        this.nodeId = nodeId;
        this.runtimes = runtimes;
        this.clock = clock;
        this.tasksDir = PersistedTasks.tasksDir(dataDir);
        this.keptSet = AssignmentSetFile.under(dataDir);
        this.handles = new HandleStore(PersistedTasks.handlesDir(dataDir));
        this.events = new WorkerViewEvents(view);
        this.driver = new LoopDriver(this, events, clock, metrics);
    }

    /** Pulls images tasks need and this node lacks (from registries the image names name); null: never pull. */
    private volatile ImagePuller imagePuller;

    public void pullImagesWith(ImagePuller puller) {
        this.imagePuller = puller;
    }

    /** Hears task starts, restarts, stops and OOM kills (metrics); replaces what it heard before. */
    private volatile TaskEvents taskEvents = TaskEvents.NONE;

    public void observeTasks(TaskEvents events) {
        this.taskEvents = java.util.Objects.requireNonNull(events);
    }

    /** The tasks this worker supervises now, with the state each last reported (cheap: no runtime call). */
    public List<SupervisedTask> supervisedTasks() {
        List<SupervisedTask> out = new ArrayList<>(runners.size());
        for (TaskSupervisor runner : runners.values()) {
            out.add(runner.snapshot(t -> view.serviceName(t.getServiceId()).orElse(t.getServiceId())));
        }
        return out;
    }

    /** Re-attaches to tasks an earlier agent process started; call before {@link #start()}. */
    public int recover() throws IOException {
        int reattached = 0;
        List<TaskHandle> known = handles.loadAll();
        java.util.Set<String> knownIds = new java.util.HashSet<>();
        known.forEach(h -> knownIds.add(h.taskId()));
        List<String> swept = SecretVolume.sweep(tasksDir, knownIds);
        if (!swept.isEmpty()) {
            log.info("unmounted the secrets of {} task(s) an earlier agent left: {}", swept.size(), swept);
        }
        for (TaskHandle h : known) {
            if (runtimes.get(h.runtime()).isEmpty()) {
                handles.remove(h.taskId());
                continue;
            }
            Task task = view.task(h.taskId()).orElse(null);
            if (task == null && !view.complete()) {
                unclaimed.put(h.taskId(), h); // re-attached once the first assignment set shows its task
                continue;
            }
            if (task == null) {
                discard(h); // no longer assigned here: its container must not run on untracked
                continue;
            }
            if (reattach(task, h)) {
                reattached++;
            } else {
                handles.remove(h.taskId());
            }
        }
        return reattached + unclaimed.size();
    }

    /**
     * Ends a task an earlier agent started that is no longer assigned to this node (removed or
     * moved while the agent was down): re-attached only to be stopped and removed, off the
     * reconcile thread since a stop waits out the grace.
     */
    private void discard(TaskHandle h) {
        ContainerRuntime runtime = runtimes.get(h.runtime()).orElse(null);
        if (runtime == null) {
            handles.remove(h.taskId());
            return;
        }
        execution.execute(() -> {
            try {
                if (runtime.recover(h)) {
                    runtime.stop(h.taskId(), DISCARD_GRACE, null);
                }
                runtime.destroy(h.taskId());
                log.info("removed task {}: no longer assigned to this node", h.taskId());
            } catch (RuntimeException e) {
                log.warn("could not remove task {} that is no longer assigned here: {}", h.taskId(), e.toString());
            } finally {
                handles.remove(h.taskId());
            }
        });
    }

    private boolean reattach(Task task, TaskHandle h) {
        ContainerRuntime runtime = runtimes.get(h.runtime()).orElse(null);
        if (runtime == null || !runtime.recover(h)) {
            return false;
        }
        TaskSupervisor runner = newRunner(task, runtime, null, task.getStatus(), false);
        runners.put(h.taskId(), runner);
        runner.reattached(h);
        log.info("re-attached task {} (pid {})", h.taskId(), h.pid());
        return true;
    }

    /** Starts reconciling on the worker's thread ({@code orch-worker}, driven by a {@link LoopDriver}). */
    public void start() {
        driver.start();
    }

    @Override
    public String name() {
        return "worker";
    }

    /** None: the worker's events come from its view ({@link WorkerViewEvents}), not from store events. */
    @Override
    public Predicate<StoreEvent> interest() {
        return e -> false;
    }

    /** Nothing to forget: every pass is a full one. */
    @Override
    public void begin(Instant now) {
    }

    private void wake() {
        events.wake();
    }

    /**
     * One full pass (a view says only that something changed, so {@code events} are always
     * empty): heals whatever a lost report left behind. Returns when it wants to run again even
     * without changes (or null).
     */
    @Override
    public Instant runOnce(List<StoreEvent> events, Instant now) {
        return reconcile(now);
    }

    private Instant reconcile(Instant now) {
        List<Task> tasks = view.tasks();
        Map<String, Task> byId = new HashMap<>();
        for (Task t : tasks) {
            byId.put(t.getId(), t);
            TaskHandle h = unclaimed.remove(t.getId());
            if (h != null && !runners.containsKey(t.getId()) && !reattach(t, h)) {
                handles.remove(h.taskId());
            }
            reconcileTask(t);
        }
        if (view.complete()) {
            for (Iterator<TaskHandle> it = unclaimed.values().iterator(); it.hasNext(); ) {
                TaskHandle h = it.next();
                it.remove();
                discard(h); // no longer assigned here: its container must not run on untracked
            }
        }
        runners.forEach((id, runner) -> {
            Task t = byId.get(id);
            if (runner.isDone() && (t == null || TaskStates.finished(t)) && !localRestarts.waiting(id)) {
                runners.remove(id); // its final status is reported: nothing left to supervise
            } else if (t == null) {
                runner.stop(); // deleted from the store (or moved away) while it runs here
            }
        });
        localRestarts.retain(byId.keySet());
        lost.retainAll(byId.keySet());
        LocalRestarts.Plan plan = localRestarts.plan(view, now);
        plan.restartNow().forEach(this::restartLocally);
        return plan.wake();
    }

    private void reconcileTask(Task t) {
        TaskSupervisor runner = runners.get(t.getId());
        boolean wanted = t.getDesiredState() == TaskState.RUNNING;
        TaskState state = t.getStatus().getState();
        if (runner != null) {
            runner.update(t);
            return;
        }
        if (TaskStates.finished(state)) {
            return;
        }
        if (TaskStates.after(state, TaskState.ASSIGNED)) {
            if (unclaimed.containsKey(t.getId())) {
                return;
            }
            // It was accepted here before, but nothing supervises it now: the process is gone.
            if (!lost.add(t.getId())) {
                return; // said once; a kept assignment set goes on showing the old status
            }
            TaskStatus gone = status(wanted ? TaskState.FAILED : TaskState.SHUTDOWN,
                    wanted ? "task process lost (agent restarted and could not re-attach)" : "");
            sink.report(t.getId(), gone);
            if (wanted) {
                localRestarts.exited(t, gone); // restarted here if no manager answers
            }
            return;
        }
        if (!wanted) {
            if (TaskStates.after(t.getDesiredState(), TaskState.RUNNING) && state == TaskState.ASSIGNED) {
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
            config = configFor(t, runtime);
        } catch (RuntimeException e) {
            report(t.getId(), TaskState.REJECTED, e.getMessage());
            return;
        }
        TaskSupervisor runner = newRunner(t, runtime, config, t.getStatus(), false);
        runners.put(t.getId(), runner);
        runner.start();
    }

    /**
     * Restarts an exited task in place while no manager can replace it. Its old container was
     * destroyed before the exit was handed to {@link LocalRestarts}; it is checked again here, so
     * one task id never has two processes.
     */
    private void restartLocally(Task t) {
        ContainerRuntime runtime;
        TaskConfig config;
        try {
            runtime = runtimeFor(t);
            if (runtime.inspect(t.getId()).isPresent()) {
                runtime.destroy(t.getId());
            }
            config = configFor(t, runtime);
        } catch (RuntimeException e) {
            log.warn("task {} could not be restarted locally: {}", t.getId(), e.getMessage());
            return;
        }
        log.info("restarting task {} locally: no manager has been reachable", t.getId());
        localRestarts.restarted(t, clock.instant());
        // the same task id from the start: its status in the view is the last attempt's end
        TaskStatus fresh = TaskStatus.newBuilder().setState(TaskState.ASSIGNED).setMessage("restarting locally")
                .setTimestamp(Times.timestamp(clock.instant())).build();
        TaskSupervisor runner = newRunner(t, runtime, config, fresh, true);
        runners.put(t.getId(), runner);
        runner.start();
    }

    private TaskConfig configFor(Task t, ContainerRuntime runtime) {
        String serviceName = view.serviceName(t.getServiceId()).orElse(t.getServiceId());
        TaskConfig config = TaskConfigs.of(t, serviceName, tasksDir.resolve(t.getId()));
        TaskConfig.Network network = TaskConfigs.network(t.getSpec(), t.getEndpoint().getSpec(), view::network);
        if (t.getNetworksAttachmentsCount() > 0) {
            if (runtime.capabilities().overlayNetworks()) {
                network = TaskConfigs.withOverlays(network, t);
            } else {
                // only a task that named no runtime gets here (the API refuses --network with an
                // explicit process or docker runtime): it runs, on the host network, and says so
                log.warn("task {}: the {} runtime has no overlay networks; it runs on the host network", t.getId(),
                        runtime.name());
            }
        }
        TaskConfigs.checkRuntimeApplies(t, runtime.name(), runtime.capabilities());
        // the network goes last: TaskFiles.prepare rebuilds the config without it
        return TaskFiles.prepare(view, t, config).withNetwork(network).withLogs(TaskConfigs.logs(t.getSpec()));
    }

    private ContainerRuntime runtimeFor(Task t) {
        String wanted = t.getSpec().getRuntime();
        if (RuntimeFilter.anyRuntime(wanted)) {
            // the node's default, also for a task on overlay networks: an agent started with
            // --runtime process runs it on the host network (configFor says so), as it would
            // run any other task of the service
            return runtimes.defaultRuntime();
        }
        return runtimes.available(wanted).orElseThrow(() ->
                new IllegalStateException("runtime " + wanted + " is not available on this node"));
    }

    private TaskSupervisor newRunner(Task t, ContainerRuntime runtime, TaskConfig config, TaskStatus initial,
                                     boolean localRestart) {
        String id = t.getId();
        TaskEventTap tap = new TaskEventTap(t, initial, localRestart, taskEvents);
        TaskController.Preparer preparer = (cfg, progress) -> {
            ImagePuller puller = imagePuller;
            if (puller != null && runtime.capabilities().nodeImages()) { // the others run no images of the store
                // the service's --with-registry-auth login, carried by the task (never logged)
                puller.ensure(cfg.image(),
                        RegistryAuth.decode(t.getSpec().getContainerSpec().getPullOptions().getRegistryAuth()), progress);
            }
        };
        return new TaskSupervisor(t, initial,
                extra -> new TaskController(id, runtime, config, preparer, clock, retryDelays, execution::execute, extra),
                execution, status -> {
                    tap.saw(status);
                    sink.report(id, status);
                },
                new TaskSupervisor.Listener() {
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
                        // the runner stays until the view shows the final status, so a stale
                        // RUNNING is never mistaken for a lost process
                        handles.remove(taskId);
                        TaskFiles.removeSecrets(tasksDir.resolve(taskId));
                    }

                    @Override
                    public void gone(String taskId, TaskStatus last) {
                        Optional<Task> current = view.task(taskId);
                        if (last != null && current.isPresent()) {
                            localRestarts.exited(current.get(), last);
                            wake();
                        }
                    }
                });
    }

    private void report(String taskId, TaskState state, String err) {
        sink.report(taskId, status(state, err));
    }

    private TaskStatus status(TaskState state, String err) {
        return TaskStatus.newBuilder().setState(state).setErr(err)
                .setMessage(state.name().toLowerCase(Locale.ROOT))
                .setTimestamp(Times.timestamp(clock.instant())).build();
    }

    /** The image references of the tasks this node supervises that have not reached a final state. */
    public List<String> liveImages() {
        List<String> refs = new ArrayList<>();
        for (Task t : view.tasks()) {
            if (TaskStates.before(t.getStatus().getState(), TaskState.COMPLETE)) {
                refs.add(t.getSpec().getContainerSpec().getImage());
            }
        }
        return refs;
    }

    /**
     * The tasks assigned to this node that have (or had) a container: accepted by this worker,
     * running or finished. What {@code docker ps} on the node lists.
     */
    public List<LocalTask> localTasks() {
        List<LocalTask> out = new java.util.ArrayList<>();
        for (Task t : view.tasks()) {
            TaskSupervisor runner = runners.get(t.getId());
            if (runner == null && t.getStatus().getContainerStatus().getContainerId().isEmpty()) {
                continue; // never got a container here
            }
            ContainerRuntime runtime = runner != null ? runner.runtime() : null;
            if (runtime == null) {
                try {
                    runtime = runtimeFor(t);
                } catch (RuntimeException e) {
                    runtime = null; // its runtime is gone from this node: shown without live facts
                }
            }
            Optional<TaskHandle> handle = runtime == null ? Optional.empty() : runtime.inspect(t.getId());
            String serviceName = view.serviceName(t.getServiceId()).orElse(t.getServiceId());
            out.add(new LocalTask(t, serviceName, runtime, handle));
        }
        return out;
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
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
        driver.close();
        sink.flush(Duration.ofSeconds(2));
        if (ownedSink != null) {
            try {
                ownedSink.close();
            } catch (Exception e) {
                log.debug("closing the status reporter: {}", e.toString());
            }
        }
        execution.close();
    }
    /**
     * After {@link #close()}: stops and removes every task this node still runs, because the node
     * leaves its swarm (nothing will re-attach to them; as dockerd removes a leaving node's containers).
     *
     * @return how many tasks were removed
     */
    public int destroyAll(Duration grace) {
        List<TaskHandle> all;
        try {
            all = handles.loadAll();
        } catch (IOException e) {
            log.warn("could not list this node's tasks to stop them: {}", e.toString());
            return 0;
        }
        keptSet.delete(); // nothing to resume from: the node leaves its swarm
        for (TaskHandle h : all) {
            runtimes.get(h.runtime()).ifPresent(runtime -> {
                try {
                    runtime.stop(h.taskId(), grace, null);
                    runtime.destroy(h.taskId());
                } catch (RuntimeException e) {
                    log.warn("could not remove task {}: {}", h.taskId(), e.toString());
                }
            });
            handles.remove(h.taskId());
        }
        return all.size();
    }
}
