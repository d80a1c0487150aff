package io.orch.scheduler.network;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.NetworkAttachmentConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkPlannerTest {
    private final Network front = Nets.overlay("front", "10.0.1.0/24", "10.0.1.1", null);
    private final Network back = Nets.overlay("back", "10.0.2.0/24", "10.0.2.1", null);
    private final Map<String, Network> networks = Map.of("front", front, "back", back);

    private NetworkPlanner planner(List<Service> services, List<Task> tasks) {
        return new NetworkPlanner(networks, () -> HeldAddresses.of(services, tasks));
    }

    @Test
    void aVipServiceGetsOneVipPerNetworkAndItsTasksTheNextAddressesWithAliasesAndANetworkCopy() {
        Service s = Nets.service("web", EndpointSpec.Mode.VIP, "front", "back");
        NetworkPlan plan = planner(List.of(), List.of()).plan(s, List.of(Nets.newTask(s, "t1"), Nets.newTask(s, "t2")));
        assertEquals(List.of("10.0.1.2/24", "10.0.2.2/24"),
                plan.service().getEndpoint().getVirtualIpsList().stream().map(v -> v.getAddr()).toList());
        assertEquals(List.of("10.0.1.3/24", "10.0.2.3/24"), Nets.addresses(plan.tasks().get(0)));
        assertEquals(List.of("10.0.1.4/24", "10.0.2.4/24"), Nets.addresses(plan.tasks().get(1)));
        var attachment = plan.tasks().get(0).getNetworksAttachments(0);
        assertEquals(front, attachment.getNetwork());
        assertEquals(List.of("web-alias"), attachment.getAliasesList());
        assertEquals(plan.service().getEndpoint(), plan.tasks().get(0).getEndpoint(), "the task carries the service's VIPs");
        assertEquals(List.of(4L, 4L), plan.networks().stream().map(Network::getAllocationCursor).toList());
        assertTrue(!plan.incomplete());
    }

    @Test
    void aDnsrrServiceGetsNoVip() {
        Service s = Nets.service("db", EndpointSpec.Mode.DNSRR, "front");
        NetworkPlan plan = planner(List.of(), List.of()).plan(s, List.of(Nets.newTask(s, "t1")));
        assertNull(plan.service());
        assertEquals(List.of("10.0.1.2/24"), Nets.addresses(plan.tasks().get(0)));
    }

    @Test
    void anExistingVipIsKeptAndTheVipOfADetachedNetworkIsDropped() {
        Service s = Nets.service("web", EndpointSpec.Mode.VIP, "front", "back");
        Service withVips = planner(List.of(), List.of()).plan(s, List.of()).service();
        Service frontOnly = withVips.toBuilder().setSpec(withVips.getSpec().toBuilder()
                .setTaskTemplate(TaskSpec.newBuilder().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("front")))).build();
        NetworkPlanner p = planner(List.of(frontOnly), List.of());
        assertTrue(p.needsWork(frontOnly, List.of()));
        Service after = p.plan(frontOnly, List.of()).service();
        assertEquals(List.of(withVips.getEndpoint().getVirtualIps(0)), after.getEndpoint().getVirtualIpsList());
        assertTrue(!planner(List.of(after), List.of()).needsWork(after, List.of()), "nothing left to do");
    }

    @Test
    void networksThatAreNotAllocatedOverlaysGetNoAttachment() {
        Network host = Network.newBuilder().setId("host").setSpec(io.orch.api.proto.NetworkSpec.newBuilder()
                .setName("host").setDriver("host")).build();
        NetworkPlanner p = new NetworkPlanner(Map.of("host", host), () -> {
            throw new AssertionError("nothing to allocate: the task scan must not run");
        });
        Service s = Nets.service("web", EndpointSpec.Mode.VIP, "host", "missing");
        Task t = Nets.newTask(s, "t1");
        assertTrue(!p.needsWork(s, List.of(t)));
        NetworkPlan plan = p.plan(s, List.of(t));
        assertEquals(0, plan.tasks().get(0).getNetworksAttachmentsCount());
        assertNull(plan.service());
        assertTrue(NetworkAttachments.missing(t, Map.of("host", host)).isEmpty());
    }

    @Test
    void aFullNetworkLeavesTheTaskWithoutItsAddressAndSaysWhyAndALaterPassFillsIt() {
        Network tiny = Nets.overlay("tiny", "10.0.9.0/29", "10.0.9.1", null); // .2 to .6: five addresses
        Map<String, Network> nets = new java.util.HashMap<>(Map.of("tiny", tiny));
        Service s = Nets.service("web", EndpointSpec.Mode.DNSRR, "tiny");
        List<Task> tasks = new ArrayList<>();
        AtomicInteger ids = new AtomicInteger();
        for (int i = 0; i < 6; i++) {
            List<Task> snapshot = List.copyOf(tasks);
            NetworkPlan plan = new NetworkPlanner(nets, () -> HeldAddresses.of(List.of(), snapshot))
                    .plan(s, List.of(Nets.newTask(s, "t" + ids.incrementAndGet())));
            plan.networks().forEach(n -> nets.put(n.getId(), n));
            tasks.addAll(plan.tasks());
        }
        Task last = tasks.get(5);
        assertEquals(0, last.getNetworksAttachmentsCount());
        assertEquals("no address available on network tiny-name (subnet 10.0.9.0/29 is full)", last.getStatus().getErr());
        assertEquals(List.of(nets.get("tiny")), NetworkAttachments.missing(last, nets));

        tasks.set(0, Nets.finished(tasks.get(0))); // 10.0.9.2 comes free
        List<Task> snapshot = List.copyOf(tasks);
        NetworkPlan retry = new NetworkPlanner(nets, () -> HeldAddresses.of(List.of(), snapshot)).plan(s, List.of(last));
        assertEquals(List.of("10.0.9.2/29"), Nets.addresses(retry.tasks().get(0)));
        assertEquals("", retry.tasks().get(0).getStatus().getErr());
    }

    @Test
    void anIpRangeRestrictsTaskAndVipAddresses() {
        Network ranged = Nets.overlay("r", "10.0.4.0/24", "10.0.4.1", "10.0.4.128/30");
        Service s = Nets.service("web", EndpointSpec.Mode.VIP, "r");
        NetworkPlanner p = new NetworkPlanner(Map.of("r", ranged), HeldAddresses::none);
        NetworkPlan plan = p.plan(s, List.of(Nets.newTask(s, "a"), Nets.newTask(s, "b"), Nets.newTask(s, "c"), Nets.newTask(s, "d")));
        assertEquals("10.0.4.128/24", plan.service().getEndpoint().getVirtualIps(0).getAddr());
        assertEquals(List.of("10.0.4.129/24"), Nets.addresses(plan.tasks().get(0)));
        assertEquals(List.of("10.0.4.131/24"), Nets.addresses(plan.tasks().get(2)));
        assertTrue(plan.tasks().get(3).getStatus().getErr().startsWith("no address available on network r-name"));
    }

    @Test
    void theGatewayIsNeverHandedOutWhereverItIs() {
        AddressPool pool = new AddressPool(Ipv4Cidr.parse("10.0.0.0/30"), Ipv4Address.parse("10.0.0.2"), null, 0);
        assertEquals("10.0.0.1", pool.next().orElseThrow().toString());
        assertTrue(pool.next().isEmpty(), "network, gateway and broadcast are never handed out");
    }
}
