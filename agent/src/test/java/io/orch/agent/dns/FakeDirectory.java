package io.orch.agent.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One overlay network's names, visible to the clients in {@code clients} only:
 * web → 10.0.1.2; tasks.web → 10.0.1.3, 10.0.1.4; idle (a dnsrr service at 0 replicas) → none;
 * and 10.0.1.3 reverses to web.1.task3.
 */
class FakeDirectory implements DnsDirectory {
    private final Set<InetAddress> clients;
    private final Map<String, List<Inet4Address>> names = Map.of(
            "web", List.of(v4("10.0.1.2")),
            "tasks.web", List.of(v4("10.0.1.3"), v4("10.0.1.4")),
            "idle", List.of());
    final List<String> asked = new CopyOnWriteArrayList<>();

    FakeDirectory(InetAddress... clients) {
        this.clients = Set.of(clients);
    }

    @Override
    public Optional<List<Inet4Address>> lookup(InetAddress client, String name) {
        asked.add(name);
        return clients.contains(client) ? Optional.ofNullable(names.get(name)) : Optional.empty();
    }

    @Override
    public Optional<String> reverse(InetAddress client, Inet4Address address) {
        asked.add("reverse " + address.getHostAddress());
        return clients.contains(client) && address.equals(v4("10.0.1.3")) ? Optional.of("web.1.task3") : Optional.empty();
    }

    static Inet4Address v4(String literal) {
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
