package io.orch.agent.dispatch;

import com.google.protobuf.ByteString;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A worker keeps no gossip key on disk: its session tells it the key when it opens. */
class GossipKeySessionTest {
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

    @Test
    void theWorkerIsToldTheGossipKeyWhenItsSessionOpens() throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        f.store.updateAndWait(tx -> tx.create(Cluster.newBuilder().setId("cluster1")
                .setRootCa(RootCa.create("cluster1").toProto()).setGossipKey(ByteString.copyFrom(key)).build()));
        f.startManager("m1");
        DispatchFixture.WorkerNode w = f.startWorker("w1", dataDir, "m1");
        List<byte[]> heard = new CopyOnWriteArrayList<>();
        w.client().addListener(new DispatcherClient.Listener() {
            @Override
            public void gossipKey(byte[] k) {
                heard.add(k);
            }
        });
        await("the key when the session opens").atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
        assertArrayEquals(key, heard.get(0));
    }
}
