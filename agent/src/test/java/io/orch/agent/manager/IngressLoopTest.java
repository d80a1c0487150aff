package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.scheduler.network.NetworkAllocations;
import io.orch.scheduler.network.NodeAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingress network made with the cluster or by a new leader of an older one, and nodes' own addresses on it. */
class IngressLoopTest {
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<AutoCloseable> loops = new ArrayList<>();
    private ClusterStore store;

    @BeforeEach
    void store() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable l : loops) {
            l.close();
        }
        store.proposer().close();
    }

    private LoopDriver ingressLoop() {
        LoopDriver loop = new LoopDriver(new IngressLoop(store), store, Clock.systemUTC(), metrics);
        loops.add(loop);
        loop.start();
        return loop;
    }

    private Optional<Network> ingress() {
        return store.read(r -> NetworkAllocations.ingress(r.networks()));
    }

    private static Node node(String id) {
        return Node.newBuilder().setId(id).setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER)).build();
    }

    @Test
    void aNewClusterHasItsIngressNetworkFromTheStart() throws Exception {
        ClusterBootstrap.ensureCluster(store, "cluster1", RootCa.create("cluster1"));
        Network n = ingress().orElseThrow();
        assertEquals("ingress", n.getSpec().getName());
        assertEquals("10.0.0.0/24", n.getIpam().getConfigs(0).getSubnet());
        assertEquals("10.0.0.1", n.getIpam().getConfigs(0).getGateway());
        assertEquals(4096, n.getVni());
    }

    @Test
    void aClusterWithItsOwnPoolGetsItsIngressSubnetFromThatPool() throws Exception {
        ClusterBootstrap.ensureCluster(store, "cluster1", RootCa.create("cluster1"),
                new ClusterBootstrap.AddressPools(List.of("172.30.0.0/16"), 26, 4789));
        assertEquals("172.30.0.0/26", ingress().orElseThrow().getIpam().getConfigs(0).getSubnet());
    }

    @Test
    void theLeaderOfAnOlderClusterMakesTheIngressNetworkOnceAndGivesEveryNodeAnAddress() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(Cluster.newBuilder().setId("c1").build()); // made before orch had an ingress network
            tx.create(node("n1"));
            tx.create(node("n2"));
        });
        ingressLoop();
        await().atMost(CONVERGE).until(() -> ingress().isPresent() && store.read(r -> r.nodes().stream()
                .allMatch(n -> NodeAddresses.address(n, ingress().get()).isPresent())));
        Network ingress = ingress().orElseThrow();
        Set<String> addresses = new HashSet<>();
        store.read(r -> r.nodes()).forEach(n -> addresses.add(NodeAddresses.address(n, ingress).orElseThrow()));
        assertEquals(Set.of("10.0.0.2/24", "10.0.0.3/24"), addresses);

        // a node that joins later gets one too; the others keep theirs
        store.updateAndWait(tx -> tx.create(node("n3")));
        await().atMost(CONVERGE).until(() -> store.read(r -> r.node("n3")).flatMap(n -> NodeAddresses.address(n, ingress)).isPresent());
        assertEquals("10.0.0.4/24", store.read(r -> r.node("n3")).flatMap(n -> NodeAddresses.address(n, ingress)).orElseThrow());
        assertEquals("10.0.0.2/24", store.read(r -> r.node("n1")).flatMap(n -> NodeAddresses.address(n, ingress)).orElseThrow());
    }

    @Test
    void anIngressNetworkTheOperatorRemovedIsNotMadeAgainBehindTheirBackAndNodesDropTheirAddresses() throws Exception {
        ClusterBootstrap.ensureCluster(store, "cluster1", RootCa.create("cluster1"));
        store.updateAndWait(tx -> tx.create(node("n1")));
        ingressLoop();
        await().atMost(CONVERGE).until(() -> store.read(r -> r.node("n1")).orElseThrow().getAttachmentsCount() == 1);
        store.updateAndWait(tx -> tx.delete(tx.read().network(ingress().orElseThrow().getId()).orElseThrow()));
        await().atMost(CONVERGE).until(() -> store.read(r -> r.node("n1")).orElseThrow().getAttachmentsCount() == 0);
        await().during(Duration.ofSeconds(2)).atMost(CONVERGE).until(() -> ingress().isEmpty());
    }

    @Test
    void tasksOfAServicePublishingAnIngressPortGetIngressAddressesNoNodeHas() throws Exception {
        ClusterBootstrap.ensureCluster(store, "cluster1", RootCa.create("cluster1"));
        store.updateAndWait(tx -> {
            tx.create(node("n1"));
            tx.create(node("n2"));
        });
        ingressLoop();
        await().atMost(CONVERGE).until(() -> store.read(r -> r.nodes().stream().allMatch(n -> n.getAttachmentsCount() == 1)));
        LoopDriver orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        loops.add(orchestrator);
        orchestrator.start();
        PortConfig port = PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080).build();
        store.updateAndWait(tx -> tx.create(Service.newBuilder().setId("s1").setSpecVersion(1)
                .setSpec(ServiceSpec.newBuilder().setName("web")
                        .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(3)))
                        .setEndpointSpec(EndpointSpec.newBuilder().addPorts(port)))
                .setEndpoint(io.orch.api.proto.Endpoint.newBuilder().addPorts(port)).build()));
        Network ingress = ingress().orElseThrow();
        await().atMost(CONVERGE).until(() -> store.read(r -> r.tasksOfService("s1")).stream()
                .filter(t -> t.getNetworksAttachmentsCount() == 1).count() == 3);
        Set<String> held = new HashSet<>();
        for (Node n : store.read(r -> r.nodes())) {
            assertTrue(held.add(NodeAddresses.address(n, ingress).orElseThrow()));
        }
        for (Task t : store.read(r -> r.tasksOfService("s1"))) {
            assertEquals(ingress.getId(), t.getNetworksAttachments(0).getNetwork().getId());
            assertTrue(held.add(t.getNetworksAttachments(0).getAddresses(0)), "unique: " + held);
        }
        Service s = store.read(r -> r.service("s1")).orElseThrow();
        assertEquals(ingress.getId(), s.getEndpoint().getVirtualIps(0).getNetworkId(), "the service's VIP on the ingress network");
        assertTrue(held.add(s.getEndpoint().getVirtualIps(0).getAddr()));
        assertEquals(List.of(port), s.getEndpoint().getPortsList(), "the allocation path keeps the allocated ports");
    }

    @Test
    void servicesStoredBeforePortsWereAllocatedGetTheirPortsFromTheNewLeaderWhichAlsoMakesTheIngressNetwork() throws Exception {
        store.updateAndWait(tx -> tx.create(Cluster.newBuilder().setId("c1").build())); // an older cluster: no ingress network
        PortConfig any = PortConfig.newBuilder().setTargetPort(80).build(); // ingress, PublishedPort 0
        PortConfig fixed = PortConfig.newBuilder().setTargetPort(80).setPublishedPort(30000).build();
        store.updateAndWait(tx -> {
            for (String id : List.of("old1", "old2")) {
                tx.create(Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(id)
                        .setEndpointSpec(EndpointSpec.newBuilder().addPorts(any)))
                        .setEndpoint(io.orch.api.proto.Endpoint.newBuilder().addPorts(any)).build());
            }
            tx.create(Service.newBuilder().setId("fixed").setSpec(ServiceSpec.newBuilder().setName("fixed")
                    .setEndpointSpec(EndpointSpec.newBuilder().addPorts(fixed)))
                    .setEndpoint(io.orch.api.proto.Endpoint.newBuilder().addPorts(fixed)).build());
        });
        ingressLoop();
        await().atMost(CONVERGE).until(() -> store.read(r -> r.services().stream()
                .allMatch(s -> s.getEndpoint().getPorts(0).getPublishedPort() != 0)));
        Set<Integer> ports = new HashSet<>();
        store.read(r -> r.services()).forEach(s -> ports.add(s.getEndpoint().getPorts(0).getPublishedPort()));
        assertEquals(Set.of(30000, 30001, 30002), ports, "distinct, and around the port a service already had");
        await().atMost(CONVERGE).until(() -> ingress().isPresent());
    }
}
