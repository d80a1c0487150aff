package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The job orchestrators' pure planning (swarmkit's {@code manager/orchestrator/jobs}): tasks
 * that run to completion. Only the tasks of the service's current run (its
 * {@code JobStatus.JobIteration}) count; those of an earlier run are stopped and kept as history.
 *
 * <ul>
 * <li>A task that exits 0 (COMPLETE) is done: its desired state becomes COMPLETE and it is never
 *     restarted, whatever the restart condition says.</li>
 * <li>A task that fails is restarted in its slot per its restart policy (a job's default is
 *     on-failure); when the policy gives up, the slot stays failed and counts as neither running
 *     nor completed (the job does not reach its total, which {@code service ls} shows).</li>
 * <li>Replicated job: slots 0..TotalCompletions-1 (numbered from 0 as swarmkit's: the docker
 *     CLI's job progress counts slot 0 first), each needing one completion; new slots start
 *     while fewer than MaxConcurrent tasks run.</li>
 * <li>Global job: one task per eligible node, once per run; a node that joins later gets one.</li>
 * <li>A task on a down, drained or removed node is stopped; a replicated job's slot gets a new
 *     task elsewhere, a global job's node simply has none.</li>
 * </ul>
 */
public final class JobPlanner {
    /**
     * New slots started per pass at most: a huge MaxConcurrent must not build a huge plan; the
     * new tasks' events bring the service back for the next ones.
     */
    static final long MAX_NEW_SLOTS_PER_PASS = 10_000;

    private JobPlanner() {}

    /** What to create, stop and delete for one job service (its tasks of every run, the nodes). */
    public static Plan plan(Service service, List<Task> tasks, Map<String, Node> nodes, TaskFactory factory, int historyLimit) {
        return plan(service, tasks, nodes, factory, historyLimit, FreshTasks.unbounded());
    }

    /** As above, starting new slots only while {@code fresh} allows. */
    public static Plan plan(Service service, List<Task> tasks, Map<String, Node> nodes, TaskFactory factory, int historyLimit,
                            FreshTasks fresh) {
        boolean perNode = JobModes.perNode(service);
        long iteration = JobModes.iteration(service);
        Plan plan = new Plan();
        List<Task> current = new ArrayList<>();
        for (Task t : tasks) {
            if (t.getJobIteration().getIndex() == iteration) {
                current.add(t);
            } else if (TaskStates.live(t) && !TaskStates.finished(t)) {
                plan.update.add(t.toBuilder().setDesiredState(TaskState.SHUTDOWN).build()); // an earlier run
            }
        }

        long running = 0;
        Map<String, List<Task>> slots = Slots.of(service, current);
        for (var entry : slots.entrySet()) {
            String key = entry.getKey();
            List<Task> history = entry.getValue();
            Task live = history.stream().filter(TaskStates::live).reduce((a, b) -> b).orElse(null);
            if (live == null) {
                continue; // completed, or the restart policy gave up
            }
            if (live.getStatus().getState() == TaskState.COMPLETE) {
                plan.update.add(live.toBuilder().setDesiredState(TaskState.COMPLETE).build());
            } else if (ServicePlanner.vacating(live, nodes)) {
                plan.update.add(live.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
                if (!perNode) {
                    plan.create.add(RestartCounter.carry(factory.newTask(service, Long.parseLong(key), ""), live, factory.now()));
                    running++;
                }
            } else if (TaskStates.finished(live)) {
                var decision = RestartDecider.decide(live.getSpec().getRestartPolicy(), live, history, factory.now());
                if (decision instanceof RestartDecider.At at) {
                    plan.wakeAt(at.when());
                    running++; // the slot is still in use: no new slot starts meanwhile
                } else {
                    plan.update.add(live.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
                    if (decision instanceof RestartDecider.Now) {
                        plan.create.add(RestartCounter.carry(perNode ? factory.newTask(service, 0, key)
                                : factory.newTask(service, Long.parseLong(key), ""), live, factory.now()));
                        running++;
                    }
                }
            } else {
                running++;
            }
        }

        if (perNode) {
            for (Node n : nodes.values()) {
                if (!slots.containsKey(n.getId()) && ServicePlanner.eligible(service, n)) {
                    if (!fresh.allowsAnother()) {
                        break;
                    }
                    Task t = factory.newTask(service, 0, n.getId());
                    fresh.took(t);
                    plan.create.add(t);
                }
            }
        } else {
            long room = Math.min(MAX_NEW_SLOTS_PER_PASS, JobModes.maxConcurrent(service) - running);
            long total = JobModes.totalCompletions(service);
            for (long slot = 0; slot < total && room > 0; slot++) {
                if (!slots.containsKey(Long.toString(slot))) {
                    if (!fresh.allowsAnother()) {
                        break;
                    }
                    Task t = factory.newTask(service, slot, "");
                    fresh.took(t);
                    plan.create.add(t);
                    room--;
                }
            }
        }

        for (List<Task> history : Slots.of(service, tasks).values()) {
            ServicePlanner.prune(history, historyLimit, plan);
        }
        return plan;
    }
}
