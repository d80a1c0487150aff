package io.orch.gossip.sim;

import io.orch.gossip.Address;
import io.orch.gossip.transport.Transport;
import io.orch.gossip.wire.Packet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One member's view of a {@link SimulatedNetwork}: packets go through as objects, no sockets, no bytes. */
final class SimulatedTransport implements Transport {

    /** What the real transport adds per datagram with encryption on; the protocol budgets for it. */
    private static final int OVERHEAD = 30;

    private final SimulatedNetwork network;
    private final Address address;

    SimulatedTransport(SimulatedNetwork network, Address address) {
        this.network = network;
        this.address = address;
    }

    @Override
    public Address start(Inbound inbound) {
        network.bind(address, inbound);
        return address;
    }

    @Override
    public void sendPacket(Address to, Packet packet) {
        network.sendDatagram(address, to, packet);
    }

    @Override
    public CompletableFuture<Packet> request(Address to, Packet request, Duration timeout) {
        return network.request(address, to, request, timeout);
    }

    @Override
    public int packetOverhead() {
        return OVERHEAD;
    }

    @Override
    public void close() {
        network.crash(address);
    }
}
