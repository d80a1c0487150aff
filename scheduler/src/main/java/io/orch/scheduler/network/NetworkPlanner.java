package io.orch.scheduler.network;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gives a service's new (or still unaddressed) tasks their addresses, and the service its VIPs,
 * on the overlay networks its spec attaches to. Pure: the caller reads the store, writes what
 * comes back, and writes every moved network back version-checked in the same transaction.
 *
 * <p>VIPs come first: a service that can reach its VIP on a nearly full network is worth more
 * than one more replica there. A task that cannot get an address keeps the addresses it got on
 * other networks and says why in Status.Err; the scheduler does not place it, and the next pass
 * tries again (addresses come free as other tasks finish).
 */
public final class NetworkPlanner {
    /** The start of the Status.Err of a task waiting for an address (a later success clears it). */
    public static final String NO_ADDRESS = "no address available";

    private final Map<String, Network> networks;
    private final Supplier<HeldAddresses> held;
    private HeldAddresses heldRead;
    private final Map<String, AddressPool> pools = new LinkedHashMap<>();

    /**
     * @param networks every network, by id
     * @param held     the addresses in use; asked for at most once, and only when some address
     *                 must be handed out (computing it scans every task)
     */
    public NetworkPlanner(Map<String, Network> networks, Supplier<HeldAddresses> held) {
        this.networks = networks;
        this.held = held;
    }

