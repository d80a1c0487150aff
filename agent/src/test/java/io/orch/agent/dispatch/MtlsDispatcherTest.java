package io.orch.agent.dispatch;

import io.orch.agent.pki.LiveRevocations;
import io.netty.handler.ssl.ClientAuth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.WorkerHello;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The production path: loopback gRPC over mutual TLS, the node id taken from the worker's certificate. */
class MtlsDispatcherTest {
    private static final int PORT = 21201;

    @TempDir
    Path dataDir;

    @Test
    void theManagerKnowsTheWorkerByItsCertificate() throws Exception {
        RootCa ca = RootCa.create("cluster-1");
        NodeCredentials manager = NodeCredentials.selfIssued(ca, "m1", NodeRole.MANAGER, List.of("127.0.0.1"));
        NodeCredentials worker = NodeCredentials.selfIssued(ca, "w1", NodeRole.WORKER, List.of("127.0.0.1"));
        try (DispatchFixture f = new DispatchFixture()) {
            f.createNode("w1");
            f.createService("svc1", "web");
            f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
            String address = "127.0.0.1:" + PORT;
            try (DispatcherService dispatcher = new DispatcherService(f.store, NodeAuthenticator.peerCertificateCommonName(),
                    () -> List.of(address), DispatchFixture.MANAGER_SETTINGS);
                 RpcServer server = new RpcServer(new InetSocketAddress("127.0.0.1", PORT),
                         manager.serverContext(ClientAuth.OPTIONAL), List.of(dispatcher), LiveRevocations.none(), Set.of()).start();
                 DispatcherClient client = new DispatcherClient(() -> List.of(address),
                         ChannelFactory.tls(worker.clientContext(NodeRole.MANAGER)),
                         () -> WorkerHello.newBuilder().addRuntimes("fake").build(),
                         DispatchFixture.CLIENT_SETTINGS, new Random(1))) {
                FakeRuntime runtime = new FakeRuntime();
                try (Worker w = new Worker(new DispatchedWorkerView(client), client, "w1",
                        new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir, Clock.systemUTC(),
                        new SimpleMeterRegistry())) {
                    w.start();
                    client.start();
                    await().atMost(Duration.ofSeconds(15)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
                    assertEquals(Set.of("w1"), dispatcher.connectedNodes());
                    assertEquals(Set.of("t1"), runtime.runningTaskIds());
                }
            }
        }
    }
}
