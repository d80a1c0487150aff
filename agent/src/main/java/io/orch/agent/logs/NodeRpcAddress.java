package io.orch.agent.logs;

import io.orch.api.proto.Node;

import java.util.Optional;

/**
 * Where another node's RPC (its listen address, host:port) is reached, from its stored Node: a
 * manager's is its ManagerStatus.addr (written at join and registration); a worker's is the
 * address it sent in its dispatcher hello, which the manager's session keeps in NodeStatus.addr.
 * NodeStatus.addr holds only a host until that hello arrives: then there is no RPC address yet.
 */
public final class NodeRpcAddress {
    private NodeRpcAddress() {}

    public static Optional<String> of(Node node) {
        if (node.hasManagerStatus() && hasPort(node.getManagerStatus().getAddr())) {
            return Optional.of(node.getManagerStatus().getAddr());
        }
        String addr = node.getStatus().getAddr();
        return hasPort(addr) ? Optional.of(addr) : Optional.empty();
    }

    /** "host:port" or "[v6]:port", not a bare host (an IPv6 host alone has colons but no bracket). */
    static boolean hasPort(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || colon == addr.length() - 1) {
            return false;
        }
        if (addr.indexOf(':') != colon && !addr.startsWith("[")) {
            return false;
        }
        for (int i = colon + 1; i < addr.length(); i++) {
            if (!Character.isDigit(addr.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
