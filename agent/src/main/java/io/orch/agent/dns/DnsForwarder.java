package io.orch.agent.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where {@link DnsQueryHandler} sends the queries that are not orch's. */
interface DnsForwarder {

    /**
     * Relays one query upstream.
     *
     * @param query the query exactly as the client sent it
     * @param tcp   true when the client asked over TCP: ask upstream over TCP too (a client only
     *              does that for an answer too large for UDP)
     * @return the upstream's answer, carrying the query's own id; completed exceptionally when no
     *         upstream answered. Null when too many forwards are in flight: drop the query.
     */
    CompletableFuture<byte[]> forward(byte[] query, boolean tcp);

    /** The same, to {@code upstreams} (in order) rather than the server's own. */
    default CompletableFuture<byte[]> forward(byte[] query, boolean tcp, List<InetSocketAddress> upstreams) {
        return forward(query, tcp);
    }
}
