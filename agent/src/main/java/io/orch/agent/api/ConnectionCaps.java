package io.orch.agent.api;

import io.netty.channel.Channel;
import io.orch.api.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Counts one server's open API connections per client and refuses those over the cap: per remote
 * IP address on TCP, all together on the unix socket (whose peers have no address to tell apart).
 * A refused connection is closed before its pipeline is built, so thousands of idle connections
 * from one client cannot take the agent's file descriptors. Each refused client is logged once a
 * minute at most: a client that keeps trying must not flood the log either. Thread-safe (connections
 * are accepted on several event loops).
 */
final class ConnectionCaps {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCaps.class);
    static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final int perAddress;
    private final int local;
    private final ClientWarnings warnings;
    private final Map<Object, Integer> open = new ConcurrentHashMap<>();

    /** Logging to this class's logger, on the JVM's monotonic clock. */
    ConnectionCaps(int perAddress, int local) {
        this(perAddress, local, Ticker.system(), LOG::warn);
    }

    /**
     * @param perAddress the most connections one remote IP address may hold (TCP)
     * @param local      the most connections the unix socket may hold, all clients together
     * @param warn       where the (throttled) refusal lines go
     */
    ConnectionCaps(int perAddress, int local, Ticker ticker, Consumer<String> warn) {
        this.perAddress = perAddress;
        this.local = local;
        this.warnings = new ClientWarnings(WARN_EVERY, ticker, warn);
    }

    /** Counts the connection until it closes and returns true, or returns false if its client is at its cap. */
    boolean admit(Channel ch) {
        Object client = client(ch);
        int cap = client instanceof InetAddress ? perAddress : local;
        boolean[] admitted = {false};
        open.compute(client, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= cap) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            refused(client, cap);
            return false;
        }
        ch.closeFuture().addListener(f -> open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1));
        return true;
    }

    /** Open connections of the client at {@code ch}'s remote end (tests). */
    int openFrom(Channel ch) {
        return open.getOrDefault(client(ch), 0);
    }

    private static Object client(Channel ch) {
        return ClientWarnings.clientOf(ch);
    }

    private void refused(Object client, int cap) {
        warnings.warn(client, () -> "refused API connections from " + ClientWarnings.name(client) + ": it holds " + cap
                + " already, the most allowed (closed at once; not logged again for a minute)");
    }
}
