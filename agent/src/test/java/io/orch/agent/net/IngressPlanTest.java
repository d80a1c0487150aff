package io.orch.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.NodeNetworkAddress;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ServiceEndpoint;
import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.IngressRules;
import io.orch.runtime.net.overlay.IngressRules.Port;
import io.orch.runtime.net.overlay.IngressRules.Protocol;
import io.orch.runtime.net.overlay.OverlayPeer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The routing mesh a node sets up, read off hand-built network maps. */
class IngressPlanTest {
    static final Network INGRESS = Network.newBuilder().setId("ing").setVni(4096)
            .setSpec(NetworkSpec.newBuilder().setName("ingress").setDriver("overlay").setIngress(true))
            .setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet("10.0.0.0/24").setGateway("10.0.0.1")))
            .build();
    static final Network BACKEND = Network.newBuilder().setId("be").setVni(4097)
            .setSpec(NetworkSpec.newBuilder().setName("backend").setDriver("overlay"))
            .setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet("10.0.1.0/24")))
            .build();

    static int ip(String dotted) {
        return Subnet.parseAddress(dotted);
    }

    static NodeNetworkAddress nodeAddr(String node, String address, String underlay) {
        return NodeNetworkAddress.newBuilder().setNodeId(node).setNetworkId("ing").setAddress(address).setNodeAddr(underlay).build();
    }

    static NetworkEndpoint task(String id, String service, String network, String address, String node, boolean serving) {
        return NetworkEndpoint.newBuilder().setTaskId(id).setServiceId(service).setNetworkId(network).setAddress(address)
                .setNodeId(node).setNodeAddr("192.168.1." + node.substring(1)).setServing(serving).build();
    }

    static PortConfig port(PortConfig.Protocol protocol, int published, int target, PortConfig.PublishMode mode) {
        return PortConfig.newBuilder().setProtocol(protocol).setPublishedPort(published).setTargetPort(target).setPublishMode(mode).build();
    }

    /** Three nodes; web (2 tasks on n2 and n3, one not serving yet elsewhere) publishes 8080 and 53/udp; api publishes host-mode only. */
    static NetworkMap.Builder cluster() {
        return NetworkMap.newBuilder().addNetworks(BACKEND).addNetworks(INGRESS)
                .addNodeAddresses(nodeAddr("n1", "10.0.0.2", "192.168.1.1"))
                .addNodeAddresses(nodeAddr("n2", "10.0.0.3", "192.168.1.2"))
                .addNodeAddresses(nodeAddr("n3", "10.0.0.4/24", "192.168.1.3:2377"))
                .addEndpoints(task("t1", "web", "ing", "10.0.0.10", "n2", true))
                .addEndpoints(task("t1", "web", "be", "10.0.1.10", "n2", true))
                .addEndpoints(task("t2", "web", "ing", "10.0.0.11", "n3", true))
                .addEndpoints(task("t3", "web", "ing", "10.0.0.12", "n3", false))
                .addEndpoints(task("t4", "api", "ing", "10.0.0.13", "n1", true))
                .addServices(ServiceEndpoint.newBuilder().setServiceId("api").setName("api")
                        .addPorts(port(PortConfig.Protocol.TCP, 9000, 9000, PortConfig.PublishMode.HOST)))
                .addServices(ServiceEndpoint.newBuilder().setServiceId("web").setName("web")
                        .addPorts(port(PortConfig.Protocol.TCP, 8080, 80, PortConfig.PublishMode.INGRESS))
                        .addPorts(port(PortConfig.Protocol.UDP, 53, 5353, PortConfig.PublishMode.INGRESS)));
    }

    @Test
    void aNodeWithNoTaskPublishesEveryIngressPortOverTheServingTasks() {
        IngressPlan plan = IngressPlan.of(cluster().build(), "n1").orElseThrow();
        assertEquals("ing", plan.network().networkId());
        assertEquals(4096, plan.network().vni());
        assertEquals(Subnet.parse("10.0.0.0/24"), plan.network().subnet());
        assertEquals(ip("10.0.0.2"), plan.nodeAddress());
        assertEquals(new IngressRules("obr4096", ip("10.0.0.2"), List.of(
                new Port(Protocol.TCP, 8080, 80, List.of(ip("10.0.0.10"), ip("10.0.0.11"))),
                new Port(Protocol.UDP, 53, 5353, List.of(ip("10.0.0.10"), ip("10.0.0.11"))))), plan.rules());
    }

    @Test
    void otherNodesAddressesArePeersWithTheirUnderlayHosts() {
        IngressPlan plan = IngressPlan.of(cluster().build(), "n1").orElseThrow();
        assertEquals(List.of(new OverlayPeer(ip("10.0.0.3"), "192.168.1.2"), new OverlayPeer(ip("10.0.0.4"), "192.168.1.3")),
                plan.nodePeers());
        assertEquals(ip("10.0.0.4"), IngressPlan.of(cluster().build(), "n3").orElseThrow().nodeAddress(), "prefix length dropped");
    }

    @Test
    void noIngressNetworkOrNoAddressOfThisNodeMeansNoMesh() {
        NetworkMap withoutIngress = cluster().clearNetworks().addNetworks(BACKEND).build();
        assertEquals(Optional.empty(), IngressPlan.of(withoutIngress, "n1"));
        assertEquals(Optional.empty(), IngressPlan.of(cluster().build(), "n9"));
        assertEquals(Optional.empty(), IngressPlan.of(NetworkMap.getDefaultInstance(), "n1"));
    }

    @Test
    void aPortWithNoServingTaskIsStillPublishedToBeRefused() {
        NetworkMap map = cluster().addServices(ServiceEndpoint.newBuilder().setServiceId("zzz").setName("idle")
                .addPorts(port(PortConfig.Protocol.TCP, 30001, 80, PortConfig.PublishMode.INGRESS))).build();
        List<Port> ports = IngressPlan.of(map, "n1").orElseThrow().rules().ports();
        assertTrue(ports.contains(new Port(Protocol.TCP, 30001, 80, List.of())), ports.toString());
    }

    @Test
    void unallocatedSctpAndConflictingPortsAreLeftOut() {
        NetworkMap map = cluster()
                .addServices(ServiceEndpoint.newBuilder().setServiceId("x1").setName("unallocated")
                        .addPorts(port(PortConfig.Protocol.TCP, 0, 80, PortConfig.PublishMode.INGRESS))
                        .addPorts(port(PortConfig.Protocol.SCTP, 7000, 7000, PortConfig.PublishMode.INGRESS)))
                .addServices(ServiceEndpoint.newBuilder().setServiceId("x2").setName("thief")
                        .addPorts(port(PortConfig.Protocol.TCP, 8080, 81, PortConfig.PublishMode.INGRESS)))
                .build();
        List<Port> ports = IngressPlan.of(map, "n1").orElseThrow().rules().ports();
        assertEquals(List.of(new Port(Protocol.TCP, 8080, 80, List.of(ip("10.0.0.10"), ip("10.0.0.11"))),
                new Port(Protocol.UDP, 53, 5353, List.of(ip("10.0.0.10"), ip("10.0.0.11")))), ports);
    }

    @Test
    void masqueradeIsOffOnlyForTasksOnANetworkThatTurnedItOff() {
        Network noNat = BACKEND.toBuilder().setSpec(BACKEND.getSpec().toBuilder()
                .putOptions("com.docker.network.bridge.enable_ip_masquerade", "false")).build();
        Network explicitOn = BACKEND.toBuilder().setId("on").setSpec(BACKEND.getSpec().toBuilder()
                .putOptions("com.docker.network.bridge.enable_ip_masquerade", "true")).build();
        Map<String, Network> networks = Map.of("be", noNat, "ing", INGRESS, "on", explicitOn);
        assertTrue(OutboundPolicy.masquerade(List.of("ing"), networks));
        assertTrue(OutboundPolicy.masquerade(List.of("on", "unknown"), networks));
        assertEquals(false, OutboundPolicy.masquerade(List.of("ing", "be"), networks));
    }
}
