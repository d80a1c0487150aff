package io.orch.agent.cluster;

import io.orch.gossip.Address;
import io.orch.gossip.transport.Transport;
import io.orch.gossip.wire.Packet;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A gossip transport that tells the protocol to announce another address than the one it bound:
 * a node binding 0.0.0.0 must announce an address its peers can reach. The port is the bound one
 * when the advertised address says port 0.
 */
final class AdvertisedTransport implements Transport {
    private final Transport delegate;
    private final Address advertised;

    AdvertisedTransport(Transport delegate, Address advertised) {
        this.delegate = delegate;
        this.advertised = advertised;
    }

    @Override
    public Address start(Inbound inbound) {
        Address bound = delegate.start(inbound);
        return new Address(advertised.host(), advertised.port() == 0 ? bound.port() : advertised.port());
    }

    @Override
    public void sendPacket(Address to, Packet packet) {
        delegate.sendPacket(to, packet);
    }

    @Override
    public CompletableFuture<Packet> request(Address to, Packet request, Duration timeout) {
        return delegate.request(to, request, timeout);
    }

    @Override
    public int packetOverhead() {
        return delegate.packetOverhead();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
