package io.orch.scheduler.network;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.Node;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Services with ingress ports on the ingress network, and nodes' own addresses there. */
class IngressAttachmentTest {
    private final Network ingress = Nets.overlay("ing", "10.0.0.0/24", "10.0.0.1", null).toBuilder()
            .setSpec(Nets.overlay("ing", "10.0.0.0/24", "10.0.0.1", null).getSpec().toBuilder().setName("ingress").setIngress(true))
            .build();
    private final Network front = Nets.overlay("front", "10.0.1.0/24", "10.0.1.1", null);
    private final Map<String, Network> networks = Map.of("ing", ingress, "front", front);

    private static Service publishing(Service s, PortConfig.PublishMode mode) {
        EndpointSpec spec = s.getSpec().getEndpointSpec().toBuilder().addPorts(PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080)
                .setPublishMode(mode)).build();
        return s.toBuilder().setSpec(s.getSpec().toBuilder().setEndpointSpec(spec)).setEndpoint(Endpoint.newBuilder().setSpec(spec)).build();
    }

    private static Task taskOf(Service s, String id) {
        return Nets.newTask(s, id).toBuilder().setEndpoint(s.getEndpoint()).build();
    }

    private static Node node(String id) {
        return Node.newBuilder().setId(id).build();
    }

    @Test
    void aServiceWithAnIngressPortGetsAVipAndItsTasksAnAddressOnTheIngressNetworkBesideItsOwn() {
        Service s = publishing(Nets.service("web", EndpointSpec.Mode.VIP, "front"), PortConfig.PublishMode.INGRESS);
        Task t = taskOf(s, "t1");
        assertEquals(List.of(front, ingress), NetworkAttachments.missing(t, networks));
        NetworkPlan plan = new NetworkPlanner(networks, () -> HeldAddresses.of(List.of(), List.of())).plan(s, List.of(t));
        assertEquals(List.of("front", "ing"), plan.service().getEndpoint().getVirtualIpsList().stream()
                .map(v -> v.getNetworkId()).toList());
        Task planned = plan.tasks().get(0);
        assertEquals(List.of("front", "ing"), planned.getNetworksAttachmentsList().stream().map(a -> a.getNetwork().getId()).toList());
        assertTrue(planned.getNetworksAttachments(1).getAliasesList().isEmpty(), "no DNS names on the ingress network");
        assertEquals(List.of(), NetworkAttachments.missing(planned, networks));
        assertEquals(List.of(8080), plan.service().getEndpoint().getSpec().getPortsList().stream()
                .map(PortConfig::getPublishedPort).toList());
    }

    @Test
    void hostModePortsDoNotJoinTheIngressNetwork() {
        Service s = publishing(Nets.service("web", EndpointSpec.Mode.VIP), PortConfig.PublishMode.HOST);
        Task t = taskOf(s, "t1");
        assertEquals(List.of(), NetworkAttachments.missing(t, networks));
        NetworkPlanner planner = new NetworkPlanner(networks, () -> HeldAddresses.of(List.of(), List.of()));
        assertFalse(planner.needsWork(s, List.of(t)));
    }

    @Test
    void everyNodeGetsAnIngressAddressThatNoTaskHoldsAndKeepsIt() {
        Service s = publishing(Nets.service("web", EndpointSpec.Mode.DNSRR), PortConfig.PublishMode.INGRESS);
        Task holder = taskOf(s, "t1").toBuilder().addNetworksAttachments(NetworkAttachment.newBuilder().setNetwork(ingress)
                .addAddresses("10.0.0.2/24")).build();
        List<Node> nodes = List.of(node("n1"), node("n2"));
        assertTrue(NodeAddresses.needsWork(Optional.of(ingress), nodes));
        NodeAddresses.Plan plan = NodeAddresses.plan(Optional.of(ingress), nodes,
                () -> HeldAddresses.of(List.of(), List.of(holder), List.of()));
        assertEquals(List.of("10.0.0.3/24", "10.0.0.4/24"), plan.nodes().stream()
                .map(n -> NodeAddresses.address(n, ingress).orElseThrow()).toList());
        assertEquals(4L, plan.network().orElseThrow().getAllocationCursor());
        assertEquals(0, plan.waiting());
        assertFalse(NodeAddresses.needsWork(Optional.of(ingress), plan.nodes()), "an allocated node keeps its address");

        // a task allocated after the nodes does not get a node's address
        Network moved = plan.network().get();
        Task next = taskOf(s, "t2");
        NetworkPlan tasks = new NetworkPlanner(Map.of("ing", moved.toBuilder().setAllocationCursor(0).build()),
                () -> HeldAddresses.of(List.of(), List.of(holder), plan.nodes())).plan(s, List.of(next));
        assertEquals(List.of("10.0.0.5/24"), Nets.addresses(tasks.tasks().get(0)));
    }

    @Test
    void aNodesAddressOnAnIngressNetworkThatIsGoneIsDroppedAndReplaced() {
        Node stale = Node.newBuilder().setId("n1").addAttachments(NetworkAttachment.newBuilder()
                .setNetwork(Nets.overlay("old", "10.0.9.0/24", "10.0.9.1", null)).addAddresses("10.0.9.7/24")).build();
        NodeAddresses.Plan plan = NodeAddresses.plan(Optional.of(ingress), List.of(stale), HeldAddresses::none);
        assertEquals(1, plan.nodes().get(0).getAttachmentsCount());
        assertEquals("10.0.0.2/24", NodeAddresses.address(plan.nodes().get(0), ingress).orElseThrow());
        NodeAddresses.Plan none = NodeAddresses.plan(Optional.empty(), List.of(stale), HeldAddresses::none);
        assertEquals(0, none.nodes().get(0).getAttachmentsCount());
    }

    @Test
    void aFullIngressNetworkLeavesTheNodeWaitingWithoutRewritingIt() {
        Network tiny = ingress.toBuilder().setIpam(ingress.getIpam().toBuilder().setConfigs(0,
                ingress.getIpam().getConfigs(0).toBuilder().setSubnet("10.0.0.0/30"))).build();
        NodeAddresses.Plan plan = NodeAddresses.plan(Optional.of(tiny), List.of(node("n1"), node("n2")), HeldAddresses::none);
        assertEquals(1, plan.nodes().size(), "the second node has nothing to write");
        assertEquals(1, plan.waiting());
    }

    @Test
    void aRemovedNodesAddressIsNoLongerHeldAndGoesToTheNextNodeOnceTheCursorComesRound() {
        Network tiny = ingress.toBuilder().setIpam(ingress.getIpam().toBuilder().setConfigs(0,
                ingress.getIpam().getConfigs(0).toBuilder().setSubnet("10.0.0.0/29"))).build(); // .2 to .6
        List<Node> five = List.of(node("n1"), node("n2"), node("n3"), node("n4"), node("n5"));
        NodeAddresses.Plan full = NodeAddresses.plan(Optional.of(tiny), five, HeldAddresses::none);
        assertEquals(0, full.waiting());
        Network moved = full.network().orElseThrow();
        List<Node> remaining = new java.util.ArrayList<>(full.nodes().subList(1, 5)); // docker node rm n1 (10.0.0.2)
        remaining.add(node("n6"));
        NodeAddresses.Plan next = NodeAddresses.plan(Optional.of(moved), remaining,
                () -> HeldAddresses.of(List.of(), List.of(), remaining));
        assertEquals(List.of("10.0.0.2/29"), next.nodes().stream()
                .map(n -> NodeAddresses.address(n, moved).orElseThrow()).toList());
    }
}
