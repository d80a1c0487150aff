package io.orch.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that this node's Raft address (the --listen-addr port + 2) can be bound before a manager
 * replica is started on it. Ratis finds a taken port only inside its server start, after the node
 * has written its role and started half its parts; asked first, the node refuses with one line
 * and stays as it was (a worker stays a worker, an init creates nothing).
 */
final class RaftPort {
    private RaftPort() {}

    /** @throws RaftPortInUseException when the port cannot be bound now */
    static void checkFree(AgentConfig config) throws RaftPortInUseException {
        AgentConfig.HostPort raft = config.raftAddr();
        try (ServerSocket probe = new ServerSocket()) {
            // as Ratis binds it (its gRPC server sets SO_REUSEADDR), so TIME_WAIT leftovers do not count
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(raft.host(), raft.port()));
        } catch (IOException e) {
            throw new RaftPortInUseException("the Raft port " + raft + " (the --listen-addr port + "
                    + AgentConfig.RAFT_PORT_OFFSET + ") cannot be bound: " + e.getMessage());
        }
    }

    /** This node cannot run a manager replica on its Raft address now. */
    static final class RaftPortInUseException extends IOException {
        RaftPortInUseException(String message) {
            super(message);
        }
    }
}
