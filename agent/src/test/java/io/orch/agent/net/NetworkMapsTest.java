package io.orch.agent.net;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkMapsTest {
    private final ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());

    static Network network(String id, String name, int vni, String subnet) {
        return Network.newBuilder().setId(id).setSpec(NetworkSpec.newBuilder().setName(name).setDriver("overlay"))
                .setVni(vni).setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet(subnet))).build();
    }

    static Task task(String id, String service, String node, Network n, String address, TaskState state) {
        return Task.newBuilder().setId(id).setServiceId(service).setNodeId(node).setDesiredState(TaskState.RUNNING)
                .setSpec(TaskSpec.getDefaultInstance())
                .setStatus(TaskStatus.newBuilder().setState(state))
                .addNetworksAttachments(NetworkAttachment.newBuilder().setNetwork(n).addAddresses(address)).build();
    }

    static Service service(String id, String name, Network n, String vip) {
        return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(name)
                        .setTaskTemplate(TaskSpec.newBuilder().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(n.getId()))))
                .setEndpoint(Endpoint.newBuilder().addVirtualIps(EndpointVirtualIP.newBuilder().setNetworkId(n.getId()).setAddr(vip)))
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        store.start();
    }

    @AfterEach
    void close() throws Exception {
        store.proposer().close();
    }

    @Test
    void aNodeSeesEveryLiveTaskOfItsNetworksWithTheTunnelEndpointOfItsNode() throws Exception {
        Network front = network("net1", "front", 4097, "10.0.1.0/24");
        Network back = network("net2", "back", 4098, "10.0.2.0/24");
        store.updateAndWait(tx -> {
            tx.create(front);
            tx.create(back);
            tx.create(Node.newBuilder().setId("n1").setStatus(NodeStatus.newBuilder().setAddr("192.168.9.1:2377")).build());
            tx.create(Node.newBuilder().setId("n2").setStatus(NodeStatus.newBuilder().setAddr("192.168.9.2")).build());
            tx.create(service("s1", "web", front, "10.0.1.2/24"));
            tx.create(service("s2", "db", back, "10.0.2.2/24"));
            tx.create(task("t1", "s1", "n1", front, "10.0.1.3/24", TaskState.RUNNING));
            tx.create(task("t2", "s1", "n2", front, "10.0.1.4/24", TaskState.STARTING));
            tx.create(task("t3", "s1", "n2", front, "10.0.1.5/24", TaskState.FAILED)); // finished: gone from the map
            tx.create(task("t4", "s2", "n2", back, "10.0.2.3/24", TaskState.RUNNING)); // another network
        });
        NetworkMap map = store.read(r -> NetworkMaps.of(r, "n1"));

        assertEquals(List.of("net1"), map.getNetworksList().stream().map(Network::getId).toList());
        Map<String, NetworkEndpoint> byTask = map.getEndpointsList().stream()
                .collect(Collectors.toMap(NetworkEndpoint::getTaskId, e -> e));
        assertEquals(Set.of("t1", "t2"), byTask.keySet());
        assertEquals("10.0.1.4", byTask.get("t2").getAddress());
        assertEquals("192.168.9.2", byTask.get("t2").getNodeAddr());
        assertEquals("192.168.9.1", byTask.get("t1").getNodeAddr());
        assertTrue(byTask.get("t1").getServing());
        assertFalse(byTask.get("t2").getServing(), "a task that is not running yet gets no traffic");
        assertEquals(List.of("web"), map.getServicesList().stream().map(s -> s.getName()).toList());
        assertEquals(EndpointSpec.Mode.VIP, map.getServicesList().get(0).getMode());
    }

    @Test
    void aNodeWithoutOverlayTasksHasAnEmptyMapAndTwoReadsCompareEqual() throws Exception {
        Network front = network("net1", "front", 4097, "10.0.1.0/24");
        store.updateAndWait(tx -> {
            tx.create(front);
            tx.create(task("t1", "s1", "n1", front, "10.0.1.3/24", TaskState.RUNNING));
        });
        assertEquals(NetworkMap.getDefaultInstance(), store.<NetworkMap>read(r -> NetworkMaps.of(r, "n9")));
        NetworkMap first = store.read(r -> NetworkMaps.of(r, "n1"));
        assertEquals(first, store.<NetworkMap>read(r -> NetworkMaps.of(r, "n1")));
        assertEquals(1, first.getEndpointsCount());
    }

    @Test
    void theMapCarriesTheClustersDataPathPort() throws Exception {
        Network front = network("net1", "front", 4097, "10.0.1.0/24");
        store.updateAndWait(tx -> {
            tx.create(front);
            tx.create(task("t1", "s1", "n1", front, "10.0.1.3/24", TaskState.RUNNING));
        });
        assertEquals(4789, store.<NetworkMap>read(r -> NetworkMaps.of(r, "n1")).getDataPathPort(), "Swarm's default");
        store.updateAndWait(tx -> tx.create(io.orch.api.proto.Cluster.newBuilder().setId("c1").setDataPathPort(4790).build()));
        assertEquals(4790, store.<NetworkMap>read(r -> NetworkMaps.of(r, "n1")).getDataPathPort());
    }

    @Test
    void anUnhealthyOrUnwantedTaskIsNotServing() {
        Network n = network("net1", "front", 4097, "10.0.1.0/24");
        Task running = task("t1", "s1", "n1", n, "10.0.1.3/24", TaskState.RUNNING);
        assertTrue(NetworkMaps.serving(running));
        assertFalse(NetworkMaps.serving(running.toBuilder().setStatus(running.getStatus().toBuilder()
                .setHealth(TaskStatus.Health.UNHEALTHY)).build()));
        assertFalse(NetworkMaps.serving(running.toBuilder().setStatus(running.getStatus().toBuilder()
                .setHealth(TaskStatus.Health.STARTING)).build()), "a task with a check serves once healthy");
        assertFalse(NetworkMaps.serving(running.toBuilder().setDesiredState(TaskState.SHUTDOWN).build()));
    }

    @Test
    void hostsComeOutOfAddressesInEveryForm() {
        assertEquals("10.0.1.5", NetworkMaps.hostOf("10.0.1.5/24"));
        assertEquals("10.1.2.3", NetworkMaps.hostOf("10.1.2.3:2377"));
        assertEquals("10.1.2.3", NetworkMaps.hostOf("10.1.2.3"));
        assertEquals("::1", NetworkMaps.hostOf("[::1]:2377"));
    }

    @Test
    void everyNodeHasTheIngressNetworkWithItsTasksPublishedPortsAndNodeAddressesEvenWithNoTaskOnIt() throws Exception {
        Network ingress = network("ing", "ingress", 4096, "10.0.0.0/24").toBuilder()
                .setSpec(NetworkSpec.newBuilder().setName("ingress").setDriver("overlay").setIngress(true)).build();
        Network front = network("net1", "front", 4097, "10.0.1.0/24");
        io.orch.api.proto.PortConfig published = io.orch.api.proto.PortConfig.newBuilder().setTargetPort(80).setPublishedPort(30000)
                .setPublishMode(io.orch.api.proto.PortConfig.PublishMode.INGRESS).build();
        Service web = Service.newBuilder().setId("s1").setSpec(ServiceSpec.newBuilder().setName("web")
                        .setEndpointSpec(EndpointSpec.newBuilder().addPorts(published.toBuilder().setPublishedPort(0))))
                .setEndpoint(Endpoint.newBuilder().addPorts(published)
                        .addVirtualIps(EndpointVirtualIP.newBuilder().setNetworkId("ing").setAddr("10.0.0.2/24")))
                .build();
        store.updateAndWait(tx -> {
            tx.create(ingress);
            tx.create(front);
            tx.create(Node.newBuilder().setId("n1").setStatus(NodeStatus.newBuilder().setAddr("192.168.9.1"))
                    .addAttachments(NetworkAttachment.newBuilder().setNetwork(ingress).addAddresses("10.0.0.5/24")).build());
            tx.create(Node.newBuilder().setId("n2").setStatus(NodeStatus.newBuilder().setAddr("192.168.9.2"))
                    .addAttachments(NetworkAttachment.newBuilder().setNetwork(ingress).addAddresses("10.0.0.6/24")).build());
            tx.create(web);
            tx.create(service("s2", "db", front, "10.0.1.2/24"));
            tx.create(task("t1", "s1", "n2", ingress, "10.0.0.3/24", TaskState.RUNNING));
            tx.create(task("t2", "s2", "n2", front, "10.0.1.3/24", TaskState.RUNNING));
        });
        NetworkMap map = store.read(r -> NetworkMaps.of(r, "n1")); // n1 runs nothing

        assertEquals(List.of("ing"), map.getNetworksList().stream().map(Network::getId).toList(),
                "the ingress network, and no other network n1 has no task on");
        assertEquals(List.of("t1"), map.getEndpointsList().stream().map(NetworkEndpoint::getTaskId).toList());
        assertEquals(List.of("s1"), map.getServicesList().stream().map(s -> s.getServiceId()).toList());
        assertEquals(List.of(published), map.getServices(0).getPortsList(), "the allocated port, not the spec's 0");
        assertEquals(List.of("n1 ing 10.0.0.5 192.168.9.1", "n2 ing 10.0.0.6 192.168.9.2"), map.getNodeAddressesList().stream()
                .map(a -> a.getNodeId() + " " + a.getNetworkId() + " " + a.getAddress() + " " + a.getNodeAddr()).toList());
    }

    @Test
    void aServicePublishingIngressPortsIsInTheMapBeforeItHasATask() throws Exception {
        Network ingress = network("ing", "ingress", 4096, "10.0.0.0/24").toBuilder()
                .setSpec(NetworkSpec.newBuilder().setName("ingress").setDriver("overlay").setIngress(true)).build();
        io.orch.api.proto.PortConfig published = io.orch.api.proto.PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080).build();
        store.updateAndWait(tx -> {
            tx.create(ingress);
            tx.create(Service.newBuilder().setId("s1").setSpec(ServiceSpec.newBuilder().setName("web")
                    .setEndpointSpec(EndpointSpec.newBuilder().addPorts(published))).setEndpoint(Endpoint.newBuilder().addPorts(published)).build());
        });
        NetworkMap map = store.read(r -> NetworkMaps.of(r, "n1"));
        assertEquals(List.of("s1"), map.getServicesList().stream().map(s -> s.getServiceId()).toList(),
                "so a node refuses the port's connections instead of passing them to whatever listens on the host");
    }
}
