package io.orch.scheduler.network;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.model.TaskStates;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random sequences of allocate / finish / delete / attach / detach over a /27 (29 usable
 * addresses besides the gateway, so sequences wrap the cursor and fill the subnet), applied as
 * the orchestrator applies plans: every step reads the held addresses from the current state.
 */
class AddressAllocationProperties {
    private static final Ipv4Cidr SUBNET = Ipv4Cidr.parse("10.0.7.0/27");
    private static final Ipv4Address GATEWAY = Ipv4Address.parse("10.0.7.1");

    /** The world the planner sees, as a store would hold it. */
    private static final class World {
        Network network = Nets.overlay("n", SUBNET.toString(), GATEWAY.toString(), null);
        final Map<String, Service> services = new HashMap<>();
        final List<Task> tasks = new ArrayList<>();
        int ids;
        /** Addresses handed out since the cursor last wrapped around the subnet. */
        final Set<Ipv4Address> handedOutThisSweep = new HashSet<>();

        World() {
            services.put("vip", Nets.service("vip", EndpointSpec.Mode.VIP, "n"));
            services.put("rr", Nets.service("rr", EndpointSpec.Mode.DNSRR, "n"));
        }

        NetworkPlan apply(Service service, List<Task> creates) {
            List<Service> svcSnapshot = List.copyOf(services.values());
            List<Task> taskSnapshot = List.copyOf(tasks);
            Set<Ipv4Address> heldBefore = held();
            long cursorBefore = network.getAllocationCursor();
            NetworkPlan plan = new NetworkPlanner(Map.of("n", network), () -> HeldAddresses.of(svcSnapshot, taskSnapshot))
                    .plan(service, creates);
            // every address handed out is the first free one after the cursor, wrapping
            List<Ipv4Address> fresh = freshAddresses(service, plan);
            long cursor = cursorBefore;
            Set<Ipv4Address> held = new HashSet<>(heldBefore);
            for (Ipv4Address a : fresh) {
                assertEquals(firstFreeAfter(cursor, held), a, "the first free address after the cursor");
                long offset = SUBNET.offsetOf(a);
                if (offset <= cursor) {
                    handedOutThisSweep.clear(); // the cursor wrapped
                }
                assertTrue(handedOutThisSweep.add(a), a + " handed out twice within one sweep of the cursor");
                held.add(a);
                cursor = offset;
            }
            if (plan.service() != null) {
                services.put(service.getId(), plan.service());
            }
            tasks.addAll(plan.tasks());
            for (Network n : plan.networks()) {
                network = n;
            }
            return plan;
        }

        private List<Ipv4Address> freshAddresses(Service before, NetworkPlan plan) {
            List<Ipv4Address> out = new ArrayList<>();
            if (plan.service() != null) {
                Set<String> had = new HashSet<>();
                before.getEndpoint().getVirtualIpsList().forEach(v -> had.add(v.getAddr()));
                plan.service().getEndpoint().getVirtualIpsList().stream().filter(v -> !had.contains(v.getAddr()))
                        .forEach(v -> out.add(NetworkAllocations.addressOf(v.getAddr())));
            }
            plan.tasks().forEach(t -> Nets.addresses(t).forEach(a -> out.add(NetworkAllocations.addressOf(a))));
            return out;
        }

        Ipv4Address firstFreeAfter(long cursor, Set<Ipv4Address> held) {
            for (int i = 1; i <= SUBNET.size(); i++) {
                long offset = (cursor + i) % SUBNET.size();
                Ipv4Address a = SUBNET.addressAt(offset);
                if (offset != 0 && offset != SUBNET.size() - 1 && !a.equals(GATEWAY) && !held.contains(a)) {
                    return a;
                }
            }
            return null;
        }

        /** VIPs and unfinished tasks' addresses, each once; fails on a duplicate. */
        Set<Ipv4Address> held() {
            Set<Ipv4Address> seen = new HashSet<>();
            Set<Ipv4Address> vips = new HashSet<>();
            for (Service s : services.values()) {
                for (EndpointVirtualIP v : s.getEndpoint().getVirtualIpsList()) {
                    Ipv4Address a = NetworkAllocations.addressOf(v.getAddr());
                    assertTrue(seen.add(a), "VIP " + a + " given twice");
                    vips.add(a);
                }
            }
            for (Task t : tasks) {
                if (TaskStates.finished(t)) {
                    continue;
                }
                for (String addr : Nets.addresses(t)) {
                    Ipv4Address a = NetworkAllocations.addressOf(addr);
                    assertFalse(vips.contains(a), "task " + t.getId() + " has VIP " + a);
                    assertTrue(seen.add(a), a + " held by two live tasks");
                }
            }
            return seen;
        }
    }

    @Property(tries = 300)
    void addressesAreNeverSharedNeverReservedAndFullIsReported(
            @ForAll @Size(min = 1, max = 150) List<@IntRange(min = 0, max = 99) Integer> ops) {
        World w = new World();
        for (int op : ops) {
            int kind = op % 10;
            if (kind <= 4) { // allocate one to three tasks of either service
                Service s = w.services.get(op % 2 == 0 ? "vip" : "rr");
                List<Task> creates = new ArrayList<>();
                for (int i = 0; i <= op % 3; i++) {
                    creates.add(Nets.newTask(s, "t" + (++w.ids)));
                }
                int usableFree = 29 - w.held().size();
                NetworkPlan plan = w.apply(s, creates);
                for (Task t : plan.tasks()) {
                    if (t.getSpec().getNetworksCount() > 0 && t.getNetworksAttachmentsCount() == 0) {
                        assertEquals("no address available on network n-name (subnet 10.0.7.0/27 is full)", t.getStatus().getErr());
                        assertTrue(w.held().size() == 29, "reported full with free addresses left (" + usableFree + " before)");
                    }
                }
            } else if (kind <= 6 && !w.tasks.isEmpty()) { // finish one
                int i = op % w.tasks.size();
                w.tasks.set(i, Nets.finished(w.tasks.get(i)));
            } else if (kind <= 8 && !w.tasks.isEmpty()) { // delete one
                w.tasks.remove(op % w.tasks.size());
            } else { // detach or re-attach the VIP service's network
                Service s = w.services.get("vip");
                boolean attached = s.getSpec().getTaskTemplate().getNetworksCount() > 0;
                TaskSpec.Builder template = s.getSpec().getTaskTemplate().toBuilder().clearNetworks();
                if (!attached) {
                    template.addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("n"));
                }
                Service changed = s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(template)).build();
                w.services.put("vip", changed);
                NetworkPlan plan = w.apply(changed, List.of());
                Service after = plan.service() != null ? plan.service() : changed;
                if (attached) {
                    assertEquals(0, after.getEndpoint().getVirtualIpsCount(), "the VIP of a detached network is dropped");
                } else if (after.getEndpoint().getVirtualIpsCount() != 1) {
                    assertTrue(plan.incomplete() && w.held().size() == 29, "no VIP although addresses are free");
                }
            }
            Set<Ipv4Address> held = w.held();
            for (Ipv4Address a : held) {
                if (!SUBNET.contains(a) || a.equals(GATEWAY) || a.equals(SUBNET.base()) || a.equals(SUBNET.last())) {
                    fail(a + " is not a usable address of " + SUBNET);
                }
            }
        }
    }
}
