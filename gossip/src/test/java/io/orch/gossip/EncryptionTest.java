package io.orch.gossip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.transport.NettyTransport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real loopback members with AES-GCM keyrings. */
class EncryptionTest {

    private static final byte[] CLUSTER_KEY = "cluster-key-0001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG_KEY = "intruder-key-001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_KEY = "cluster-key-0002-rotated-256-bit".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aMemberWithTheWrongKeyCannotJoinAndIsNeverSeen() throws Exception {
        try (LoopbackCluster cluster = LoopbackCluster.start(3, Keyring.of(CLUSTER_KEY))) {
            NettyTransport intruderTransport = new NettyTransport(Address.parse("127.0.0.1:0"), GossipConfig.local(),
                    Keyring.of(WRONG_KEY));
            try (Membership intruder = Membership.builder("intruder").config(GossipConfig.local())
                    .transport(intruderTransport).build()) {
                String seed = cluster.members.get(0).localMember().address().toString();

                ExecutionException failure = assertThrows(ExecutionException.class,
                        () -> intruder.start(List.of(seed)).get(10, TimeUnit.SECONDS));
                assertInstanceOf(JoinException.class, failure.getCause());

                assertEquals(1, intruder.members().size(), "the intruder learned nothing");
                for (Membership m : cluster.members) {
                    assertTrue(m.member("intruder").isEmpty(), "the cluster never saw the intruder");
                }
            }
        }
    }

    @Test
    void theWrongKeyCannotReadClusterTraffic() throws Exception {
        try (LoopbackCluster cluster = LoopbackCluster.start(3, Keyring.of(CLUSTER_KEY))) {
            NettyTransport listening = new NettyTransport(Address.parse("127.0.0.1:0"), GossipConfig.local(),
                    Keyring.of(WRONG_KEY));
            try (Membership eavesdropper = Membership.builder("eavesdropper").config(GossipConfig.local())
                    .transport(listening).build()) {
                eavesdropper.start(List.of()).get(10, TimeUnit.SECONDS);
                // A cluster member sends real (encrypted) traffic to the eavesdropper's socket.
                Membership member = cluster.members.get(0);
                assertThrows(ExecutionException.class, () -> member
                        .join(List.of(eavesdropper.localMember().address().toString())).get(10, TimeUnit.SECONDS));

                assertTrue(listening.rejectedFrames() > 0, "the frames arrived and could not be decrypted");
                assertEquals(1, eavesdropper.members().size(), "nothing was learned from them");
            }
        }
    }

    @Test
    void keysRotateOnALiveClusterWithoutARestart() throws Exception {
        Keyring[] rings = {Keyring.of(CLUSTER_KEY), Keyring.of(CLUSTER_KEY), Keyring.of(CLUSTER_KEY)};
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            for (int i = 0; i < 3; i++) {
                cluster.add("member-" + i, rings[i]);
            }
            cluster.members.get(0).start(List.of()).get(10, TimeUnit.SECONDS);
            String seed = cluster.members.get(0).localMember().address().toString();
            for (int i = 1; i < 3; i++) {
                cluster.members.get(i).start(List.of(seed)).get(10, TimeUnit.SECONDS);
            }
            await().atMost(LoopbackCluster.DEADLINE).until(() ->
                    cluster.members.stream().allMatch(m -> m.liveMembers().size() == 3));

            for (Keyring ring : rings) {
                ring.install(NEXT_KEY);
            }
            for (Keyring ring : rings) {
                ring.use(NEXT_KEY);
            }
            for (Keyring ring : rings) {
                ring.remove(CLUSTER_KEY);
            }

            byte[] metadata = "after-rotation".getBytes(StandardCharsets.UTF_8);
            cluster.members.get(2).updateLocalMetadata(metadata);
            cluster.awaitEveryone(List.of(0, 1), e -> e.type() == MembershipEvent.Type.UPDATED);
            assertArrayEquals(metadata, cluster.members.get(0).member("member-2").orElseThrow().metadata());

            Membership late = cluster.add("member-3", Keyring.of(NEXT_KEY));
            late.start(List.of(seed)).get(10, TimeUnit.SECONDS);
            await().atMost(LoopbackCluster.DEADLINE).until(() ->
                    cluster.members.stream().allMatch(m -> m.liveMembers().size() == 4));
            assertTrue(cluster.events.stream().allMatch(q -> q.stream()
                            .noneMatch(e -> e.type() == MembershipEvent.Type.DEAD)),
                    "nobody was declared dead during the rotation");
        }
    }
}
