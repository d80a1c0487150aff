package io.orch.agent.api;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.WriteTx;
import io.orch.scheduler.network.IngressPorts;
import io.orch.scheduler.network.NetworkAllocations;

import java.util.List;

/**
 * A service's published ports as allocated (Endpoint.Ports), decided inside the transaction
 * that writes the service ({@link IngressPorts} decides): an ingress port another service owns
 * (or one another service publishes in host mode) is refused with swarmkit's message, a
 * PublishedPort of 0 gets a port of the dynamic range.
 *
 * <p>Race-free: a write whose ports differ from what the service had also rewrites the Cluster
 * object (version-checked, content unchanged). Two transactions that claim ports from the same
 * view both do, so the second is rejected and its caller decides again from the new state,
 * instead of both taking one port. (The same lock as network creation's.)
 */
final class ServicePorts {
    static final String NO_INGRESS = "service needs ingress network, but no ingress network is present";

    private ServicePorts() {}

    /**
     * {@code service} with its Endpoint.Ports allocated against every other service in {@code tx}.
     *
     * @param previous the ports the service had (its stored Endpoint.Ports), none for a new service
     * @throws ApiException 400 when a port is taken, the dynamic range is full, or there is no ingress network
     */
    static Service allocated(WriteTx tx, Service service, List<PortConfig> previous) throws ApiException {
        ReadTx read = tx.read();
        if (IngressPorts.needsIngress(service.getSpec().getEndpointSpec()) && NetworkAllocations.ingress(read.networks()).isEmpty()) {
            throw ApiException.badRequest(NO_INGRESS); // as swarmkit: nothing would serve the port
        }
        List<PortConfig> ports;
        try {
            ports = IngressPorts.allocate(service.getSpec().getEndpointSpec(), previous,
                    IngressPorts.taken(read.services(), service.getId()));
        } catch (IngressPorts.ConflictException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!ports.equals(previous)) {
            read.cluster().ifPresent(tx::update); // the lock; see above (host-mode ports too: they may not meet ingress ones)
        }
        Endpoint.Builder endpoint = service.getEndpoint().toBuilder().clearPorts().addAllPorts(ports);
        return service.toBuilder().setEndpoint(endpoint).build();
    }
}
