package io.orch.cli.client;

import java.nio.file.Path;

/**
 * Where the agent's API listens: {@code unix:///run/orch/orch.sock}, {@code tcp://host:port} or,
 * as with docker's -H, {@code host:port} (tcp; host defaults to localhost, port to 2375).
 * Parsed once so that every later decision (transport, error text) works on a checked value.
 */
public record HostAddress(String url, Scheme scheme, Path socketPath, String host, int port) {
    public enum Scheme { UNIX, TCP }

    public static HostAddress parse(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("empty host");
        if (url.startsWith("unix://")) {
            String path = url.substring("unix://".length());
            if (path.isEmpty()) throw new IllegalArgumentException("invalid host \"" + url + "\": missing socket path");
            return new HostAddress(url, Scheme.UNIX, Path.of(path), null, 0);
        }
        if (url.contains("://") && !url.startsWith("tcp://")) {
            throw new IllegalArgumentException("invalid host \"" + url + "\": expected unix:///path, tcp://host:port or host:port");
        }
        // as docker: no scheme means tcp, a missing host is localhost and a missing port 2375
        String rest = url.startsWith("tcp://") ? url.substring("tcp://".length()) : url;
        if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
        if (rest.contains("/")) throw new IllegalArgumentException("invalid host \"" + url + "\": a tcp address has no path");
        String host = rest;
        int port = DEFAULT_TCP_PORT;
        int colon = rest.lastIndexOf(':');
        boolean bareIpv6 = rest.indexOf(':') != colon && !rest.startsWith("[");
        if (colon >= 0 && !bareIpv6) {
            host = rest.substring(0, colon);
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid host \"" + url + "\": bad port");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = "localhost";
        if (port < 1 || port > 65535) throw new IllegalArgumentException("invalid host \"" + url + "\": bad port");
        String normalized = "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        return new HostAddress(normalized, Scheme.TCP, null, host, port);
    }

    /** docker's default for a tcp address without a port. */
    public static final int DEFAULT_TCP_PORT = 2375;

    /** Value of the HTTP Host header; for a unix socket any name works, docker sends "api.moby.localhost". */
    public String hostHeader() {
        return scheme == Scheme.UNIX ? "api.moby.localhost" : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return url;
    }
}