    /**
     * True when {@link #plan} would hand out an address or change the service's VIPs: the cheap
     * test that lets a pass skip the task scan when nothing is to be allocated.
     */
    public boolean needsWork(Service service, List<Task> tasks) {
        if (!desiredVipNetworks(service).equals(currentVipNetworks(service))) { // null (a stale VIP) never equals
            return true;
        }
        for (Task t : tasks) {
            if (!NetworkAttachments.missing(t, networks).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    public NetworkPlan plan(Service service, List<Task> tasks) {
        boolean incomplete = false;
        List<EndpointVirtualIP> vips = new ArrayList<>();
        Map<String, String> current = new HashMap<>();
        service.getEndpoint().getVirtualIpsList().forEach(v -> current.put(v.getNetworkId(), v.getAddr()));
        for (Network n : desiredVipNetworks(service)) {
            String keep = current.get(n.getId());
            if (keep != null && insideSubnet(n, keep)) {
                vips.add(vip(n.getId(), keep));
                continue;
            }
            AddressPool pool = pool(n);
            Optional<Ipv4Address> a = pool.next();
            if (a.isPresent()) {
                vips.add(vip(n.getId(), pool.subnet().withPrefix(a.get())));
            } else {
                incomplete = true; // no VIP yet; the service still resolves by its tasks' addresses
            }
        }
        Service changed = null;
        if (!vips.equals(service.getEndpoint().getVirtualIpsList())) {
            Endpoint.Builder endpoint = service.getEndpoint().toBuilder().clearVirtualIps().addAllVirtualIps(vips);
            if (!service.getEndpoint().hasSpec() && service.getSpec().hasEndpointSpec()) {
                endpoint.setSpec(service.getSpec().getEndpointSpec());
            }
            changed = service.toBuilder().setEndpoint(endpoint).build();
        }
        // a task's endpoint spec is the service spec's (TaskInputs compares them), whether or not
        // the service's Endpoint has caught up with its spec yet
        Endpoint endpoint = (changed != null ? changed : service).getEndpoint().toBuilder()
                .setSpec(service.getSpec().getEndpointSpec()).build();

        List<Task> out = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            Task planned = attach(t, endpoint);
            incomplete |= planned.getStatus().getErr().startsWith(NO_ADDRESS);
            out.add(planned);
        }
        List<Network> moved = new ArrayList<>();
        pools.forEach((id, pool) -> {
            Network n = networks.get(id);
            if (pool.cursor() != n.getAllocationCursor()) {
                moved.add(n.toBuilder().setAllocationCursor(pool.cursor()).build());
            }
        });
        return new NetworkPlan(changed, out, moved, incomplete);
    }

    /** The task with an attachment on every allocated network its spec names (as far as addresses last). */
    private Task attach(Task t, Endpoint endpoint) {
        Map<String, NetworkAttachment> existing = new HashMap<>();
        t.getNetworksAttachmentsList().forEach(a -> existing.put(a.getNetwork().getId(), a));
        List<NetworkAttachment> attachments = new ArrayList<>();
        String error = null;
        for (NetworkAttachmentConfig config : distinct(NetworkAttachments.configs(t, networks))) {
            Network n = networks.get(config.getTarget());
            if (n == null || !NetworkAllocations.allocated(n)) {
                continue; // "host", "none", or a network this manager does not allocate: no attachment
            }
            NetworkAttachment had = existing.get(n.getId());
            if (had != null && had.getAddressesCount() > 0) {
                attachments.add(had);
                continue;
            }
            AddressPool pool = pool(n);
            Optional<Ipv4Address> a = pool.next();
            if (a.isEmpty()) {
                error = error != null ? error : pool.fullMessage(n.getSpec().getName());
                continue;
            }
            attachments.add(NetworkAttachment.newBuilder()
                    .setNetwork(n)
                    .addAddresses(pool.subnet().withPrefix(a.get()))
                    .addAllAliases(config.getAliasesList())
                    .putAllDriverAttachmentOpts(config.getDriverOptsMap())
                    .build());
        }
        Task.Builder b = t.toBuilder().clearNetworksAttachments().addAllNetworksAttachments(attachments);
        if (!attachments.isEmpty() || t.hasEndpoint()) {
            b.setEndpoint(endpoint);
        }
        if (error != null) {
            b.getStatusBuilder().setErr(error);
        } else if (t.getStatus().getErr().startsWith(NO_ADDRESS)) {
            b.getStatusBuilder().clearErr();
        }
        return b.build();
    }

    /**
     * One VIP per allocated network the service's spec attaches to, in endpoint mode VIP; none for
     * DNSRR. A service publishing ingress ports also gets one on the ingress network, as in Swarm.
     */
    private List<Network> desiredVipNetworks(Service service) {
        List<Network> out = new ArrayList<>();
        if (service.getSpec().getEndpointSpec().getMode() == EndpointSpec.Mode.DNSRR) {
            return out;
        }
        for (NetworkAttachmentConfig c : distinct(service.getSpec().getTaskTemplate().getNetworksList())) {
            Network n = networks.get(c.getTarget());
            if (n != null && NetworkAllocations.allocated(n)) {
                out.add(n);
            }
        }
        if (IngressPorts.needsIngress(service.getSpec().getEndpointSpec())) {
            NetworkAllocations.ingress(networks.values()).filter(n -> !out.contains(n)).ifPresent(out::add);
        }
        return out;
    }

    /** The networks the service has VIPs on, or null when one of them is stale (gone, or not in its subnet). */
    private List<Network> currentVipNetworks(Service service) {
        List<Network> out = new ArrayList<>();
        for (EndpointVirtualIP v : service.getEndpoint().getVirtualIpsList()) {
            Network n = networks.get(v.getNetworkId());
            if (n == null || !insideSubnet(n, v.getAddr())) {
                return null;
            }
            out.add(n);
        }
        return out;
    }

    private static boolean insideSubnet(Network n, String addr) {
        Ipv4Address a = NetworkAllocations.addressOf(addr);
        return a != null && NetworkAllocations.subnet(n).map(s -> s.contains(a)).orElse(false);
    }

    private AddressPool pool(Network n) {
        return pools.computeIfAbsent(n.getId(), id -> {
            AddressPool pool = NetworkAllocations.pool(n).orElseThrow();
            if (heldRead == null) {
                heldRead = held.get();
            }
            heldRead.on(id).forEach(pool::hold);
            return pool;
        });
    }

    private static List<NetworkAttachmentConfig> distinct(List<NetworkAttachmentConfig> configs) {
        Map<String, NetworkAttachmentConfig> byTarget = new LinkedHashMap<>();
        configs.forEach(c -> byTarget.putIfAbsent(c.getTarget(), c));
        return new ArrayList<>(byTarget.values());
    }

    private static EndpointVirtualIP vip(String networkId, String addr) {
        return EndpointVirtualIP.newBuilder().setNetworkId(networkId).setAddr(addr).build();
    }
}
