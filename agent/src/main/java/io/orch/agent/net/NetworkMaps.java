package io.orch.agent.net;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeNetworkAddress;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceEndpoint;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ReadTx;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.network.NetworkAllocations;
import io.orch.api.model.TaskStates;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A node's network map as the store has it: the overlay networks its unfinished tasks attach
 * to, every unfinished task on those networks anywhere in the cluster, and the services attached
 * to them. The ingress network is in every node's map, with every task and service on it and
 * every node's own address there, whether or not the node runs a task on it: the routing mesh
 * serves a published port on every node. Deterministic (sorted), so two reads of an unchanged store compare equal and a
 * dispatcher sends a map only when it really changed.
 *
 * <p>It scans every task: fine for clusters of thousands of tasks, and computed only after a
 * burst of relevant changes settles; a per-network task index in the store is the follow-up.
 */
public final class NetworkMaps {
    /** Docker's label naming a service's stack. */
    public static final String STACK_LABEL = "com.docker.stack.namespace";
    /** Swarm's VXLAN port, for clusters made before the port was stored. */
    static final int DEFAULT_DATA_PATH_PORT = 4789;

    private NetworkMaps() {}

    public static NetworkMap of(ReadTx r, String nodeId) {
        Set<String> networkIds = new TreeSet<>();
        for (Task t : r.tasksOfNode(nodeId)) {
            if (!TaskStates.finished(t)) {
                t.getNetworksAttachmentsList().forEach(a -> networkIds.add(a.getNetwork().getId()));
            }
        }
        Optional<Network> ingress = NetworkAllocations.ingress(r.networks());
        ingress.ifPresent(n -> networkIds.add(n.getId()));
        NetworkMap.Builder map = NetworkMap.newBuilder();
        if (networkIds.isEmpty()) {
            return map.build();
        }
        for (String id : networkIds) {
            r.network(id).ifPresent(map::addNetworks);
        }
        map.setDataPathPort(r.cluster().map(c -> c.getDataPathPort()).filter(p -> p > 0).orElse(DEFAULT_DATA_PATH_PORT));
        Map<String, Optional<String>> nodeAddrs = new HashMap<>();
        TreeMap<String, NetworkEndpoint> endpoints = new TreeMap<>();
        TreeSet<String> serviceIds = new TreeSet<>();
        for (Task t : r.tasks()) {
            if (TaskStates.finished(t) || t.getNetworksAttachmentsCount() == 0) {
                continue;
            }
            for (NetworkAttachment a : t.getNetworksAttachmentsList()) {
                String networkId = a.getNetwork().getId();
                if (!networkIds.contains(networkId) || a.getAddressesCount() == 0) {
                    continue;
                }
                NetworkEndpoint.Builder e = NetworkEndpoint.newBuilder().setTaskId(t.getId())
                        .setServiceId(t.getServiceId()).setNetworkId(networkId).setAddress(hostOf(a.getAddresses(0)))
                        .setNodeId(t.getNodeId()).setSlot(t.getSlot()).setServing(serving(t)).addAllAliases(a.getAliasesList());
                if (!t.getNodeId().isEmpty()) {
                    nodeAddrs.computeIfAbsent(t.getNodeId(), n -> r.node(n).flatMap(NetworkMaps::underlay))
                            .ifPresent(e::setNodeAddr);
                }
                endpoints.put(networkId + "/" + t.getId(), e.build());
                serviceIds.add(t.getServiceId());
            }
        }
        map.addAllEndpoints(endpoints.values());
        for (Service s : r.services()) {
            List<NetworkAttachmentConfig> attached = s.getSpec().getTaskTemplate().getNetworksList().stream()
                    .filter(n -> networkIds.contains(n.getTarget())).toList();
            boolean meshed = ingress.isPresent() && IngressPorts.needsIngress(s);
            if (attached.isEmpty() && !serviceIds.contains(s.getId()) && !meshed) {
                continue;
            }
            map.addServices(ServiceEndpoint.newBuilder().setServiceId(s.getId()).setName(s.getSpec().getName())
                    .setStack(s.getSpec().getLabelsOrDefault(STACK_LABEL, ""))
                    .setMode(s.getSpec().hasEndpointSpec() ? s.getSpec().getEndpointSpec().getMode() : EndpointSpec.Mode.VIP)
                    .addAllVirtualIps(s.getEndpoint().getVirtualIpsList().stream()
                            .filter(v -> networkIds.contains(v.getNetworkId())).toList())
                    .addAllNetworks(attached)
                    .addAllPorts(s.getEndpoint().getPortsList()));
        }
        List<ServiceEndpoint> sorted = map.getServicesList().stream()
                .sorted(Comparator.comparing(ServiceEndpoint::getServiceId)).toList();
        map.clearServices().addAllServices(sorted);
        addNodeAddresses(r, networkIds, map);
        return map.build();
    }

    /** Every node's own address on the map's networks (its end of the ingress network), by node id. */
    private static void addNodeAddresses(ReadTx r, Set<String> networkIds, NetworkMap.Builder map) {
        TreeMap<String, NodeNetworkAddress> out = new TreeMap<>();
        for (Node n : r.nodes()) {
            for (NetworkAttachment a : n.getAttachmentsList()) {
                String networkId = a.getNetwork().getId();
                if (!networkIds.contains(networkId) || a.getAddressesCount() == 0) {
                    continue;
                }
                NodeNetworkAddress.Builder b = NodeNetworkAddress.newBuilder().setNodeId(n.getId()).setNetworkId(networkId)
                        .setAddress(hostOf(a.getAddresses(0)));
                underlay(n).ifPresent(b::setNodeAddr);
                out.put(n.getId() + "/" + networkId, b.build());
            }
        }
        map.addAllNodeAddresses(out.values());
    }

    /**
     * Whether a VIP or a DNS answer may send new connections to the task: it runs, is still
     * wanted, and is not known to fail its health check (a task with a check counts once healthy,
     * so a failing task leaves the set before the orchestrator replaces it).
     */
    static boolean serving(Task t) {
        if (t.getStatus().getState() != TaskState.RUNNING || !TaskStates.live(t)) {
            return false;
        }
        TaskStatus.Health h = t.getStatus().getHealth();
        return h == TaskStatus.Health.NONE || h == TaskStatus.Health.HEALTHY;
    }

    /** The host other nodes' VXLAN traffic for this node goes to: the host of its address. */
    static Optional<String> underlay(Node node) {
        String addr = node.getStatus().getAddr();
        if (addr.isEmpty()) {
            addr = node.getManagerStatus().getAddr();
        }
        return addr.isEmpty() ? Optional.empty() : Optional.of(hostOf(addr));
    }

    /** "10.0.1.5/24" → "10.0.1.5"; "10.1.2.3:2377" → "10.1.2.3"; "[::1]:2377" → "::1". */
    static String hostOf(String addr) {
        int slash = addr.indexOf('/');
        if (slash >= 0) {
            return addr.substring(0, slash);
        }
        if (addr.startsWith("[")) {
            int close = addr.indexOf(']');
            return close > 0 ? addr.substring(1, close) : addr;
        }
        int colon = addr.lastIndexOf(':');
        return colon > 0 && addr.indexOf(':') == colon ? addr.substring(0, colon) : addr;
    }

    /** The networks of a map by id. */
    public static Map<String, Network> networks(NetworkMap map) {
        Map<String, Network> out = new HashMap<>();
        map.getNetworksList().forEach(n -> out.put(n.getId(), n));
        return out;
    }
}
