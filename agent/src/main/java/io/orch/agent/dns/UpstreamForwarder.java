package io.orch.agent.dns;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Forwards to the host's resolvers in order, like the host's own stub resolver does: each gets
 * {@link #TIMEOUT} to answer before the next is tried. Bounded: beyond {@link #MAX_IN_FLIGHT}
 * concurrent forwards, queries are dropped (the client retries), so a flood costs at most that
 * many sockets and never queues without end.
 */
final class UpstreamForwarder implements DnsForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamForwarder.class);

    /** Per upstream. glibc waits 5 s per attempt; 2 s leaves a second upstream time to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Each forward holds one socket until answered or timed out. */
    static final int MAX_IN_FLIGHT = 1024;

    private final EventLoopGroup group;
    private final Supplier<List<InetSocketAddress>> upstreams;
    private final Duration timeout;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final SecureRandom ids = new SecureRandom();

    /**
     * @param upstreams read on every forward, so the list may change (and must not contain this
     *                  server's own addresses, or a query would loop back to us)
     */
    UpstreamForwarder(EventLoopGroup group, Supplier<List<InetSocketAddress>> upstreams, Duration timeout, int maxInFlight) {
        this.group = group;
        this.upstreams = upstreams;
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public CompletableFuture<byte[]> forward(byte[] query, boolean tcp) {
        return forward(query, tcp, upstreams.get());
    }

    @Override
    public CompletableFuture<byte[]> forward(byte[] query, boolean tcp, List<InetSocketAddress> targets) {
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(new IOException("no upstream resolver configured"));
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("{} forwarded DNS queries in flight: dropped {} so far", maxInFlight, n);
            }
            return null;
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        result.whenComplete((a, e) -> inFlight.decrementAndGet());
        EventLoop loop = group.next();
        loop.execute(() -> attempt(loop, query, tcp, targets, 0, result));
        return result;
    }

    private void attempt(EventLoop loop, byte[] query, boolean tcp, List<InetSocketAddress> targets, int index,
                         CompletableFuture<byte[]> result) {
        if (index == targets.size()) {
            result.completeExceptionally(new IOException("no answer from " + targets));
            return;
        }
        // A fresh random id per upstream: the client's id (often a counter) would be guessable.
        int id = ids.nextInt(0x10000);
        byte[] sent = withId(query, id);
        InetSocketAddress upstream = targets.get(index);
        UpstreamExchange.ask(loop, upstream, sent, id, tcp, timeout).whenComplete((answer, error) -> {
            if (error == null) {
                result.complete(withId(answer, idOf(query)));
            } else {
                LOG.debug("upstream {} failed: {}", upstream, error.toString());
                attempt(loop, query, tcp, targets, index + 1, result);
            }
        });
    }

    static int idOf(byte[] message) {
        return (message[0] & 0xff) << 8 | message[1] & 0xff;
    }

    static byte[] withId(byte[] message, int id) {
        byte[] copy = message.clone();
        copy[0] = (byte) (id >> 8);
        copy[1] = (byte) id;
        return copy;
    }
}
