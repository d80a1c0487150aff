package io.orch.agent.manager;

import io.orch.api.proto.Network;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.WriteTx;
import io.orch.scheduler.network.HeldAddresses;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.network.NetworkAttachments;
import io.orch.scheduler.network.NetworkPlan;
import io.orch.scheduler.network.NetworkPlanner;
import io.orch.api.model.TaskStates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Overlay addresses for the tasks a loop creates, and VIPs for their service, inside the loop's
 * own transaction. The decisions are {@link NetworkPlanner}'s; this reads what it needs from the
 * transaction's view and writes every network whose cursor moved with a version-checked
 * {@code tx.update}: that write is the allocators' lock. Two transactions that allocate on one
 * network from the same view both rewrite it, so the second to commit is rejected and its loop
 * reads again, instead of both handing out the same address.
 *
 * <p>Addresses are never released: a task that finished or was deleted simply stops being
 * counted as a holder, and the cursor keeps its address from being reused at once.
 *
 * <p>Cost: finding the held addresses scans every task and service in the store (O(tasks)),
 * so it is only done when a pass actually has to hand out an address or change a VIP; passes
 * that create tasks without networks, or nothing at all, never pay it. A per-network index of
 * held addresses in the store would make it O(tasks on the network); that is a follow-up.
 */
final class NetworkAllocation {
    /**
     * How soon a service with a task waiting for an address is looked at again. Addresses come
     * free when other services' tasks finish, which does not wake this service, so it polls;
     * a few seconds is quick enough for a full network and cheap while nothing changes.
     */
    static final Duration RETRY = Duration.ofSeconds(5);

    /**
     * @param creates    the tasks to create, with their attachments
     * @param updates    existing tasks that got (some of) their missing addresses, or a new reason
     * @param service    the service with its new VIPs, or null when they did not change
     * @param incomplete some task or VIP still waits for an address (a network is full)
     * @param deferred   existing tasks waiting for an address were left for the next pass (the budget was used)
     */
    record Result(List<Task> creates, List<Task> updates, Service service, boolean incomplete, boolean deferred) {
        static Result nothing(List<Task> creates, boolean deferred) {
            return new Result(creates, List.of(), null, false, deferred);
        }
    }

    private NetworkAllocation() {}

    /**
     * Allocates for {@code creates}, fills the missing addresses of {@code service}'s existing
     * tasks that still wait for placement (except those in {@code untouchable}, which the
     * caller's transaction already rewrites), and reconciles the service's VIPs with its
     * networks. Writes the moved networks to {@code tx}; the caller writes the rest. Existing
     * tasks are rewritten up to about {@code budget} bytes (see {@link BoundedTaskWrites}); the
     * others wait for the next pass ({@link Result#deferred()}).
     */
    static Result allocate(WriteTx tx, Service service, List<Task> creates, List<Task> existing, Set<String> untouchable,
            long budget) {
        ReadTx read = tx.read();
        if (!namesNetworks(service, creates, existing)) {
            return Result.nothing(creates, false); // the common case: no networks, no store scan
        }
        Map<String, Network> networks = new HashMap<>();
        read.networks().forEach(n -> networks.put(n.getId(), n));
        List<Task> waiting = new ArrayList<>();
        long bytes = 0;
        boolean deferred = false;
        for (Task t : existing) {
            if (!untouchable.contains(t.getId()) && TaskStates.awaitingPlacement(t) && !TaskStates.finished(t)
                    && !NetworkAttachments.missing(t, networks).isEmpty()) {
                if (bytes + t.getSerializedSize() > budget) {
                    deferred = true;
                    break;
                }
                waiting.add(t);
                bytes += t.getSerializedSize();
            }
        }
        List<Task> all = new ArrayList<>(creates);
        all.addAll(waiting);
        // the nodes' own ingress addresses are held too: a task never gets one of them
        NetworkPlanner planner = new NetworkPlanner(networks, () -> HeldAddresses.of(read.services(), read.tasks(), read.nodes()));
        if (!planner.needsWork(service, all)) {
            return Result.nothing(creates, deferred);
        }
        NetworkPlan plan = planner.plan(service, all);
        plan.networks().forEach(tx::update);
        List<Task> updates = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            Task planned = plan.tasks().get(creates.size() + i);
            if (!planned.equals(waiting.get(i))) {
                updates.add(planned);
            }
        }
        return new Result(plan.tasks().subList(0, creates.size()), updates, plan.service(), plan.incomplete(), deferred);
    }

    /** Whether anything here could involve a network: the service, its VIPs, or one of the tasks. */
    private static boolean namesNetworks(Service service, List<Task> creates, List<Task> existing) {
        if (service.getSpec().getTaskTemplate().getNetworksCount() > 0 || service.getEndpoint().getVirtualIpsCount() > 0
                || IngressPorts.needsIngress(service.getSpec().getEndpointSpec())) {
            return true;
        }
        for (Task t : creates) {
            if (t.getSpec().getNetworksCount() > 0 || IngressPorts.needsIngress(t.getEndpoint().getSpec())) {
                return true;
            }
        }
        for (Task t : existing) {
            if ((t.getSpec().getNetworksCount() > 0 || IngressPorts.needsIngress(t.getEndpoint().getSpec()))
                    && TaskStates.awaitingPlacement(t)) {
                return true;
            }
        }
        return false;
    }

    /** The service to write: {@code base} (the caller's own change, or null) with the allocation's VIPs. */
    static Service merged(Service base, Result result) {
        if (result.service() == null) {
            return base;
        }
        if (base == null) {
            return result.service();
        }
        return base.toBuilder().setEndpoint(result.service().getEndpoint()).build();
    }
}
