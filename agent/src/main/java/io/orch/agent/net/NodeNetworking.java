package io.orch.agent.net;

import io.orch.agent.dns.DnsDirectory;
import io.orch.agent.dns.DnsServer;
import io.orch.agent.dns.ResolvConf;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.NodeNetworkAddress;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.net.Attachment;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.net.OverlayAttacher;
import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.IngressNat;
import io.orch.runtime.net.overlay.NamespaceNat;
import io.orch.runtime.net.overlay.OverlayDataPath;
import io.orch.runtime.net.overlay.OverlayPeer;
import io.orch.runtime.net.overlay.OverlaySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The node's side of service networking, driven by its network map:
 * <ul>
 *   <li>the overlay data path: per network in use here a bridge and a VXLAN device, with
 *       forwarding entries for every task of the network on other nodes;</li>
 *   <li>each overlay container's interfaces (one per network, with the address the managers
 *       allocated), joined when the runtime starts it ({@link OverlayAttacher});</li>
 *   <li>each such container's NAT table: 127.0.0.11:53 to this node's DNS server, and every VIP
 *       it may use spread over that service's serving tasks, replaced whole as tasks come and go;</li>
 *   <li>the embedded DNS server, answering from the same map;</li>
 *   <li>the routing mesh ({@link IngressPlan}): this node on the ingress network, and its
 *       published ports DNATed to the serving tasks wherever they run ({@link IngressNat});</li>
 *   <li>which containers on the node bridge are left out of its outbound NAT ({@link OutboundPolicy}).</li>
 * </ul>
 *
 * <p>The mesh and outbound NAT tables outlive the agent, as the tasks do: a plain stop (or a
 * crash) leaves them, so published ports keep answering and containers keep reaching out while
 * the agent restarts; the next agent's first map replaces them (or deletes them, when that map
 * has no mesh for this node). Only leaving the swarm ({@link #leaveSwarm}) removes them.
 * One instance per node for the agent's life: it outlives role changes (a promoted worker's
 * containers keep their names), only the map's source changes ({@link #follow}).
 */
public final class NodeNetworking implements OverlayAttacher, DnsDirectory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeNetworking.class);
    static final int DNS_PORT = 53;
    /** The container's interface on the node bridge, where its DNS queries leave it. */
    static final String BRIDGE_INTERFACE = "eth0";

    /** One overlay container on this node. */
    /** {@code upstreams}: the task's DNSConfig.Nameservers (port 53), where its queries that are not orch's go; empty: the host's. */
    private record Local(String taskId, String netns, String bridgeIp, String gateway, List<TaskConfig.Overlay> overlays,
                         List<InetSocketAddress> upstreams) {
        Set<String> networkIds() {
            Set<String> out = new HashSet<>();
            overlays.forEach(o -> out.add(o.networkId()));
            return out;
        }
    }

    private volatile String nodeId = "";
    private final String vtep;
    /** Replaced when the cluster's data path port turns out to differ from the one it was made with. */
    private volatile OverlayDataPath dataPath;
    private final DnsServer dns;
    private final Function<String, Optional<String>> bridgeAddressOf;
    private final Containers containers;

    /** What the runtime knows of this node's containers, for those an earlier agent started. */
    public interface Containers {
        /** The task's container exists and is fully started (a re-attached one, or one whose start finished). */
        boolean hasContainer(String taskId);

        /** The task's address on the node bridge ("10.212.3.2/24"). */
        Optional<String> bridgeAddressOf(String taskId);

        /** The task's DNSConfig.Nameservers (IP literals), known from before its overlays are attached. */
        default List<String> dnsNameservers(String taskId) {
            return List.of();
        }
    }
    /** Concurrent: DNS queries read them without the lock, and a leaving container drops its entry before taking it. */
    private final Map<String, Local> locals = new ConcurrentHashMap<>();
    private final Map<String, Local> byBridgeIp = new ConcurrentHashMap<>();
    /** Networks whose devices exist on this node, by id. Guarded by {@code this}. */
    private final Map<String, OverlaySpec> ensured = new HashMap<>();
    /**
     * Set when devices may exist that {@link #ensured} does not know of: a network left the map
     * (an earlier agent may have made its devices for a container this one never adopted), or
     * making a network's devices failed half way. Cleared once no such network can be in use.
     * Guarded by {@code this}.
     */
    private boolean sweepDevices;
    private final Set<String> dnsBound = ConcurrentHashMap.newKeySet();
    private volatile NetworkMap map = NetworkMap.getDefaultInstance();
    private volatile ServiceDirectory directory = new ServiceDirectory(map);
    /** Guarded by {@code this}, as is {@code swept}. */
    private AutoCloseable following;
    private boolean swept;
    private final IngressNat ingressNat = new IngressNat();
    /** The runtime's node bridge, once it said (see {@link #useNodeNetwork}); null: no outbound NAT to manage. */
    private volatile NodeNetwork nodeNetwork;
    /** The mesh applied last; null until the first map (which always decides, replacing an earlier agent's). Guarded by {@code this}. */
    private Optional<IngressPlan> mesh;

    /**
     * @param vtep         this node's underlay address: the local end of its VXLAN tunnels
     * @param dnsUpstreams where names that are not orch's go (the host's resolvers)
     * @param containers   the runtime's containers, for those re-attached after an agent restart
     */
    public NodeNetworking(String vtep, List<InetSocketAddress> dnsUpstreams, Containers containers) {
        this.vtep = vtep;
        this.dataPath = new OverlayDataPath(vtep, OverlayDataPath.DEFAULT_PORT);
        this.containers = containers;
        this.bridgeAddressOf = containers::bridgeAddressOf;
        this.dns = new DnsServer(this, dnsUpstreams);
    }

    /**
     * Takes the network map of node {@code nodeId} from {@code source} from now on (a role change
     * swaps the source; its own tasks need no forwarding entries).
     */
    public synchronized void follow(NetworkMapSource source, String nodeId) {
        closeQuietly(following);
        if (!swept) {
            // what a crashed agent left: overlay devices no container uses any more (before any
            // task of this agent is attached: the worker starts after this)
            swept = true;
            if (OverlayDataPath.unavailableReason().isEmpty()) {
                dataPath.sweepIdle();
            }
        }
        this.nodeId = nodeId;
        following = source.subscribe(this::apply);
    }

    /**
     * The node's networking: overlay devices in the agent's network namespace with this node's
     * advertise address as the VXLAN tunnel endpoint, DNS forwarding to the host's resolvers.
     */
    public static NodeNetworking forNode(String advertiseHost, Containers containers) {
        String vtep;
        try {
            vtep = InetAddress.getByName(advertiseHost).getHostAddress();
        } catch (UnknownHostException e) {
            vtep = advertiseHost; // the data path says so when a task first needs it
        }
        return new NodeNetworking(vtep, ResolvConf.upstreams(Path.of("/etc/resolv.conf")), containers);
    }

    // ---------------------------------------------------------------- the map

    /** A new map: forwarding entries, NAT tables of the local containers, DNS answers, idle networks removed. */
    synchronized void apply(NetworkMap next) {
        Map<String, Network> networks = NetworkMaps.networks(next);
        if (!networks.keySet().containsAll(NetworkMaps.networks(map).keySet())) {
            sweepDevices = true; // a network was removed
        }
        map = next;
        usePort(next.getDataPathPort());
        directory = new ServiceDirectory(next);
        adoptRecovered(next);
        Optional<IngressPlan> plan = ingressPlan(next);
        plan.ifPresent(this::joinIngress);
        for (Map.Entry<String, OverlaySpec> e : ensured.entrySet()) {
            if (networks.containsKey(e.getKey())) {
                programPeers(e.getValue());
            }
        }
        for (Local l : locals.values()) {
            applyNat(l);
        }
        removeIdleNetworks(networks.keySet());
        applyMesh(plan);
        applyOutbound();
    }

    // ---------------------------------------------------------------- routing mesh and outbound NAT

    private Optional<IngressPlan> ingressPlan(NetworkMap next) {
        if (OverlayDataPath.unavailableReason().isPresent() || !mayConfigureNetwork()) {
            return Optional.empty();
        }
        try {
            return IngressPlan.of(next, nodeId);
        } catch (RuntimeException e) {
            log.warn("routing mesh: the network map cannot be used: {}", e.getMessage());
            return mesh == null ? Optional.empty() : mesh; // keep what works
        }
    }

    /**
     * The ingress network's devices on this node whether or not a task here uses it (every node
     * answers on every published port), with this node's own address on its bridge.
     */
    private void joinIngress(IngressPlan plan) {
        try {
            if (!plan.network().equals(ensured.get(plan.network().networkId()))) {
                dataPath.ensure(plan.network());
                ensured.put(plan.network().networkId(), plan.network());
            }
            dataPath.assignNodeAddress(plan.network(), plan.nodeAddress());
        } catch (IOException | RuntimeException e) {
            log.warn("routing mesh: could not put this node on the ingress network: {}", e.toString());
        }
    }

    private void applyMesh(Optional<IngressPlan> plan) {
        if (plan.equals(mesh) || OverlayDataPath.unavailableReason().isPresent() || !mayConfigureNetwork()) {
            return;
        }
        if (mesh == null && plan.isEmpty()) {
            // the first map has no mesh here: an ingress bridge an earlier agent kept through its
            // restart (OverlayDataPath.sweepIdle keeps it) goes; task networks are not touched
            Set<Integer> keep = new HashSet<>();
            ensured.values().forEach(spec -> keep.add(spec.vni()));
            map.getNetworksList().forEach(n -> keep.add(n.getVni()));
            dataPath.removeAddressedExcept(keep);
        }
        try {
            ingressNat.apply(plan.map(IngressPlan::rules));
            mesh = plan;
        } catch (IOException | RuntimeException e) {
            mesh = null; // applied again with the next map
            log.warn("routing mesh: could not apply the published ports: {}", e.toString());
        }
    }

    @Override
    public void useNodeNetwork(NodeNetwork network) {
        this.nodeNetwork = network;
    }

    /**
     * Masquerading off for the containers on a network that turned it off (the node network
     * masquerades the rest from when its subnet is claimed).
     */
    private void applyOutbound() {
        NodeNetwork nn = nodeNetwork;
        if (nn == null) {
            return;
        }
        Map<String, Network> networks = NetworkMaps.networks(map);
        Set<Integer> off = new HashSet<>();
        for (Local l : locals.values()) {
            if (!OutboundPolicy.masquerade(l.networkIds(), networks)) {
                off.add(Subnet.parseAddress(l.bridgeIp()));
            }
        }
        nn.masqueradeExcept(off);
    }

    /** Root, or whatever may write the namespace's network settings. */
    private static boolean mayConfigureNetwork() {
        return Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward"));
    }

    /**
     * The node leaves the swarm: its published ports stop answering and the containers' outbound
     * NAT goes (their tasks are stopped with the swarm).
     */
    public synchronized void leaveSwarm() {
        closeQuietly(following);
        following = null;
        ingressNat.clear();
        mesh = Optional.empty();
        NodeNetwork nn = nodeNetwork;
        if (nn != null) {
            nn.removeOutbound();
        }
    }

    /**
     * The cluster's VXLAN port ({@code orch init --data-path-port}): devices made with another
     * port are made again (the data path re-creates a VXLAN device whose port differs).
     */
    private void usePort(int port) {
        if (port <= 0 || port == dataPath.dataPort()) {
            return;
        }
        log.info("overlay networks use UDP port {} (the cluster's data path port)", port);
        dataPath = new OverlayDataPath(vtep, port);
        for (OverlaySpec spec : ensured.values()) {
            try {
                dataPath.ensure(spec);
            } catch (IOException e) {
                log.warn("network {}: could not move to port {}: {}", spec.networkId(), port, e.toString());
            }
        }
    }

    /**
     * Containers started by an earlier agent (tasks outlive agents) are not attached again: the
     * map says which of this node's tasks are on overlays, and their namespaces are still there.
     */
    private void adoptRecovered(NetworkMap next) {
        Map<String, List<TaskConfig.Overlay>> mine = new HashMap<>();
        Map<String, Network> networks = NetworkMaps.networks(next);
        for (NetworkEndpoint e : next.getEndpointsList()) {
            Network n = networks.get(e.getNetworkId());
            if (!nodeId.equals(e.getNodeId()) || locals.containsKey(e.getTaskId()) || n == null
                    || n.getIpam().getConfigsCount() == 0) {
                continue;
            }
            String subnet = n.getIpam().getConfigs(0).getSubnet();
            String prefix = subnet.substring(subnet.indexOf('/'));
            mine.computeIfAbsent(e.getTaskId(), k -> new ArrayList<>()).add(new TaskConfig.Overlay(n.getId(),
                    n.getSpec().getName(), n.getVni(), subnet, e.getAddress() + prefix, e.getAliasesList(),
                    n.getSpec().getInternal()));
        }
        mine.forEach((taskId, overlays) -> {
            String netns = NodeNetwork.netnsName(taskId);
            Optional<String> bridgeCidr = bridgeAddressOf.apply(taskId);
            if (!containers.hasContainer(taskId) || bridgeCidr.isEmpty() || !Files.exists(Path.of("/var/run/netns", netns))) {
                return; // being started (attach() will see it), or gone
            }
            try {
                String ip = NetworkMaps.hostOf(bridgeCidr.get());
                int prefix = Integer.parseInt(bridgeCidr.get().substring(bridgeCidr.get().indexOf('/') + 1));
                int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
                Subnet bridgeSubnet = new Subnet(Subnet.parseAddress(ip) & mask, prefix);
                Local l = new Local(taskId, netns, ip, Subnet.format(bridgeSubnet.gateway()), overlays, upstreamsOf(taskId));
                bindDns(l.gateway());
                for (TaskConfig.Overlay o : overlays) {
                    ensureNetwork(o);
                }
                remember(l);
                log.info("task {}: re-attached to overlay networks {}", taskId, l.networkIds());
            } catch (IOException | RuntimeException e) {
                log.warn("task {}: could not re-attach its overlay networks: {}", taskId, e.toString());
            }
        });
    }

    // ---------------------------------------------------------------- containers (OverlayAttacher)

    @Override
    public void attach(String taskId, Attachment bridge, List<TaskConfig.Overlay> overlays) throws IOException {
        Optional<String> unavailable = OverlayDataPath.unavailableReason();
        if (unavailable.isPresent()) {
            throw new IOException("overlay networks are unavailable on this node: " + unavailable.get());
        }
        bindDns(bridge.gateway());
        Local l = new Local(taskId, bridge.netns(), bridge.ip(), bridge.gateway(), List.copyOf(overlays), upstreamsOf(taskId));
        List<OverlaySpec> specs = new ArrayList<>();
        synchronized (this) {
            // known as a user of its networks before their devices are touched: a container
            // leaving meanwhile must not take the devices away as idle
            remember(l);
            try {
                for (TaskConfig.Overlay o : overlays) {
                    specs.add(ensureNetwork(o));
                }
            } catch (IOException | RuntimeException e) {
                detached(taskId);
                throw e;
            }
        }
        try {
            // outside the lock: containers of a service start in parallel
            for (int i = 0; i < overlays.size(); i++) {
                dataPath.attach(bridge.netns(), "eth" + (i + 1), specs.get(i), Subnet.parseAddress(overlays.get(i).ip()));
            }
            if (overlays.stream().allMatch(TaskConfig.Overlay::internal)) {
                dataPath.isolate(bridge.netns());
            }
        } catch (IOException | RuntimeException e) {
            detached(taskId);
            throw e;
        }
        synchronized (this) {
            applyNat(l);
            applyOutbound();
        }
        log.debug("task {}: on overlay networks {}", taskId, l.networkIds());
    }

    @Override
    public void detached(String taskId) {
        Local l = locals.remove(taskId);
        if (l != null) {
            byBridgeIp.remove(l.bridgeIp(), l);
            NamespaceNat.clear(l.netns());
            // the map may have dropped the network before this container went (its task was
            // reported finished first): the last container out takes the devices with it
            synchronized (this) {
                removeIdleNetworks(NetworkMaps.networks(map).keySet());
                applyOutbound();
            }
        }
    }

    /** The task's own DNS upstreams, resolved once here so that answering a query does no lookup. */
    private List<InetSocketAddress> upstreamsOf(String taskId) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String ns : containers.dnsNameservers(taskId)) {
            try {
                out.add(new InetSocketAddress(InetAddress.getByName(ns), DNS_PORT)); // IP literals (checked by the API): no lookup
            } catch (UnknownHostException e) {
                log.warn("task {}: DNS nameserver {} is not an address; ignored", taskId, ns);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<List<InetSocketAddress>> upstreams(InetAddress client) {
        Local l = byBridgeIp.get(client.getHostAddress());
        return l == null || l.upstreams().isEmpty() ? Optional.empty() : Optional.of(l.upstreams());
    }

    private void remember(Local l) {
        locals.put(l.taskId(), l);
        byBridgeIp.put(l.bridgeIp(), l);
    }

    private synchronized OverlaySpec ensureNetwork(TaskConfig.Overlay o) throws IOException {
        OverlaySpec spec = new OverlaySpec(o.networkId(), o.vni(), Subnet.parse(o.subnet()), OverlaySpec.DEFAULT_MTU);
        OverlaySpec known = ensured.get(o.networkId());
        if (!spec.equals(known)) {
            try {
                dataPath.ensure(spec);
            } catch (IOException | RuntimeException e) {
                sweepDevices = true; // a bridge may exist without its VXLAN device
                throw e;
            }
            ensured.put(o.networkId(), spec);
            programPeers(spec);
        }
        return spec;
    }

    /** Forwarding entries for every task of the network on another node (this node's own are on its bridge). */
    private void programPeers(OverlaySpec spec) {
        List<OverlayPeer> peers = new ArrayList<>();
        for (NetworkEndpoint e : map.getEndpointsList()) {
            if (e.getNetworkId().equals(spec.networkId()) && !nodeId.equals(e.getNodeId()) && !e.getNodeAddr().isEmpty()
                    && !e.getAddress().isEmpty()) {
                peers.add(new OverlayPeer(Subnet.parseAddress(e.getAddress()), e.getNodeAddr()));
            }
        }
        // other nodes' own addresses on it (the ingress network): where tasks here reply to the mesh
        for (NodeNetworkAddress a : map.getNodeAddressesList()) {
            if (a.getNetworkId().equals(spec.networkId()) && !nodeId.equals(a.getNodeId()) && !a.getNodeAddr().isEmpty()
                    && !a.getAddress().isEmpty()) {
                peers.add(new OverlayPeer(Subnet.parseAddress(NetworkMaps.hostOf(a.getAddress())), NetworkMaps.hostOf(a.getNodeAddr())));
            }
        }
        try {
            dataPath.programPeers(spec, peers);
        } catch (IOException e) {
            log.warn("network {}: could not program its {} peer(s): {}", spec.networkId(), peers.size(), e.toString());
        }
    }

    /** The container's NAT table: its DNS redirect and the VIPs of services on its networks. */
    private void applyNat(Local l) {
        SortedMap<Integer, List<Integer>> vips = new TreeMap<>();
        directory.vipBackends(map, l.networkIds()).forEach((vip, backends) ->
                vips.put(Subnet.parseAddress(vip), backends.stream().map(Subnet::parseAddress).toList()));
        NamespaceNat.NatRules rules = new NamespaceNat.NatRules(Optional.of(new NamespaceNat.DnsRedirect(
                Subnet.parseAddress(l.gateway()), DNS_PORT, BRIDGE_INTERFACE, Subnet.parseAddress(l.bridgeIp()))), vips);
        try {
            NamespaceNat.apply(l.netns(), rules);
        } catch (IOException e) {
            log.warn("task {}: could not update its service addresses: {}", l.taskId(), e.toString());
        }
    }

    /**
     * A network no container here uses any more, and the map no longer names, loses its devices;
     * when devices this agent did not make may be left ({@link #sweepDevices}), every overlay
     * device of a VNI that is neither in the map nor in use here goes too.
     */
    private void removeIdleNetworks(Set<String> inMap) {
        Set<String> used = new HashSet<>();
        Set<Integer> usedVnis = new HashSet<>();
        locals.values().forEach(l -> {
            used.addAll(l.networkIds());
            l.overlays().forEach(o -> usedVnis.add(o.vni()));
        });
        ensured.entrySet().removeIf(e -> {
            if (inMap.contains(e.getKey()) || used.contains(e.getKey())) {
                return false;
            }
            dataPath.remove(e.getValue());
            return true;
        });
        if (sweepDevices && OverlayDataPath.unavailableReason().isEmpty() && mayConfigureNetwork()) {
            Set<Integer> mapVnis = new HashSet<>();
            map.getNetworksList().forEach(n -> mapVnis.add(n.getVni()));
            Set<Integer> keep = new HashSet<>(mapVnis);
            keep.addAll(usedVnis);
            ensured.values().forEach(spec -> keep.add(spec.vni()));
            dataPath.removeExcept(keep);
            // a container still on a network the map dropped: sweep again once it has left
            sweepDevices = !mapVnis.containsAll(keep);
        }
    }

    // ---------------------------------------------------------------- DNS

    private void bindDns(String gateway) throws IOException {
        if (dnsBound.contains(gateway)) {
            return;
        }
        synchronized (dnsBound) {
            if (dnsBound.add(gateway)) {
                try {
                    dns.bind(new InetSocketAddress(InetAddress.getByName(gateway), DNS_PORT));
                } catch (IOException | RuntimeException e) {
                    dnsBound.remove(gateway);
                    throw new IOException("cannot serve DNS on " + gateway + ":" + DNS_PORT + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public Optional<List<Inet4Address>> lookup(InetAddress client, String name) {
        Local l = byBridgeIp.get(client.getHostAddress());
        if (l == null) {
            return Optional.empty();
        }
        return directory.resolve(l.networkIds(), name).map(NodeNetworking::addresses);
    }

    private static List<Inet4Address> addresses(List<String> ips) {
        List<Inet4Address> out = new ArrayList<>(ips.size());
        for (String ip : ips) {
            try {
                if (InetAddress.getByName(ip) instanceof Inet4Address a) {
                    out.add(a);
                }
            } catch (UnknownHostException e) {
                // not an address literal: never in a map built by the managers
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closeQuietly(following);
        following = null;
        dns.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing: {}", e.toString());
        }
    }
}
