package io.orch.raft.ratis;

/** A parsed host:port ("[::1]:7000" for IPv6 literals). */
record HostPort(String host, int port) {

    static HostPort parse(String address) {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("not host:port: " + address);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port: " + address, e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + address);
        }
        return new HostPort(host, port);
    }
}
