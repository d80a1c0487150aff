package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.api.proto.UpdateStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The update orchestrator's pure planning (swarmkit's updater, made a function of the store):
 * one call looks at a service and its tasks and says what to write next. Everything it needs
 * to go on lives in the store (Service.UpdateStatus, the tasks' specs, states and timestamps),
 * so a restarted loop continues where the last one stopped. The only memory handed in is when
 * each new task was seen running, to judge failures within the monitor window precisely
 * (without it, the task's creation time stands in).
 *
 * <p>Rules:
 * <ul>
 * <li>A task is <em>dirty</em> when its spec differs from the service's task template or its
 *     endpoint spec from the service's ({@link TaskInputs}); a slot
 *     whose live task is dirty needs updating. (Content, not version: after a rollback the
 *     tasks that were never replaced are simply adopted into the new spec version.)</li>
 * <li>At most {@code parallelism} slots (0 = all) are <em>busy</em> at a time: a slot is busy from
 *     the moment its new task is created until the new task is ready and the old one told to
 *     stop, and then for {@code delay} more.</li>
 * <li>stop-first: the old task is told to stop and the new one waits with desired state READY
 *     until the old one has stopped; start-first: the new task starts at once and the old one is
 *     stopped when the new one is ready (two live tasks share the slot meanwhile).</li>
 * <li>A new task that stops by itself (fails, is rejected, exits) within {@code monitor} of
 *     starting is a failure; failures above {@code max_failure_ratio} of the slots trigger
 *     {@code failure_action}: pause, continue, or rollback (to PreviousSpec, with
 *     RollbackConfig; a failing rollback pauses).</li>
 * <li>The rollout completes when no slot is dirty or busy and every new task has been ready
 *     for {@code monitor}.</li>
 * </ul>
 */
public final class RollingUpdate {
    private RollingUpdate() {}

    /** What to write: task changes, and the service itself when its status or spec moves on. */
    public static final class Step {
        public final Plan tasks = new Plan();
        private final Map<String, Task> changed = new LinkedHashMap<>();
        private Service service;

        public Service service() {
            return service;
        }

        public boolean isEmpty() {
            return service == null && tasks.isEmpty() && changed.isEmpty();
        }

        /** Task updates, one per task (a task changed twice in a pass is written once). */
        public List<Task> taskUpdates() {
            List<Task> all = new ArrayList<>(tasks.update);
            all.addAll(changed.values());
            return all;
        }

        void change(Task t) {
            changed.put(t.getId(), t);
        }

        Task current(Task t) {
            return changed.getOrDefault(t.getId(), t);
        }
    }

    public static Step step(Service service, List<Task> tasks, Map<String, Node> nodes, TaskFactory factory,
                            Map<String, Instant> runningSince, Readiness readiness) {
        Instant now = factory.now();
        Step step = new Step();
        if (JobModes.isJob(service)) {
            return step; // a job is not rolled: an update starts a new run (JobPlanner)
        }
        UpdateStatus status = service.getUpdateStatus();
        UpdateConfig config = UpdateConfigs.effective(service);
        boolean global = service.getSpec().getMode().hasGlobal();
        long replicas = ServicePlanner.replicas(service);

        List<SlotState> slots = new ArrayList<>();
        for (var entry : Slots.of(service, tasks).entrySet()) {
            if (!global && Long.parseLong(entry.getKey()) > replicas) {
                continue; // being scaled away: the replicated orchestrator removes it
            }
            if (global ? !ServicePlanner.eligible(service, nodes.get(entry.getKey())) : onVacatingNode(entry.getValue(), nodes)) {
                // A global task on a paused node is not updated (Swarm's rule: a paused node gets no
                // new task); on a drained or lost node the orchestrator removes or replaces it anyway.
                continue;
            }
            SlotState slot = SlotState.of(entry.getKey(), entry.getValue(), service, nodes, readiness);
            if (slot != null) {
                slots.add(slot);
            }
        }

        // Always, whatever the status: finish handovers already begun, and adopt clean tasks
        // into the current spec version (Docker's "_up-to-date" filter compares versions).
        for (SlotState slot : slots) {
            slot.finishHandover(step);
            slot.adoptVersion(service, step);
        }

        boolean dirty = slots.stream().anyMatch(s -> s.clean == null);
        if (status.getState() == UpdateStatus.State.UNSPECIFIED
                || (!UpdateStatuses.active(status) && !UpdateStatuses.paused(status) && dirty)) {
            if (dirty) {
                // a new rollout: announce it first; the next pass starts the slots
                step.service = service.toBuilder().setUpdateStatus(UpdateStatuses.started(now.truncatedTo(ChronoUnit.MILLIS))).build();
            }
            return step;
        }
        if (UpdateStatuses.paused(status)) {
            for (SlotState slot : slots) {
                slot.startWaitingTask(step);
            }
        }
        if (!UpdateStatuses.active(status)) {
            return step; // paused or done: nothing new is started
        }

        Instant startedAt = Times.instant(status.getStartedAt());
        Duration monitor = UpdateConfigs.monitor(config);
        List<Task> fresh = tasks.stream().filter(t -> t.getSpecVersion() == service.getSpecVersion()
                && !dirty(service, t) && !Times.instant(t.getCreatedAt()).isBefore(startedAt)).toList();
        for (Task t : fresh) {
            if (readiness.ready(t)) {
                runningSince.putIfAbsent(t.getId(), Times.instant(t.getStatus().getTimestamp()));
            }
        }

        Task failed = latestFailure(fresh, runningSince, monitor);
        long total = Math.max(1, global ? slots.size() : replicas);
        if (failed != null && overRatio(config, failures(fresh, runningSince, monitor), total)) {
            Service after = onFailure(service, config, failed.getId());
            if (after.getSpecVersion() != service.getSpecVersion()) {
                // The rollback starts in this same pass, in the same transaction as the spec it
                // restores: its first slots are replaced now rather than one store round trip later.
                Step rollback = step(after, tasks, nodes, factory, runningSince, readiness);
                if (rollback.service == null) {
                    rollback.service = after;
                }
                return rollback;
            }
            step.service = after;
            return step;
        }

        Duration delay = UpdateConfigs.delay(config);
        Instant wake = null;
        int busy = 0;
        for (SlotState slot : slots) {
            if (slot.inFlight()) {
                busy++;
            } else if (slot.clean != null && !delay.isZero() && fresh.contains(slot.clean) && readiness.ready(slot.clean)) {
                Instant free = Times.instant(slot.clean.getStatus().getTimestamp()).plus(delay);
                if (free.isAfter(now)) {
                    busy++;
                    wake = earliest(wake, free);
                }
            }
        }
        long parallelism = config.getParallelism() == 0 ? Long.MAX_VALUE : config.getParallelism();
        long free = parallelism - busy;
        for (SlotState slot : slots) {
            if (slot.clean == null && free > 0) {
                slot.replace(service, config.getOrder(), global, factory, step);
                free--;
                busy++;
            }
        }

        if (!dirty && busy == 0) {
            Instant settled = Instant.MIN;
            for (Task t : fresh) {
                if (TaskStates.live(t) && !TaskStates.finished(t)) {
                    settled = latest(settled, runningSince.getOrDefault(t.getId(), now).plus(monitor));
                }
            }
            if (!settled.isAfter(now)) {
                step.service = service.toBuilder().setUpdateStatus(UpdateStatuses.completed(status, now)).build();
                runningSince.clear();
            } else {
                wake = earliest(wake, settled);
            }
        }
        if (wake != null) {
            step.tasks.wakeAt(wake);
        }
        return step;
    }

    /**
     * Whether the rollout's failure action is due now: the service is rolling out (or back), its
     * failure action is not continue, and the new tasks that stopped by themselves within the
     * monitor window are more than max_failure_ratio of the slots. The orchestrator asks this
     * before it restarts a failed task: the updater is about to pause or roll back, and a restart
     * of the failing spec would only be stopped again (a stop-first rollback waits for it).
     * Without the updater's memory of when each task was seen running, the task's creation time
     * stands in: the window then closes no later than the updater's, so this never says yes
     * where the updater would say no.
     */
    public static boolean failureActionDue(Service service, List<Task> tasks) {
        UpdateStatus status = service.getUpdateStatus();
        if (!UpdateStatuses.active(status) || JobModes.isJob(service)) {
            return false;
        }
        UpdateConfig config = UpdateConfigs.effective(service);
        if (config.getFailureAction() == UpdateConfig.FailureAction.CONTINUE) {
            return false;
        }
        Instant startedAt = Times.instant(status.getStartedAt());
        List<Task> fresh = tasks.stream().filter(t -> t.getSpecVersion() == service.getSpecVersion()
                && !dirty(service, t) && !Times.instant(t.getCreatedAt()).isBefore(startedAt)).toList();
        boolean global = service.getSpec().getMode().hasGlobal();
        long total = Math.max(1, global ? Slots.of(service, tasks).size() : ServicePlanner.replicas(service));
        return overRatio(config, failures(fresh, Map.of(), UpdateConfigs.monitor(config)), total);
    }

    private static boolean overRatio(UpdateConfig config, int failures, long total) {
        return failures > 0 && config.getFailureAction() != UpdateConfig.FailureAction.CONTINUE
                && (double) failures / total > config.getMaxFailureRatio();
    }

    /** New tasks that stopped by themselves within the monitor window of their start. */
    private static int failures(List<Task> fresh, Map<String, Instant> runningSince, Duration monitor) {
        int n = 0;
        for (Task t : fresh) {
            if (failedWithinMonitor(t, runningSince, monitor)) {
                n++;
            }
        }
        return n;
    }

    /** The failure the status names: the one that stopped last. */
    private static Task latestFailure(List<Task> fresh, Map<String, Instant> runningSince, Duration monitor) {
        Task failed = null;
        for (Task t : fresh) {
            if (failedWithinMonitor(t, runningSince, monitor) && (failed == null
                    || Times.instant(t.getStatus().getTimestamp()).isAfter(Times.instant(failed.getStatus().getTimestamp())))) {
                failed = t;
            }
        }
        return failed;
    }

    private static boolean failedWithinMonitor(Task t, Map<String, Instant> runningSince, Duration monitor) {
        if (!stoppedByItself(t)) {
            return false;
        }
        Instant since = runningSince.getOrDefault(t.getId(), Times.instant(t.getCreatedAt()));
        return !Times.instant(t.getStatus().getTimestamp()).isAfter(since.plus(monitor));
    }

    /**
     * The slot's current task is on a down, drained or removed node: the replicated orchestrator
     * replaces it with a task of the current spec, so the update leaves the slot alone (two
     * loops replacing it would start two tasks).
     */
    private static boolean onVacatingNode(List<Task> history, Map<String, Node> nodes) {
        Task current = null;
        for (Task t : history) {
            if (TaskStates.live(t)) {
                current = t; // oldest first: the last live one is the slot's current task
            }
        }
        return current != null && ServicePlanner.vacating(current, nodes);
    }

    private static Service onFailure(Service service, UpdateConfig config, String taskId) {
        UpdateStatus status = service.getUpdateStatus();
        boolean rollingBack = status.getState() == UpdateStatus.State.ROLLBACK_STARTED;
        if (config.getFailureAction() == UpdateConfig.FailureAction.ROLLBACK && !rollingBack && service.hasPreviousSpec()) {
            // As swarmkit: the previous spec becomes the spec and is forgotten (a failed spec is
            // not something to roll back to). A new spec version, so its tasks count afresh.
            return service.toBuilder()
                    .setSpec(service.getPreviousSpec())
                    .clearPreviousSpec()
                    .setSpecVersion(service.getSpecVersion() + 1)
                    .setUpdateStatus(UpdateStatuses.rolledBackByFailure(status, taskId))
                    .build();
        }
        UpdateStatus paused = UpdateStatuses.pausedByFailure(status, taskId);
        if (config.getFailureAction() == UpdateConfig.FailureAction.ROLLBACK && !rollingBack) {
            paused = paused.toBuilder().setMessage(paused.getMessage() + " (no previous spec to roll back to)").build();
        }
        return service.toBuilder().setUpdateStatus(paused).build();
    }

    /** The task ended without being asked to (SHUTDOWN is what a requested stop reports). */
    static boolean stoppedByItself(Task t) {
        TaskState s = t.getStatus().getState();
        return TaskStates.finished(s) && s != TaskState.SHUTDOWN && s != TaskState.REMOVE;
    }

    public static boolean dirty(Service service, Task t) {
        return TaskInputs.outdated(service, t);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant latest(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }

    /** One slot as the rollout sees it: its newest clean live task, and the other live tasks. */
    private static final class SlotState {
        final String key;
        final List<Task> history;
        final Task clean;
        final List<Task> others;
        final Map<String, Node> nodes;
        final Readiness readiness;

        private SlotState(String key, List<Task> history, Task clean, List<Task> others, Map<String, Node> nodes,
                          Readiness readiness) {
            this.key = key;
            this.history = history;
            this.clean = clean;
            this.others = others;
            this.nodes = nodes;
            this.readiness = readiness;
        }

        /** null when the slot has no live task (refilling it is the replicated orchestrator's job). */
        static SlotState of(String key, List<Task> history, Service service, Map<String, Node> nodes, Readiness readiness) {
            List<Task> live = history.stream().filter(TaskStates::live).toList();
            if (live.isEmpty()) {
                return null;
            }
            Task clean = null;
            for (Task t : live) {
                if (!dirty(service, t)) {
                    clean = t; // the newest wins: history is oldest first
                }
            }
            List<Task> others = new ArrayList<>();
            for (Task t : live) {
                if (t != clean) {
                    others.add(t);
                }
            }
            return new SlotState(key, history, clean, others, nodes, readiness);
        }

        /** The new task is on its way: not started yet, or the old one not yet stopped. */
        boolean inFlight() {
            return clean != null && !TaskStates.finished(clean)
                    && (clean.getDesiredState() != TaskState.RUNNING || !readiness.ready(clean) || !others.isEmpty());
        }

        void finishHandover(Step step) {
            if (clean == null) {
                return;
            }
            if (TaskStates.before(clean.getDesiredState(), TaskState.RUNNING)) {
                // stop-first: the old tasks were told to stop; start the new one once they have
                others.forEach(t -> shutDown(t, step));
                if (!anyOtherHolding()) {
                    step.change(step.current(clean).toBuilder().setDesiredState(TaskState.RUNNING).build());
                }
            } else if (!others.isEmpty() && readiness.ready(clean)) {
                // start-first: the new task serves, the old ones may go
                others.forEach(t -> shutDown(t, step));
            }
        }

        /**
         * A paused rollout replaces no dirty slot, but a slot whose stop-first handover had
         * begun (old task stopped, new task waiting with desired state READY) would then stay
         * empty for as long as the pause lasts, when the waiting task is of an older spec than
         * the service's (the spec changed again meanwhile; the manager simulation saw it with a
         * global service). The waiting task is started once nothing else holds the slot: it
         * finishes the handover begun, as a paused Swarm update finishes the task it was
         * starting; the slot is updated to the current spec when the rollout resumes.
         */
        void startWaitingTask(Step step) {
            if (clean != null) {
                return; // finishHandover starts a clean waiting task
            }
            Task waiting = null;
            for (Task t : others) {
                if (TaskStates.before(t.getDesiredState(), TaskState.RUNNING) && !TaskStates.finished(t)) {
                    waiting = t; // the newest: history is oldest first
                }
            }
            if (waiting != null && !anyOtherHolding(waiting)) {
                step.change(step.current(waiting).toBuilder().setDesiredState(TaskState.RUNNING).build());
            }
        }

        void adoptVersion(Service service, Step step) {
            if (clean != null && clean.getSpecVersion() != service.getSpecVersion()) {
                step.change(step.current(clean).toBuilder().setSpecVersion(service.getSpecVersion()).build());
            }
        }

        /** Starts this dirty slot's update. */
        void replace(Service service, UpdateConfig.Order order, boolean global, TaskFactory factory, Step step) {
            Task fresh = global ? factory.newTask(service, 0, key) : factory.newTask(service, Long.parseLong(key), "");
            if (order == UpdateConfig.Order.STOP_FIRST) {
                others.forEach(t -> shutDown(t, step));
                if (anyOtherHolding()) {
                    fresh = fresh.toBuilder().setDesiredState(TaskState.READY).build();
                }
            }
            step.tasks.create.add(fresh);
        }

        /** Another task of the slot may still be running: assigned to a live node, not finished. */
        private boolean anyOtherHolding() {
            return anyOtherHolding(clean);
        }

        /** A task of the slot other than {@code except} may still be running. */
        private boolean anyOtherHolding(Task except) {
            for (Task t : history) {
                if (t != except && !TaskStates.finished(t) && TaskStates.atLeast(t.getStatus().getState(), TaskState.ASSIGNED)
                        && onLiveNode(t)) {
                    return true;
                }
            }
            return false;
        }

        private boolean onLiveNode(Task t) {
            Node n = nodes.get(t.getNodeId());
            return n != null && n.getStatus().getState() != NodeStatus.State.DOWN;
        }

        private static void shutDown(Task t, Step step) {
            Task current = step.current(t);
            if (TaskStates.atMost(current.getDesiredState(), TaskState.RUNNING)) {
                step.change(current.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
            }
        }
    }
}
