package io.orch.scheduler.network;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ownership of the routing mesh's published ports: an INGRESS-mode port (per protocol) belongs
 * to one service cluster-wide, since every node forwards it to that service's tasks; a
 * PublishedPort of 0 gets a free port of Docker's dynamic range. Host-mode ports are copied as
 * they are (the scheduler checks them per node), but, as in swarmkit, a host-mode port and an
 * ingress port of two services may not be the same port. Pure: the caller runs it inside the store
 * transaction that writes the service, with every other service, so two services never win the
 * same port.
 */
public final class IngressPorts {
    /** Docker's (swarmkit's) dynamic range for PublishedPort 0. */
    public static final int DYNAMIC_FIRST = 30000;
    public static final int DYNAMIC_LAST = 32767;

    private IngressPorts() {}

    /** A port taken, and by whom (for the message). */
    public record Owner(String serviceId, String serviceName) {}

    /**
     * The published ports of the other services: their ingress ports (allocated, Endpoint.Ports)
     * and their host-mode ones. Host-mode ports may repeat across services (the scheduler keeps
     * them on different nodes), but never match an ingress port: the routing mesh takes an
     * ingress port on every node.
     */
    public record Taken(Map<String, Owner> ingress, Map<String, Owner> host) {
        public static Taken none() {
            return new Taken(Map.of(), Map.of());
        }
    }

    /** A published port another service owns, or none left in the dynamic range: the service cannot have it. */
    public static final class ConflictException extends IllegalArgumentException {
        public ConflictException(String message) {
            super(message);
        }
    }

    /** Whether the endpoint publishes any port through the routing mesh (so its tasks join the ingress network). */
    public static boolean needsIngress(EndpointSpec spec) {
        return spec.getPortsList().stream().anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS);
    }

    /** Whether the service publishes ingress ports: by its spec, or by what was allocated to it. */
    public static boolean needsIngress(Service service) {
        return needsIngress(service.getSpec().getEndpointSpec())
                || service.getEndpoint().getPortsList().stream().anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS);
    }

    /** "tcp/8080": the key a published port is owned under. */
    static String key(PortConfig.Protocol protocol, int publishedPort) {
        return protocol.name() + "/" + Integer.toUnsignedString(publishedPort);
    }

    /** The ports every service but {@code exceptServiceId} publishes now (its Endpoint.Ports, as allocated). */
    public static Taken taken(Collection<Service> services, String exceptServiceId) {
        Map<String, Owner> ingress = new HashMap<>();
        Map<String, Owner> host = new HashMap<>();
        for (Service s : services) {
            if (s.getId().equals(exceptServiceId)) {
                continue;
            }
            for (PortConfig p : s.getEndpoint().getPortsList()) {
                if (p.getPublishedPort() != 0) {
                    (p.getPublishMode() == PortConfig.PublishMode.INGRESS ? ingress : host)
                            .putIfAbsent(key(p.getProtocol(), p.getPublishedPort()), new Owner(s.getId(), s.getSpec().getName()));
                }
            }
        }
        return new Taken(ingress, host);
    }

    /**
     * Endpoint.Ports for {@code spec}: its ports in order, each INGRESS one with PublishedPort 0
     * replaced by the port {@code previous} (the service's Endpoint.Ports before this change) had
     * for the same target port and protocol, else by the lowest free port of the dynamic range.
     *
     * @throws ConflictException with swarmkit's message when a port asked for is another
     *                           service's ingress port, an ingress port asked for is another
     *                           service's host-mode port, or the dynamic range is used up
     */
    public static List<PortConfig> allocate(EndpointSpec spec, List<PortConfig> previous, Taken taken) {
        Set<String> used = new HashSet<>(taken.ingress().keySet());
        used.addAll(taken.host().keySet());
        for (PortConfig p : spec.getPortsList()) {
            if (p.getPublishedPort() == 0) {
                continue;
            }
            String key = key(p.getProtocol(), p.getPublishedPort());
            Owner owner = taken.ingress().get(key);
            String as = "an ingress port";
            if (owner == null && p.getPublishMode() == PortConfig.PublishMode.INGRESS) {
                owner = taken.host().get(key);
                as = "a host-published port";
            }
            if (owner != null) {
                throw new ConflictException("port '" + Integer.toUnsignedString(p.getPublishedPort())
                        + "' is already in use by service '" + owner.serviceName() + "' (" + owner.serviceId() + ") as " + as);
            }
            used.add(key);
        }
        // dynamic ports this service had: kept while the same (target, protocol) stays published,
        // so an update that changes something else does not move the port under its clients
        Map<String, List<Integer>> kept = new HashMap<>();
        for (PortConfig p : previous) {
            if (p.getPublishMode() == PortConfig.PublishMode.INGRESS && p.getPublishedPort() != 0
                    && !used.contains(key(p.getProtocol(), p.getPublishedPort()))) {
                kept.computeIfAbsent(p.getProtocol().name() + ">" + p.getTargetPort(), k -> new ArrayList<>()).add(p.getPublishedPort());
            }
        }
        List<PortConfig> out = new ArrayList<>(spec.getPortsCount());
        for (PortConfig p : spec.getPortsList()) {
            if (p.getPublishMode() != PortConfig.PublishMode.INGRESS || p.getPublishedPort() != 0) {
                out.add(p);
                continue;
            }
            Integer port = null;
            List<Integer> had = kept.get(p.getProtocol().name() + ">" + p.getTargetPort());
            while (had != null && !had.isEmpty() && port == null) {
                int candidate = had.remove(0);
                if (!used.contains(key(p.getProtocol(), candidate))) {
                    port = candidate;
                }
            }
            for (int scan = DYNAMIC_FIRST; port == null && scan <= DYNAMIC_LAST; scan++) {
                if (!used.contains(key(p.getProtocol(), scan))) {
                    port = scan; // the lowest free one, as swarmkit: deterministic and easy to predict
                }
            }
            if (port == null) {
                throw new ConflictException("no free port left in the dynamic range " + DYNAMIC_FIRST + "-" + DYNAMIC_LAST
                        + " for target port " + Integer.toUnsignedString(p.getTargetPort()) + "/"
                        + p.getProtocol().name().toLowerCase(java.util.Locale.ROOT));
            }
            used.add(key(p.getProtocol(), port));
            out.add(p.toBuilder().setPublishedPort(port).build());
        }
        return out;
    }

    /**
     * As {@link #allocate}, for a spec the managers put back themselves (an update rolled back
     * after its tasks failed): there is no client to refuse, so a port that is no longer free
     * (another service took it while the failed spec was out) is left unpublished, and said.
     *
     * @param refused told one line per port left out
     */
    public static List<PortConfig> allocateAvailable(EndpointSpec spec, List<PortConfig> previous, Taken taken,
                                                     java.util.function.Consumer<String> refused) {
        EndpointSpec.Builder free = spec.toBuilder().clearPorts();
        for (PortConfig p : spec.getPortsList()) {
            try {
                allocate(EndpointSpec.newBuilder().addPorts(p).build(), List.of(), taken);
                free.addPorts(p);
            } catch (ConflictException e) {
                refused.accept(e.getMessage());
            }
        }
        try {
            return allocate(free.build(), previous, taken);
        } catch (ConflictException e) { // two dynamic ports and one free port left: rare enough to publish none of them
            refused.accept(e.getMessage());
            return free.getPortsList().stream().filter(p -> p.getPublishMode() == PortConfig.PublishMode.HOST).toList();
        }
    }
}
