package io.orch.agent.net;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.ServiceEndpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a container on some overlay networks can resolve and reach, read off the node's network
 * map: Docker's embedded DNS names and the VIP backends. Only services that share a network with
 * the asking container exist for it; on each shared network a service answers to its name, to
 * its aliases there, and (in a stack) to its name without the stack prefix, as Swarm does.
 *
 * <ul>
 *   <li>{@code NAME}: the service's VIP on that network (endpoint mode vip), or the addresses of
 *       its serving tasks (dnsrr);</li>
 *   <li>{@code tasks.NAME}: the addresses of its serving tasks, whatever the mode.</li>
 * </ul>
 * Immutable: built once per map, shared by every lookup.
 */
public final class ServiceDirectory {
    private static final String TASKS_PREFIX = "tasks.";

    /** name (lower case) on a network → the services that answer to it there */
    private final Map<String, Map<String, List<ServiceEndpoint>>> byNetworkAndName = new HashMap<>();
    /** network/service → serving task addresses */
    private final Map<String, List<String>> servingTasks = new HashMap<>();

    public ServiceDirectory(NetworkMap map) {
        for (ServiceEndpoint s : map.getServicesList()) {
            for (NetworkAttachmentConfig n : s.getNetworksList()) {
                Map<String, List<ServiceEndpoint>> names = byNetworkAndName.computeIfAbsent(n.getTarget(), k -> new HashMap<>());
                for (String name : namesOf(s, n)) {
                    names.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
                }
            }
        }
        for (NetworkEndpoint e : map.getEndpointsList()) {
            if (e.getServing()) {
                servingTasks.computeIfAbsent(e.getNetworkId() + "/" + e.getServiceId(), k -> new ArrayList<>()).add(e.getAddress());
            }
        }
    }

    /** Every name a service answers to on one network, lower case. */
    static Collection<String> namesOf(ServiceEndpoint s, NetworkAttachmentConfig on) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        String name = s.getName().toLowerCase(Locale.ROOT);
        names.add(name);
        String prefix = s.getStack().toLowerCase(Locale.ROOT) + "_";
        if (!s.getStack().isEmpty() && name.startsWith(prefix) && name.length() > prefix.length()) {
            names.add(name.substring(prefix.length()));
        }
        on.getAliasesList().forEach(a -> names.add(a.toLowerCase(Locale.ROOT)));
        return names;
    }

    /**
     * The addresses {@code name} resolves to for a container on {@code networks}; empty when the
     * name is none of orch's there (the DNS server forwards it to the host's resolvers). A
     * present, empty list: the service exists but has nothing to answer with (no serving task).
     */
    public Optional<List<String>> resolve(Collection<String> networks, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        boolean tasks = n.startsWith(TASKS_PREFIX);
        String base = tasks ? n.substring(TASKS_PREFIX.length()) : n;
        LinkedHashSet<String> out = new LinkedHashSet<>();
        boolean known = lookup(networks, base, tasks, out);
        if (!known && tasks) {
            // a service may itself be called "tasks.x"; then it answers as a name
            known = lookup(networks, n, false, out);
        }
        return known ? Optional.of(List.copyOf(out)) : Optional.empty();
    }

    private boolean lookup(Collection<String> networks, String name, boolean tasks, LinkedHashSet<String> out) {
        boolean known = false;
        for (String network : networks) {
            List<ServiceEndpoint> services = byNetworkAndName.getOrDefault(network, Map.of()).get(name);
            if (services == null) {
                continue;
            }
            known = true;
            for (ServiceEndpoint s : services) {
                if (tasks || s.getMode() == EndpointSpec.Mode.DNSRR) {
                    out.addAll(servingTasks.getOrDefault(network + "/" + s.getServiceId(), List.of()));
                } else {
                    vipOn(s, network).ifPresent(out::add);
                }
            }
        }
        return known;
    }

    /**
     * The VIP load-balancing table of a container on {@code networks}: every VIP of a service on
     * one of them, with the addresses of that service's serving tasks on the same network.
     */
    public SortedMap<String, List<String>> vipBackends(NetworkMap map, Collection<String> networks) {
        SortedMap<String, List<String>> out = new TreeMap<>();
        for (ServiceEndpoint s : map.getServicesList()) {
            if (s.getMode() != EndpointSpec.Mode.VIP) {
                continue;
            }
            for (EndpointVirtualIP vip : s.getVirtualIpsList()) {
                if (networks.contains(vip.getNetworkId()) && !vip.getAddr().isEmpty()) {
                    out.put(NetworkMaps.hostOf(vip.getAddr()), List.copyOf(
                            servingTasks.getOrDefault(vip.getNetworkId() + "/" + s.getServiceId(), List.of())));
                }
            }
        }
        return out;
    }

    private static Optional<String> vipOn(ServiceEndpoint s, String network) {
        return s.getVirtualIpsList().stream().filter(v -> v.getNetworkId().equals(network) && !v.getAddr().isEmpty())
                .map(v -> NetworkMaps.hostOf(v.getAddr())).findFirst();
    }
}
