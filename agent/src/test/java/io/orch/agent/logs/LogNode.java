package io.orch.agent.logs;

import java.util.Set;
import io.orch.agent.pki.LiveRevocations;
import io.grpc.BindableService;
import io.netty.handler.ssl.ClientAuth;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * A node that serves its task output over {@link NodeLogsService} on a real loopback RPC server
 * with mutual TLS, as every node does; its tasks' files live under its own directory.
 */
public final class LogNode implements AutoCloseable {
    public final NodeCredentials credentials;
    public final Path tasksDir;
    public final NodeLogsService service;
    public final String address;
    private final RpcServer server;

    public LogNode(RootCa ca, String nodeId, NodeRole role, Path dataDir, int port, Clock clock) throws IOException {
        this.credentials = NodeCredentials.selfIssued(ca, nodeId, role, List.of("127.0.0.1"));
        this.tasksDir = dataDir.resolve("tasks");
        this.service = new NodeLogsService(tasksDir, ca.clusterId(), clock, LogFollowers.shared());
        this.address = "127.0.0.1:" + port;
        // OPTIONAL, as on the node's real listener (joining nodes have no certificate yet)
        this.server = new RpcServer(new InetSocketAddress("127.0.0.1", port), credentials.serverContext(ClientAuth.OPTIONAL),
                List.<BindableService>of(service), LiveRevocations.none(), Set.of()).start();
    }

    public void append(String taskId, String file, String text) throws IOException {
        Path f = Files.createDirectories(tasksDir.resolve(taskId)).resolve(file);
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void close() {
        server.close();
    }
}
