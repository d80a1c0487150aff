package io.orch.gossip;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A member's network address, {@code host:port}. The same port serves UDP (probes, gossip) and TCP
 * (push-pull, fallback ping). Hosts are kept as given (an IP literal in practice). Immutable; the
 * text form is computed once because it is compared on every received alive message.
 */
public final class Address {

    /** Interned parses: in a 1,000-member simulation every member parses every other address. */
    private static final int CACHE_LIMIT = 65_536;
    private static final ConcurrentHashMap<String, Address> CACHE = new ConcurrentHashMap<>();

    private final String host;
    private final int port;
    private final String text;

    public Address(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.host = host;
        this.port = port;
        this.text = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** Parses {@code host:port} (IPv6 as {@code [::1]:port}). */
    public static Address parse(String hostPort) {
        Address cached = CACHE.get(hostPort);
        if (cached != null) {
            return cached;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + hostPort + "'", e);
        }
        Address parsed = new Address(host, port);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(hostPort, parsed);
        }
        return parsed;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && port == a.port && host.equals(a.host);
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return text;
    }
}
