package io.orch.cli.client;

import java.nio.file.Path;

/**
 * Where the agent's API listens: {@code unix:///run/orch/orch.sock} or {@code tcp://host:port}.
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
        if (url.startsWith("tcp://")) {
            String rest = url.substring("tcp://".length());
            if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("invalid host \"" + url + "\": expected tcp://HOST:PORT");
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid host \"" + url + "\": bad port");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("invalid host \"" + url + "\": bad port");
            return new HostAddress(url, Scheme.TCP, null, host, port);
        }
        throw new IllegalArgumentException("invalid host \"" + url + "\": expected unix:///path or tcp://host:port");
    }

    /** Value of the HTTP Host header; for a unix socket any name works, docker sends "api.moby.localhost". */
    public String hostHeader() {
        return scheme == Scheme.UNIX ? "api.moby.localhost" : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return url;
    }
}
