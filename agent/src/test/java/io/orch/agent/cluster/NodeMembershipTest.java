package io.orch.agent.cluster;

import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.MemberMeta;
import io.orch.api.proto.NodeSpec;
import io.orch.gossip.GossipConfig;
import io.orch.gossip.JoinException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real members on loopback ports (Netty UDP + TCP, AES-GCM), in this JVM. */
class NodeMembershipTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final List<NodeMembership> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(NodeMembership::close);
    }

    private NodeMembership member(String id, NodeSpec.Role role, int port, String advertise, byte[] key) {
        MemberMeta meta = MemberMeta.newBuilder().setRole(role).setListenAddr("127.0.0.1:" + (port + 50))
                .setRaftAddr(role == NodeSpec.Role.MANAGER ? "127.0.0.1:" + (port + 60) : "")
                .setHostname("host-" + id).setNanoCpus(2_000_000_000L).setMemoryBytes(1L << 30)
                .putLabels("zone", "eu").build();
        String bind = advertise == null ? "127.0.0.1:" + port : "0.0.0.0:" + port;
        NodeMembership m = NodeMembership.create(new NodeMembership.Settings(id, bind, advertise, key, GossipConfig.local()), meta);
        started.add(m);
        return m;
    }

    /** m1 (manager) first, m2 (manager) and w3 (worker) join through it; returns once all see all three. */
    private List<NodeMembership> cluster(int basePort) throws Exception {
        NodeMembership m1 = member("m1", NodeSpec.Role.MANAGER, basePort, null, KEY);
        NodeMembership m2 = member("m2", NodeSpec.Role.MANAGER, basePort + 1, null, KEY);
        NodeMembership w3 = member("w3", NodeSpec.Role.WORKER, basePort + 2, "127.0.0.1:0", KEY);
        m1.start(List.of()).get(10, TimeUnit.SECONDS);
        m2.start(List.of(m1.gossipAddr())).get(10, TimeUnit.SECONDS);
        w3.start(List.of(m1.gossipAddr())).get(10, TimeUnit.SECONDS);
        List<NodeMembership> all = List.of(m1, m2, w3);
        await().atMost(DEADLINE).until(() -> all.stream().allMatch(m -> m.members().values().stream()
                .filter(i -> i.health() == MemberHealth.ALIVE).count() == 3));
        return all;
    }

    @Test
    void everyMemberSeesEveryonesMetadataAndTheAliveManagers() throws Exception {
        List<NodeMembership> all = cluster(21301);
        for (NodeMembership m : all) {
            MemberInfo worker = m.members().get("w3");
            assertEquals("w3", worker.meta().getNodeId(), "the node id is filled in from the member name");
            assertEquals(NodeSpec.Role.WORKER, worker.meta().getRole());
            assertEquals("127.0.0.1:21353", worker.meta().getListenAddr());
            assertEquals("host-w3", worker.meta().getHostname());
            assertEquals(1L << 30, worker.meta().getMemoryBytes());
            assertEquals("eu", worker.meta().getLabelsMap().get("zone"));
            assertEquals("127.0.0.1:21303", worker.gossipAddr(), "bound on 0.0.0.0, advertised on loopback");
            assertEquals(List.of("127.0.0.1:21351", "127.0.0.1:21352"), m.managers().stream().sorted().toList());
            assertEquals(MemberHealth.ALIVE, m.state("m2"));
            assertEquals(MemberHealth.UNKNOWN, m.state("nobody"));
        }
    }

    @Test
    void publishedChangesReachEveryListenerOffTheGossipThread() throws Exception {
        List<NodeMembership> all = cluster(21311);
        Queue<MemberInfo> heard = new ConcurrentLinkedQueue<>();
        Queue<String> threads = new ConcurrentLinkedQueue<>();
        all.get(0).addListener(info -> {
            heard.add(info);
            threads.add(Thread.currentThread().getName());
        });
        all.get(2).publish(MemberMeta.newBuilder().setRole(NodeSpec.Role.MANAGER).setListenAddr("127.0.0.1:21363").build());

        await().atMost(DEADLINE).until(() -> heard.stream().anyMatch(i -> i.nodeId().equals("w3")
                && i.meta().getRole() == NodeSpec.Role.MANAGER));
        assertTrue(all.get(0).managers().contains("127.0.0.1:21363"), "a promoted node is found as a manager");
        assertTrue(threads.stream().allMatch("orch-membership-events"::equals), "listeners run on our thread: " + threads);
    }

    @Test
    void aClosedMemberBecomesDeadOnTheOthersAndIsNoLongerAManager() throws Exception {
        List<NodeMembership> all = cluster(21321);
        Queue<MemberInfo> heard = new ConcurrentLinkedQueue<>();
        all.get(0).addListener(heard::add);
        all.get(1).close(); // m2: sockets closed abruptly, no goodbye

        await().atMost(DEADLINE).until(() -> all.get(0).state("m2") == MemberHealth.DEAD
                && all.get(2).state("m2") == MemberHealth.DEAD);
        assertEquals(List.of("127.0.0.1:21371"), all.get(0).managers());
        assertEquals(ManagerStatus.Reachability.UNREACHABLE, all.get(0).reachability("m2"));
        assertEquals(ManagerStatus.Reachability.REACHABLE, all.get(0).reachability("m1"));
        assertEquals(ManagerStatus.Reachability.UNKNOWN, all.get(0).reachability("nobody"));
        await().atMost(DEADLINE).until(() -> heard.stream().anyMatch(i -> i.nodeId().equals("m2") && i.health() == MemberHealth.DEAD));
    }

    @Test
    void aMemberThatLeavesIsSeenAsLeft() throws Exception {
        List<NodeMembership> all = cluster(21331);
        all.get(2).leave(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        all.get(2).close();
        await().atMost(DEADLINE).until(() -> all.get(0).state("w3") == MemberHealth.LEFT
                && all.get(1).state("w3") == MemberHealth.LEFT);
    }

    @Test
    void aMemberAnnouncingARestartIsRestartingAndUnreachableMeanwhile() throws Exception {
        List<NodeMembership> all = cluster(21381);
        all.get(1).leaveForRestart(Duration.ofSeconds(30), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertTrue(all.get(1).hasLeft(), "a second announcement (on close) would add nothing");
        all.get(1).close();
        await().atMost(DEADLINE).until(() -> all.get(0).state("m2") == MemberHealth.RESTARTING
                && all.get(2).state("m2") == MemberHealth.RESTARTING);
        assertEquals(ManagerStatus.Reachability.UNREACHABLE, all.get(0).reachability("m2"));
        assertEquals(List.of("127.0.0.1:21431"), all.get(0).managers(), "no dispatcher to find there meanwhile");
    }

    @Test
    void aManagerWhoseStoreIsUnhealthyIsUnreachableUntilItRecovers() throws Exception {
        List<NodeMembership> all = cluster(21386);
        MemberMeta m2 = all.get(0).members().get("m2").meta();
        all.get(1).publish(m2.toBuilder().setStoreUnhealthy(true).build());
        await().atMost(DEADLINE).until(() -> all.get(0).reachability("m2") == ManagerStatus.Reachability.UNREACHABLE);
        assertEquals(MemberHealth.ALIVE, all.get(0).state("m2"), "alive, just not a working quorum member");

        all.get(1).publish(m2.toBuilder().setStoreUnhealthy(false).build());
        await().atMost(DEADLINE).until(() -> all.get(0).reachability("m2") == ManagerStatus.Reachability.REACHABLE);
    }

    @Test
    void aMemberWithTheWrongKeyCannotJoin() throws Exception {
        List<NodeMembership> all = cluster(21341);
        NodeMembership intruder = member("intruder", NodeSpec.Role.MANAGER, 21344, null, WRONG_KEY);
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> intruder.start(List.of(all.get(0).gossipAddr())).get(10, TimeUnit.SECONDS));
        assertInstanceOf(JoinException.class, failure.getCause());
        assertEquals(1, intruder.members().size(), "the intruder learned nothing");
        for (NodeMembership m : all) {
            assertEquals(MemberHealth.UNKNOWN, m.state("intruder"));
            assertFalse(m.managers().contains("127.0.0.1:21394"));
        }
    }

    @Test
    void labelsAreDroppedWhenTheMetadataWouldNotFit() {
        MemberMeta.Builder big = MemberMeta.newBuilder().setNodeId("n").setListenAddr("10.0.0.1:4242");
        for (int i = 0; i < 40; i++) {
            big.putLabels("label-" + i, "some value " + i);
        }
        byte[] bytes = MemberMetadata.encode(big.build(), 512);
        assertTrue(bytes.length <= 512);
        MemberMeta decoded = MemberMetadata.decode(bytes);
        assertEquals("10.0.0.1:4242", decoded.getListenAddr());
        assertTrue(decoded.getLabelsMap().isEmpty());
        assertNotEquals(0, big.build().toByteArray().length - bytes.length);

        MemberMeta small = MemberMeta.newBuilder().setNodeId("n").putLabels("zone", "eu").build();
        assertEquals(small, MemberMetadata.decode(MemberMetadata.encode(small, 512)), "labels kept when they fit");
    }

    @Test
    void settingsNeverPrintTheKey() {
        NodeMembership.Settings s = new NodeMembership.Settings("n", "127.0.0.1:0", null, KEY, GossipConfig.local());
        assertFalse(s.toString().contains(new String(KEY, StandardCharsets.US_ASCII)));
        assertTrue(s.toString().contains("encrypted=true"));
    }
}
