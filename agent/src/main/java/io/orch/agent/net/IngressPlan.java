package io.orch.agent.net;

import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.NodeNetworkAddress;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ServiceEndpoint;
import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.IngressRules;
import io.orch.runtime.net.overlay.OverlayPeer;
import io.orch.runtime.net.overlay.OverlaySpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the routing mesh needs on one node, read off its network map (pure): the ingress network,
 * the node's own address on it, the other nodes' addresses there (programmed as peers, so a
 * task's reply to another node's mesh address finds that node), and the ingress-mode published
 * ports of every service with the addresses of its serving tasks on the ingress network.
 *
 * <p>No ingress network in the map, or no address of this node on it: no mesh here (empty).
 * The node's address is what its forwarded connections leave from; without it a reply from a
 * task on another node would have nowhere to go.
 */
public record IngressPlan(OverlaySpec network, int nodeAddress, List<OverlayPeer> nodePeers, IngressRules rules) {
    private static final Logger log = LoggerFactory.getLogger(IngressPlan.class);

    public static Optional<IngressPlan> of(NetworkMap map, String nodeId) {
        Optional<Network> found = map.getNetworksList().stream()
                .filter(n -> n.getSpec().getIngress())
                .min(Comparator.comparing(Network::getId)); // one per cluster; the same pick on every node if not
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Network ingress = found.get();
        if (ingress.getIpam().getConfigsCount() == 0 || ingress.getVni() == 0) {
            log.warn("ingress network {} has no subnet or VNI yet: no routing mesh on this node", ingress.getId());
            return Optional.empty();
        }
        OverlaySpec spec = new OverlaySpec(ingress.getId(), ingress.getVni(), Subnet.parse(ingress.getIpam().getConfigs(0).getSubnet()));
        Integer self = null;
        List<OverlayPeer> peers = new ArrayList<>();
        for (NodeNetworkAddress a : map.getNodeAddressesList()) {
            if (!a.getNetworkId().equals(ingress.getId()) || a.getAddress().isEmpty()) {
                continue;
            }
            int address = Subnet.parseAddress(NetworkMaps.hostOf(a.getAddress()));
            if (a.getNodeId().equals(nodeId)) {
                self = address;
            } else if (!a.getNodeAddr().isEmpty()) {
                peers.add(new OverlayPeer(address, NetworkMaps.hostOf(a.getNodeAddr())));
            }
        }
        if (self == null) {
            log.debug("node {} has no address on the ingress network yet: no routing mesh here", nodeId);
            return Optional.empty();
        }
        List<IngressRules.Port> ports = new ArrayList<>();
        java.util.Map<String, String> owners = new java.util.HashMap<>();
        for (ServiceEndpoint s : map.getServicesList()) { // sorted by id: the same choice on every node
            List<Integer> backends = null;
            for (PortConfig p : s.getPortsList()) {
                if (p.getPublishMode() != PortConfig.PublishMode.INGRESS || p.getPublishedPort() == 0) {
                    continue; // host-mode ports are the task's own; an unallocated one is not published yet
                }
                IngressRules.Protocol protocol = switch (p.getProtocol()) {
                    case TCP -> IngressRules.Protocol.TCP;
                    case UDP -> IngressRules.Protocol.UDP;
                    default -> null;
                };
                if (protocol == null) {
                    log.warn("service {}: published port {}/{} is not served by the routing mesh (TCP and UDP only)",
                            s.getName(), p.getPublishedPort(), p.getProtocol());
                    continue;
                }
                String key = protocol + "/" + p.getPublishedPort();
                String owner = owners.putIfAbsent(key, s.getName());
                if (owner != null) {
                    // the managers give a port to one service; a map saying otherwise keeps the first
                    log.warn("published port {} is claimed by services {} and {}; the mesh serves {}", key, owner, s.getName(), owner);
                    continue;
                }
                if (backends == null) {
                    backends = servingTasks(map, ingress.getId(), s.getServiceId());
                }
                try {
                    ports.add(new IngressRules.Port(protocol, p.getPublishedPort(), p.getTargetPort(), backends));
                } catch (IllegalArgumentException e) {
                    log.warn("service {}: published port {} not served: {}", s.getName(), key, e.getMessage());
                }
            }
        }
        return Optional.of(new IngressPlan(spec, self, List.copyOf(peers), new IngressRules(spec.bridge(), self, ports)));
    }

    private static List<Integer> servingTasks(NetworkMap map, String networkId, String serviceId) {
        List<Integer> out = new ArrayList<>();
        for (NetworkEndpoint e : map.getEndpointsList()) {
            if (e.getServing() && e.getNetworkId().equals(networkId) && e.getServiceId().equals(serviceId) && !e.getAddress().isEmpty()) {
                out.add(Subnet.parseAddress(NetworkMaps.hostOf(e.getAddress())));
            }
        }
        return out;
    }
}
