package io.orch.agent.dispatch;

import io.orch.agent.pki.ClusterCa;
import io.orch.agent.pki.RootCa;
import io.orch.agent.pki.RootRotations;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.api.proto.TrustRoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A worker hears the cluster's root CAs from its session: when it opens, and when a root rotation starts and ends. */
class TrustRootsSessionTest {
    @TempDir
    Path dataDir;
    private DispatchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DispatchFixture();
        f.createNode("w1");
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private Cluster cluster() {
        return f.store.read(r -> r.cluster()).orElseThrow();
    }

    @Test
    void theWorkerIsToldTheRootsWhenItsSessionOpensAndWhenARotationStartsAndEnds() throws Exception {
        RootCa root = RootCa.create("cluster1");
        f.store.updateAndWait(tx -> tx.create(Cluster.newBuilder().setId("cluster1").setRootCa(root.toProto()).build()));
        f.startManager("m1");
        DispatchFixture.WorkerNode w = f.startWorker("w1", dataDir, "m1");
        List<TrustRoots> heard = new CopyOnWriteArrayList<>();
        w.client().addListener(new DispatcherClient.Listener() {
            @Override
            public void trustRoots(TrustRoots roots) {
                heard.add(roots);
            }
        });
        await("the roots when the session opens").atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
        assertEquals(ClusterCa.of(cluster()).trustRoots(), heard.get(0));
        assertEquals(1, heard.get(0).getTrustedRootsPemCount());

        Cluster rotating = RootRotations.start(cluster(), 1, Clock.systemUTC());
        f.store.updateAndWait(tx -> tx.update(rotating));
        await("both roots once the rotation starts").atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
        assertEquals(2, heard.get(1).getTrustedRootsPemCount());
        assertEquals(rotating.getRootRotation().getCaCertPem(), heard.get(1).getSigningRootPem());

        Cluster finished = RootRotations.finish(cluster(), List.<Node>of()).orElseThrow();
        f.store.updateAndWait(tx -> tx.update(finished));
        await("the new root alone once it ends").atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
        assertEquals(List.of(rotating.getRootRotation().getCaCertPem()), heard.get(2).getTrustedRootsPemList());
        assertEquals(3, heard.size(), "told once per change, not at every tick");
    }
}
