package io.orch.gossip.sim;

import io.orch.gossip.Address;
import io.orch.gossip.transport.Transport;
import io.orch.gossip.wire.Packet;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;

/**
 * A lossy, partitionable network in virtual time. Datagrams are dropped with probability
 * {@link #setLossRate loss} and otherwise delivered after a random LAN latency. TCP requests are
 * reliable but slow under loss: every lost segment costs a retransmission timeout (1 s for the
 * handshake, 200 ms for data, as Linux does), so the TCP fallback ping is not a free pass. A crashed
 * endpoint refuses connections; a partition silently swallows everything crossing it.
 */
public final class SimulatedNetwork {

    static final long SYN_RTO_MILLIS = 1000;
    static final long DATA_RTO_MILLIS = 200;

    private static final class Endpoint {
        Transport.Inbound inbound;
        boolean up;
    }

    private final VirtualScheduler scheduler;
    private final Random random;
    private final Map<Address, Endpoint> endpoints = new HashMap<>();
    private double lossRate;
    private int minLatencyMillis = 1;
    private int maxLatencyMillis = 2;
    private BiPredicate<Address, Address> reachable = (a, b) -> true;
    private long datagrams;
    private long tcpRequests;

    public SimulatedNetwork(VirtualScheduler scheduler, Random random) {
        this.scheduler = scheduler;
        this.random = random;
    }

    public void setLossRate(double lossRate) {
        this.lossRate = lossRate;
    }

    public void setLatency(int minMillis, int maxMillis) {
        this.minLatencyMillis = minMillis;
        this.maxLatencyMillis = maxMillis;
    }

    /** Only pairs accepted by {@code reachable} can talk (checked at send and at delivery). */
    public void partition(BiPredicate<Address, Address> reachable) {
        this.reachable = reachable;
    }

    public void heal() {
        this.reachable = (a, b) -> true;
    }

    /** A transport bound to {@code address} on this network. */
    public Transport transport(Address address) {
        return new SimulatedTransport(this, address);
    }

    public long datagramsSent() {
        return datagrams;
    }

    public long tcpRequestsSent() {
        return tcpRequests;
    }

    void bind(Address address, Transport.Inbound inbound) {
        Endpoint e = endpoints.computeIfAbsent(address, a -> new Endpoint());
        if (e.up) {
            throw new IllegalStateException("address in use: " + address);
        }
        e.inbound = inbound;
        e.up = true;
    }

    void crash(Address address) {
        Endpoint e = endpoints.get(address);
        if (e != null) {
            e.up = false;
        }
    }

    void sendDatagram(Address from, Address to, Packet packet) {
        datagrams++;
        if (!reachable.test(from, to) || random.nextDouble() < lossRate) {
            return;
        }
        scheduler.schedule(latency(), () -> {
            Endpoint e = endpoints.get(to);
            if (e != null && e.up && reachable.test(from, to)) {
                e.inbound.onPacket(from, packet);
            }
        });
    }

    CompletableFuture<Packet> request(Address from, Address to, Packet request, Duration timeout) {
        tcpRequests++;
        CompletableFuture<Packet> response = new CompletableFuture<>();
        scheduler.schedule(timeout.toMillis(),
                () -> response.completeExceptionally(new TimeoutException("no answer from " + to)));
        if (!reachable.test(from, to)) {
            return response; // SYNs vanish: the caller times out
        }
        Endpoint target = endpoints.get(to);
        if (target == null || !target.up) {
            scheduler.schedule(2L * latency(), () -> response.completeExceptionally(
                    new ConnectException("connection refused: " + to)));
            return response;
        }
        long handshake = 2L * latency() + retransmissions(2, SYN_RTO_MILLIS);
        long requestArrives = handshake + latency() + retransmissions(1, DATA_RTO_MILLIS);
        scheduler.schedule(requestArrives, () -> {
            Endpoint e = endpoints.get(to);
            if (e == null || !e.up || !reachable.test(from, to)) {
                response.completeExceptionally(new IOException("connection reset by " + to));
                return;
            }
            e.inbound.onRequest(from, request).whenComplete((answer, error) -> {
                long back = latency() + retransmissions(1, DATA_RTO_MILLIS);
                scheduler.schedule(back, () -> {
                    if (error != null) {
                        response.completeExceptionally(error);
                    } else if (reachable.test(to, from)) {
                        response.complete(answer);
                    }
                });
            });
        });
        return response;
    }

    /** Delay from lost segments: each of {@code segments} is retried after {@code rto} (doubling) until it gets through. */
    private long retransmissions(int segments, long rto) {
        long delay = 0;
        for (int s = 0; s < segments; s++) {
            long backoff = rto;
            while (random.nextDouble() < lossRate) {
                delay += backoff;
                backoff *= 2;
            }
        }
        return delay;
    }

    private long latency() {
        return minLatencyMillis + random.nextInt(maxLatencyMillis - minLatencyMillis + 1);
    }
}
