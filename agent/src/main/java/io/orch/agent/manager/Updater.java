package io.orch.agent.manager;

import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.orchestrator.Readiness;
import io.orch.scheduler.orchestrator.RollingUpdate;
import io.orch.scheduler.orchestrator.TaskFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The update orchestrator: rolls every service whose tasks run an older spec over to its
 * current spec, slot by slot, per its UpdateConfig (or RollbackConfig), and keeps
 * Service.UpdateStatus as Docker reports it. The decisions are {@link RollingUpdate}'s; this loop
 * feeds it the store and writes what it says, one transaction per service. All the progress of
 * a rollout is in the store, so after a restart (or, later, on a new leader) it goes on where it
 * stopped. Runs next to the {@link Orchestrator}, which fills and restarts slots; neither calls
 * the other.
 */
public final class Updater extends StoreLoop {
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Instant> wakes = new HashMap<>();
    /** Per service: when each new task was first seen ready (precision for the monitor window only). */
    private final Map<String, Map<String, Instant>> readySince = new HashMap<>();
    private final Readiness readiness;
    private boolean all;

    public Updater(ClusterStore store, Clock clock, MeterRegistry metrics) {
        this(store, clock, metrics, Readiness.RUNNING_AND_HEALTHY);
    }

    public Updater(ClusterStore store, Clock clock, MeterRegistry metrics, Readiness readiness) {
        super("updater", store, clock, metrics);
        this.readiness = readiness;
    }

    @Override
    protected Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.SERVICE || e.kind() == ObjectKind.TASK || e.kind() == ObjectKind.NODE;
    }

    @Override
    protected void markAll() {
        all = true;
    }

    @Override
    protected void mark(StoreEvent event) {
        switch (event.kind()) {
            case SERVICE -> dirty.add(event.id());
            case TASK -> dirty.add(((Task) event.object()).getServiceId());
            default -> all = true; // a node going down frees the slots of a stop-first handover
        }
    }

    @Override
    protected Instant reconcile() throws StoreException {
        Instant now = clock.instant();
        wakes.entrySet().removeIf(e -> {
            if (!e.getValue().isAfter(now)) {
                dirty.add(e.getKey());
                return true;
            }
            return false;
        });
        if (all) {
            all = false;
            store.read(r -> {
                r.services().forEach(s -> dirty.add(s.getId()));
                return null;
            });
        }
        Set<String> work = new HashSet<>(dirty);
        dirty.clear();
        for (String serviceId : work) {
            try {
                reconcileService(serviceId, now);
            } catch (StoreException e) {
                dirty.add(serviceId); // a concurrent write (API, orchestrator, worker): read again next turn
                throw e;
            }
        }
        return wakes.values().stream().min(Instant::compareTo).orElse(null);
    }

    private void reconcileService(String serviceId, Instant now) throws StoreException {
        store.updateAndWait(tx -> {
            var read = tx.read();
            Optional<Service> service = read.service(serviceId);
            if (service.isEmpty()) {
                readySince.remove(serviceId);
                wakes.remove(serviceId);
                return;
            }
            List<Task> tasks = read.tasksOfService(serviceId);
            Map<String, Node> nodes = new HashMap<>();
            read.nodes().forEach(n -> nodes.put(n.getId(), n));
            Map<String, Instant> seen = readySince.computeIfAbsent(serviceId, k -> new HashMap<>());
            RollingUpdate.Step step = RollingUpdate.step(service.get(), tasks, nodes, new TaskFactory(Ids::newId, now),
                    seen, readiness);
            if (step.tasks.wakeAt() != null) {
                wakes.put(serviceId, step.tasks.wakeAt());
            } else {
                wakes.remove(serviceId);
            }
            if (step.service() != null) {
                tx.update(step.service());
            }
            step.tasks.create.forEach(tx::create);
            step.taskUpdates().forEach(tx::update);
        });
    }
}
