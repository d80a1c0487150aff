package io.orch.agent.manager;

import io.orch.raft.store.WriteTx;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.orchestrator.Handover;
import io.orch.scheduler.orchestrator.JobModes;
import io.orch.scheduler.orchestrator.JobPlanner;
import io.orch.scheduler.orchestrator.Plan;
import io.orch.scheduler.orchestrator.ServicePlanner;
import io.orch.scheduler.orchestrator.FreshTasks;
import io.orch.api.model.TaskLimits;
import io.orch.api.proto.ClusterLimits;
import io.orch.scheduler.orchestrator.TaskFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The replicated, global and job orchestrator: keeps every service's slots filled with tasks of its
 * current spec, applies restart policies, removes tasks of removed services and prunes task
 * history; runs jobs to completion ({@link JobPlanner}). Creates tasks with no node; placing them is the scheduler's job.
 */
public final class Orchestrator extends ServiceLoop {
    public static final int DEFAULT_HISTORY_LIMIT = 5;
    /**
     * The store may hold this many times the cluster's task limit before no new slot gets a task:
     * the limit counts the tasks services ask for, the store also keeps their history.
     */
    static final long STORE_TASKS_PER_LIMIT = 2;

    private final Supplier<String> ids;
    private final StoreFullWarning storeFull = new StoreFullWarning();

    public Orchestrator(ClusterStore store) {
        this(store, Ids::newId);
    }

    /** With the ids new tasks get (a simulation hands in a seeded source, so a run repeats exactly). */
    public Orchestrator(ClusterStore store, Supplier<String> ids) {
        super("orchestrator", store);
        this.ids = ids;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.SERVICE || e.kind() == ObjectKind.TASK || e.kind() == ObjectKind.NODE
                || e.kind() == ObjectKind.CLUSTER;
    }

    /** Every service, and every service id tasks still name (a removed service's tasks must go). */
    @Override
    protected void addAllServiceIds(ReadTx read, Set<String> into) {
        super.addAllServiceIds(read, into);
        read.tasks().forEach(t -> into.add(t.getServiceId()));
    }

    @Override
    protected void reconcileService(String serviceId, Instant now) throws StoreException {
        store.updateAndWait(tx -> {
            var read = tx.read();
            Optional<Service> service = read.service(serviceId);
            List<Task> tasks = read.tasksOfService(serviceId);
            Plan plan;
            if (service.isEmpty()) {
                plan = ServicePlanner.planRemoved(tasks);
            } else {
                Map<String, Node> nodes = new HashMap<>();
                read.nodes().forEach(n -> nodes.put(n.getId(), n));
                TaskFactory factory = new TaskFactory(ids, now);
                FreshTasks fresh = freshTasks(read);
                if (JobModes.isJob(service.get())) {
                    plan = JobPlanner.plan(service.get(), tasks, nodes, factory, historyLimit(read), fresh);
                } else {
                    plan = ServicePlanner.plan(service.get(), tasks, nodes, factory, historyLimit(read), fresh);
                    Handover.keepWaiting(plan, tasks); // jobs are not rolled: their tasks never wait
                }
                if (fresh.outOfTasks()) {
                    storeFull.warn(serviceId, read.taskCount(), now);
                } else if (fresh.cutShort()) {
                    again(serviceId); // the rest of the new slots go in the next transaction
                }
            }
            Instant wake = plan.wakeAt();
            BoundedTaskWrites writes = BoundedTaskWrites.of(plan.create, plan.update, plan.delete,
                    WriteTx.ENTRY_BUDGET_BYTES);
            if (writes.deferred()) {
                again(serviceId); // the rest of the plan goes in the next transaction
            }
            List<Task> creates = writes.create();
            if (service.isPresent()) {
                // also the pass that notices a service's networks changed (its VIPs follow) and
                // that retries tasks still waiting for an address; it leaves alone every task the
                // plan changes, in this transaction or a later one
                Set<String> rewritten = new HashSet<>();
                plan.update.forEach(t -> rewritten.add(t.getId()));
                plan.delete.forEach(t -> rewritten.add(t.getId()));
                NetworkAllocation.Result addresses = NetworkAllocation.allocate(tx, service.get(), creates, tasks, rewritten,
                        WriteTx.ENTRY_BUDGET_BYTES - writes.bytes());
                if (addresses.deferred()) {
                    again(serviceId);
                }
                creates = addresses.creates();
                addresses.updates().forEach(tx::update);
                if (addresses.service() != null) {
                    tx.update(addresses.service());
                }
                if (addresses.incomplete()) {
                    Instant retry = now.plus(NetworkAllocation.RETRY);
                    wake = wake == null || retry.isBefore(wake) ? retry : wake;
                }
            }
            if (wake != null) {
                wakeAt(serviceId, wake);
            }
            creates.forEach(tx::create);
            writes.update().forEach(tx::update);
            writes.delete().forEach(tx::delete);
        });
    }

    /**
     * New slots filled in one transaction: about one Raft entry's budget
     * ({@link WriteTx#ENTRY_BUDGET_BYTES}), so a service scaled to tens of thousands of replicas
     * fills them over several transactions; and none once the store holds
     * {@link #STORE_TASKS_PER_LIMIT} times the cluster's task limit (history included), so a spec
     * committed before the limit was lowered, or one that got past it, cannot exhaust the heap.
     * Replacements are never held back: a slot whose old task is stopped gets its new task in
     * the same transaction.
     */
    private static FreshTasks freshTasks(ReadTx read) {
        ClusterLimits settings = read.cluster().map(c -> c.getSpec().getLimits()).orElse(ClusterLimits.getDefaultInstance());
        long ceiling = TaskLimits.forThisManager(settings).maxTasks() * STORE_TASKS_PER_LIMIT;
        return new FreshTasks(ceiling - read.taskCount(), WriteTx.ENTRY_BUDGET_BYTES);
    }

    private static int historyLimit(ReadTx read) {
        return read.cluster()
                .filter(c -> c.getSpec().getOrchestration().hasTaskHistoryRetentionLimit())
                .map(c -> (int) Math.max(1, c.getSpec().getOrchestration().getTaskHistoryRetentionLimit()))
                .orElse(DEFAULT_HISTORY_LIMIT);
    }
}
