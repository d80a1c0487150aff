package io.orch.agent.manager;

import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.raft.store.WriteTx;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.orchestrator.Readiness;
import io.orch.scheduler.orchestrator.RollingUpdate;
import io.orch.scheduler.orchestrator.TaskFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The update orchestrator: rolls every service whose tasks run an older spec over to its
 * current spec, slot by slot, per its UpdateConfig (or RollbackConfig), and keeps
 * Service.UpdateStatus as Docker reports it. The decisions are {@link RollingUpdate}'s; this loop
 * feeds it the store and writes what it says, one transaction per service. All the progress of
 * a rollout is in the store, so after a restart (or, later, on a new leader) it goes on where it
 * stopped. Runs next to the {@link Orchestrator}, which fills and restarts slots; neither calls
 * the other.
 */
public final class Updater extends ServiceLoop {
    /** Per service: when each new task was first seen ready (precision for the monitor window only). */
    private final Map<String, Map<String, Instant>> readySince = new HashMap<>();
    private final Readiness readiness;
    private final Supplier<String> ids;

    public Updater(ClusterStore store) {
        this(store, Readiness.RUNNING_AND_HEALTHY);
    }

    public Updater(ClusterStore store, Readiness readiness) {
        this(store, readiness, Ids::newId);
    }

    /** With the ids new tasks get (a simulation hands in a seeded source, so a run repeats exactly). */
    public Updater(ClusterStore store, Readiness readiness, Supplier<String> ids) {
        super("updater", store);
        this.readiness = readiness;
        this.ids = ids;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.SERVICE || e.kind() == ObjectKind.TASK || e.kind() == ObjectKind.NODE;
    }

    @Override
    protected void reconcileService(String serviceId, Instant now) throws StoreException {
        store.updateAndWait(tx -> {
            var read = tx.read();
            Optional<Service> service = read.service(serviceId);
            if (service.isEmpty()) {
                readySince.remove(serviceId);
                wakeAt(serviceId, null);
                return;
            }
            List<Task> tasks = read.tasksOfService(serviceId);
            Map<String, Node> nodes = new HashMap<>();
            read.nodes().forEach(n -> nodes.put(n.getId(), n));
            Map<String, Instant> seen = readySince.computeIfAbsent(serviceId, k -> new HashMap<>());
            RollingUpdate.Step step = RollingUpdate.step(service.get(), tasks, nodes, new TaskFactory(ids, now),
                    seen, readiness);
            wakeAt(serviceId, step.tasks.wakeAt());
            // the rest of a large step (parallelism 0 on many replicas) in the next transactions
            BoundedTaskWrites writes = BoundedTaskWrites.of(step.tasks.create, step.taskUpdates(), List.of(),
                    WriteTx.ENTRY_BUDGET_BYTES);
            if (writes.deferred()) {
                again(serviceId);
            }
            // addresses for the new tasks only; the orchestrator retries tasks still waiting for one.
            // A rollback's first tasks come in the write that restores the previous spec: their
            // networks are that spec's.
            Service allocatingFor = step.service() != null ? step.service() : service.get();
            NetworkAllocation.Result addresses = NetworkAllocation.allocate(tx, allocatingFor, writes.create(),
                    List.of(), Set.of(), 0);
            Service serviceUpdate = NetworkAllocation.merged(step.service(), addresses);
            if (serviceUpdate != null && !serviceUpdate.getSpec().getEndpointSpec().equals(service.get().getSpec().getEndpointSpec())) {
                serviceUpdate = withPortsOfItsSpec(read, serviceUpdate);
                if (!serviceUpdate.getEndpoint().getPortsList().equals(service.get().getEndpoint().getPortsList())) {
                    read.cluster().ifPresent(tx::update); // the port lock, as the API takes it
                }
            }
            if (serviceUpdate != null) {
                tx.update(serviceUpdate);
            }
            addresses.creates().forEach(tx::create);
            writes.update().forEach(tx::update);
        });
    }

    /**
     * A rollback after failure puts the previous spec back: its published ports come back with it
     * (allocated as the API would; {@code ServicePorts}), so the routing mesh and the ports other
     * services may claim follow the spec that runs.
     */
    private Service withPortsOfItsSpec(io.orch.raft.store.ReadTx read, Service s) {
        java.util.List<io.orch.api.proto.PortConfig> ports = IngressPorts.allocateAvailable(s.getSpec().getEndpointSpec(),
                s.getEndpoint().getPortsList(), IngressPorts.taken(read.services(), s.getId()),
                refused -> log.warn("service {}: a port of the rolled-back spec is not published: {}", s.getSpec().getName(), refused));
        return s.toBuilder().setEndpoint(s.getEndpoint().toBuilder().setSpec(s.getSpec().getEndpointSpec())
                .clearPorts().addAllPorts(ports)).build();
    }
}
