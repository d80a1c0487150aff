package io.orch.runtime.runc;

import io.orch.runtime.ContainerOptions;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.net.Attachment;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.net.OverlayAttacher;
import io.orch.runtime.net.PortProxyProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networking of runc containers: a namespace on the node bridge with an address, overlay
 * networks joined through the agent, published ports through a proxy process, and the DNS
 * nameservers of tasks on overlays. Taken apart from {@link RuncRuntime} so the SPI class reads
 * as the container's life and this as its network's.
 */
final class RuncNetworking {
    private static final Logger log = LoggerFactory.getLogger(RuncNetworking.class);
    private static final String DNS_NAMESERVERS_FILE = "dns-nameservers";

    private final NodeNetwork network;
    private volatile OverlayAttacher overlays = OverlayAttacher.UNAVAILABLE;
    private final ConcurrentHashMap<String, List<String>> dnsNameservers = new ConcurrentHashMap<>();

    RuncNetworking(NodeNetwork network) {
        this.network = network;
    }

    NodeNetwork node() {
        return network;
    }

    /**
     * Gives a bridged task its namespace and address, and joins it to its overlay networks;
     * empty for host or no networking.
     */
    Optional<Attachment> attach(TaskConfig config, Path bundle) throws IOException, RuntimeFailure {
        if (config.network().mode() != TaskConfig.Network.Mode.BRIDGE) {
            return Optional.empty();
        }
        Attachment a = network.attach(config.taskId());
        if (!config.network().overlays().isEmpty()) {
            rememberDnsNameservers(config.taskId(), bundle,
                    config.container().options().dns().map(ContainerOptions.Dns::nameservers).orElse(List.of()));
            overlays.attach(config.taskId(), a, config.network().overlays());
        }
        return Optional.of(a);
    }

    /** Undoes a start that failed part way: the proxy, the network namespace and address. */
    void abandon(TaskConfig config, RuncTask.Net net) {
        stopProxy(net);
        dnsNameservers.remove(config.taskId());
        if (config.network().mode() == TaskConfig.Network.Mode.BRIDGE) {
            detach(config.taskId());
        }
    }

    /** Frees what a (destroyed or lost) task's network held. */
    void release(String taskId, RuncTask.Net net) {
        stopProxy(net);
        if (net.address().isPresent()) {
            detach(taskId);
        }
        dnsNameservers.remove(taskId);
    }

    /** Who joins containers to overlay networks on this node (the agent); without one such tasks fail. */
    public void useOverlays(OverlayAttacher attacher) {
        this.overlays = attacher;
        attacher.useNodeNetwork(network);
    }

    /**
     * The DNSConfig.Nameservers of a task on overlay networks: its embedded-DNS queries that are
     * not orch's go there, as in Docker. Kept in the bundle too, for an agent that re-attaches.
     */
    public List<String> dnsNameserversOf(String taskId) {
        return dnsNameservers.getOrDefault(taskId, List.of());
    }

    void rememberDnsNameservers(String taskId, Path bundle, List<String> nameservers) throws IOException {
        Path file = bundle.resolve(DNS_NAMESERVERS_FILE);
        if (nameservers.isEmpty()) {
            Files.deleteIfExists(file);
            dnsNameservers.remove(taskId);
            return;
        }
        Files.write(file, nameservers);
        dnsNameservers.put(taskId, List.copyOf(nameservers));
    }

    void recallDnsNameservers(String taskId, Path bundle) {
        try {
            Path file = bundle.resolve(DNS_NAMESERVERS_FILE);
            if (Files.isRegularFile(file)) {
                dnsNameservers.put(taskId, List.copyOf(Files.readAllLines(file)));
            }
        } catch (IOException e) {
            log.warn("task {}: could not read its DNS nameservers: {}", taskId, e.toString());
        }
    }

    /** The task's address on the node bridge ("10.212.3.2/24"), while it has one: how the node recognises its containers' requests. */
    public Optional<String> bridgeAddressOf(String taskId) {
        try {
            return network.addressOf(taskId);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void check(TaskConfig.Network n) throws RuntimeFailure {
        if (n.mode() == TaskConfig.Network.Mode.NONE && !n.ports().isEmpty()) {
            throw new RuntimeFailure("published ports " + n.ports() + " need a network: the task's network mode is none",
                    false);
        }
        if (n.mode() == TaskConfig.Network.Mode.BRIDGE) {
            Optional<String> why = NodeNetwork.unavailableReason();
            if (why.isPresent()) {
                throw new RuntimeFailure("bridge networking unavailable: " + why.get(), false);
            }
        }
    }

    /**
     * Starts the proxy of the task's published ports before the container, so a taken port
     * fails the task with nothing started. Host networking publishes nothing: the task binds
     * the host's ports itself.
     */
    RuncTask.Net publish(TaskConfig config, Optional<Attachment> bridged, Path bundle)
            throws IOException, RuntimeFailure {
        if (bridged.isEmpty()) {
            return RuncTask.Net.HOST;
        }
        Attachment a = bridged.get();
        List<TaskConfig.PublishedPort> ports = config.network().ports();
        if (ports.isEmpty()) {
            return new RuncTask.Net(Optional.of(a.cidr()), List.of(), -1, -1);
        }
        Files.deleteIfExists(bundle.resolve(Shim.EXIT_FILE)); // the proxy ends when this file appears
        try {
            PortProxyProcess.Running proxy = PortProxyProcess.start(ports, a.ip(), bundle, bundle.resolve(Shim.EXIT_FILE));
            return new RuncTask.Net(Optional.of(a.cidr()), proxy.ports(), proxy.pid(), proxy.startMillis());
        } catch (PortProxyProcess.PortUnavailable e) {
            throw new RuntimeFailure("cannot publish port: " + e.getMessage() + " on this node", false, e);
        }
    }

    /** The namespace goes, with every interface in it (the overlay ones too). */
    void detach(String taskId) {
        network.detach(taskId);
        overlays.detached(taskId);
    }

    static void stopProxy(RuncTask.Net net) {
        if (net.proxyPid() > 0) {
            PortProxyProcess.stop(net.proxyPid(), net.proxyStartMillis());
        }
    }

    /**
     * A running container whose port proxy is gone (killed, or the machine's OOM killer took it)
     * gets a new one on the same host ports, so re-attaching also restores publishing.
     */
    static RuncTask.Net keepPublishing(String taskId, Path bundle, RuncTask.Net net) {
        if (net.ports().isEmpty() || net.address().isEmpty() || PortProxyProcess.alive(net.proxyPid(), net.proxyStartMillis())) {
            return net;
        }
        try {
            String ip = net.address().get().split("/")[0];
            PortProxyProcess.Running proxy = PortProxyProcess.start(net.ports(), ip, bundle, bundle.resolve(Shim.EXIT_FILE));
            log.info("task {}: port proxy restarted for {}", taskId, proxy.ports());
            return new RuncTask.Net(net.address(), proxy.ports(), proxy.pid(), proxy.startMillis());
        } catch (IOException e) {
            log.warn("task {}: its published ports {} could not be restored: {}", taskId, net.ports(), e.getMessage());
            return net;
        }
    }
}
