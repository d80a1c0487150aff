package io.orch.agent.manager;

import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Network;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.WriteTx;
import io.orch.scheduler.network.HeldAddresses;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.network.NodeAddresses;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The managers' side of the routing mesh's network, on the Raft leader: gives every node in the
 * store its own address on the ingress network (Node.attachments; {@link NodeAddresses} decides),
 * and drops addresses on an ingress network that is gone.
 *
 * <p>It also makes the ingress network of a cluster created before orch had one, once per
 * leadership, when the leader starts: a cluster made since has it from {@link ClusterBootstrap};
 * and, in the same first pass, gives ports to services such a cluster stored with a PublishedPort
 * of 0.
 * Not on every pass: an operator may remove the ingress network (when no service publishes
 * through it) and must not see it come back behind their back, as in Swarm.
 *
 * <p>Every write is version-checked (the nodes and the moved network), so a pass that raced a
 * task allocation on the same network, or a node's own update, is simply run again.
 */
public final class IngressLoop extends StoreLoop {
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private volatile boolean ensured;
    /** Nodes without an address at the last warning: the full-network warning is logged when this changes. */
    private int warnedWaiting;

    public IngressLoop(ClusterStore store) {
        super("ingress", store);
    }

    /** A new leadership: the once-per-leadership first pass (ports, the ingress network) is due again. */
    @Override
    public void begin(Instant now) {
        ensured = false;
        dirty.set(true);
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.NODE || e.kind() == ObjectKind.NETWORK;
    }

    @Override
    protected void markAll(Instant now) {
        dirty.set(true);
    }

    @Override
    protected void mark(StoreEvent event) {
        dirty.set(true);
    }

    /**
     * Services stored before orch allocated ports kept a PublishedPort of 0 in Endpoint.Ports;
     * the routing mesh needs a real one. Each gets its ports as a create would have given them
     * (a port another service already holds is left as it is, with a warning: the operator must
     * choose). Writes the Cluster lock as the API does ({@code ServicePorts}). True when it wrote.
     */
    private boolean allocateUnassignedPorts(WriteTx tx) {
        ReadTx read = tx.read();
        List<Service> services = new ArrayList<>(read.services());
        boolean wrote = false;
        for (int i = 0; i < services.size(); i++) {
            Service s = services.get(i);
            boolean unassigned = s.getEndpoint().getPortsList().stream()
                    .anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS && p.getPublishedPort() == 0);
            if (!unassigned) {
                continue;
            }
            try {
                List<PortConfig> ports = IngressPorts.allocate(s.getSpec().getEndpointSpec(), List.of(),
                        IngressPorts.taken(services, s.getId()));
                Service next = s.toBuilder().setEndpoint(s.getEndpoint().toBuilder().clearPorts().addAllPorts(ports)).build();
                services.set(i, next);
                tx.update(next);
                wrote = true;
                log.info("service {}: published ports allocated {}", s.getSpec().getName(), ports.stream()
                        .map(p -> Integer.toUnsignedString(p.getPublishedPort())).toList());
            } catch (IngressPorts.ConflictException e) {
                log.warn("service {}: its published ports could not be allocated: {}", s.getSpec().getName(), e.getMessage());
            }
        }
        if (wrote) {
            read.cluster().ifPresent(tx::update);
        }
        return wrote;
    }

    @Override
    protected Instant reconcile(Instant now) throws Exception {
        if (!dirty.getAndSet(false)) {
            return null;
        }
        boolean[] again = {false};
        boolean[] migrated = {false};
        store.updateAndWait(tx -> {
            ReadTx read = tx.read();
            Optional<Network> ingress = IngressNetwork.find(read);
            if (!ensured && allocateUnassignedPorts(tx)) {
                migrated[0] = true; // the rest of the first pass (the ingress network) comes next
                again[0] = true;
                return;
            }
            if (ingress.isEmpty() && !ensured) {
                if (IngressNetwork.createIn(tx, read.cluster().orElse(null)).isPresent()) {
                    log.info("created the ingress network (this cluster was made before orch had one)");
                    again[0] = true; // the nodes get their addresses on the next pass, from the stored network
                    return;
                }
            }
            if (!NodeAddresses.needsWork(ingress, read.nodes())) {
                return;
            }
            NodeAddresses.Plan plan = NodeAddresses.plan(ingress, read.nodes(),
                    () -> HeldAddresses.of(read.services(), read.tasks(), read.nodes()));
            plan.network().ifPresent(tx::update);
            plan.nodes().forEach(tx::update);
            if (plan.waiting() != warnedWaiting && plan.waiting() > 0) {
                log.warn("{} node(s) have no address on the ingress network: its subnet is full", plan.waiting());
            }
            warnedWaiting = plan.waiting();
        });
        if (!migrated[0]) {
            ensured = true;
        }
        if (again[0]) {
            dirty.set(true);
            return now;
        }
        return null;
    }
}
