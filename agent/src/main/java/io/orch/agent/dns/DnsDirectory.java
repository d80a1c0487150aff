package io.orch.agent.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The names orch answers for, as seen by one client: the {@link DnsServer} asks it first and
 * forwards upstream only what it says is not orch's.
 *
 * <p>Both methods are called on a DNS event-loop thread for every query, so an implementation
 * must answer from memory (a snapshot of the store it keeps current) and never block or do I/O.
 * The answer may depend on the client: a container only sees the services of the networks it is
 * attached to, and a client address the directory does not know sees nothing (and so gets the
 * host's resolvers).
 */
public interface DnsDirectory {

    /**
     * The IPv4 addresses of {@code name} for {@code client}.
     *
     * @param client the querying container's address (the UDP sender or TCP peer)
     * @param name   lower-cased, without a trailing dot, e.g. {@code web} or {@code tasks.web}
     * @return empty: the name is not orch's for this client, forward it upstream. Present: orch
     *         is authoritative for the name; the list is answered as given, in that order (rotate
     *         or shuffle it here if you want to spread load). A present but empty list means the
     *         name exists but has no address right now, e.g. a dnsrr service scaled to 0: the
     *         client gets NOERROR with no answer rather than a forward or NXDOMAIN. Whether an
     *         unknown service name is forwarded or answered empty is the implementation's call.
     */
    Optional<List<Inet4Address>> lookup(InetAddress client, String name);

    /**
     * The name of {@code address} for {@code client} (a PTR query in in-addr.arpa).
     *
     * @return the host name, without a trailing dot; empty to forward the query upstream
     */
    default Optional<String> reverse(InetAddress client, Inet4Address address) {
        return Optional.empty();
    }

    /**
     * Where {@code client}'s queries that are not orch's go, when not to the server's own
     * upstreams: a container's DNSConfig.Nameservers, as Docker's embedded DNS forwards them.
     *
     * @return empty: the server's upstreams (the host's resolvers)
     */
    default Optional<List<InetSocketAddress>> upstreams(InetAddress client) {
        return Optional.empty();
    }
}
