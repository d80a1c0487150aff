package io.orch.gossip.transport;

import io.orch.gossip.Address;
import io.orch.gossip.wire.Packet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The network seam. The protocol hands whole {@link Packet}s to a transport; the real one
 * ({@link NettyTransport}) encodes, optionally encrypts, and uses UDP for {@link #sendPacket} and a
 * TCP connection per {@link #request}; the simulated one delivers the objects in virtual time with
 * loss, latency and partitions.
 */
public interface Transport {

    /** Binds and starts delivering to {@code inbound}; returns the bound address (port 0 resolved). */
    Address start(Inbound inbound);

    /** Best effort, unordered, may be lost (UDP). Never blocks. */
    void sendPacket(Address to, Packet packet);

    /** One request, one response over a reliable stream (TCP); fails on timeout or connection error. */
    CompletableFuture<Packet> request(Address to, Packet request, Duration timeout);

    /** Bytes the transport adds to each datagram (header, nonce, tag): the protocol fills the rest. */
    int packetOverhead();

    /** Closes every socket at once; in-flight requests fail. */
    void close();

    /** What a transport delivers to. May be called on any thread. */
    interface Inbound {
        void onPacket(Address from, Packet packet);

        /** Answers a request; the future's value is the response. */
        CompletableFuture<Packet> onRequest(Address from, Packet request);
    }
}
