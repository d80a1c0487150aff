package io.orch.agent.api;

import io.netty.channel.Channel;
import io.orch.api.concurrent.Ticker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Warnings about what one API client did, at most one per client per period: a client that keeps
 * sending what the API refuses must not flood the agent's log (or its disk). Clients are told
 * apart by remote IP address on TCP; the unix socket's peers have none and count as one. Only
 * clients warned about within the last period are remembered. Thread-safe.
 */
final class ClientWarnings {
    static final String UNIX_SOCKET = "the unix socket";

    private final Duration every;
    private final Ticker ticker;
    private final Consumer<String> sink;
    private final Map<Object, Long> lastWarned = new ConcurrentHashMap<>();

    ClientWarnings(Duration every, Ticker ticker, Consumer<String> sink) {
        this.every = every;
        this.ticker = ticker;
        this.sink = sink;
    }

    /** The client at the other end of {@code ch}: its IP address, or {@link #UNIX_SOCKET}. */
    static Object clientOf(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress() : UNIX_SOCKET;
    }

    /** How a client is named in a log line. */
    static String name(Object client) {
        return client instanceof InetAddress a ? a.getHostAddress() : client.toString();
    }

    /** Logs {@code line} unless this client was warned about within the period. */
    void warn(Object client, Supplier<String> line) {
        long now = ticker.nanos();
        long period = every.toNanos();
        boolean[] due = {false};
        lastWarned.compute(client, (k, last) -> {
            if (last != null && now - last < period) {
                return last;
            }
            due[0] = true;
            return now;
        });
        if (due[0]) {
            lastWarned.values().removeIf(t -> now - t >= period); // forget clients quiet for a period
            sink.accept(line.get());
        }
    }
}
