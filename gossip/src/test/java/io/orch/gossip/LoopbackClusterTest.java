package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Five members on real loopback sockets (Netty UDP + TCP) in one JVM, with the local() profile. */
class LoopbackClusterTest {

    private LoopbackCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = LoopbackCluster.start(5, null);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aKilledMemberIsDeclaredDeadByTheRest() {
        String victim = cluster.members.get(3).name();
        cluster.members.get(3).close(); // sockets closed abruptly, no goodbye

        cluster.awaitEveryone(List.of(0, 1, 2, 4),
                e -> e.type() == MembershipEvent.Type.DEAD && e.member().name().equals(victim));
        for (int i : List.of(0, 1, 2, 4)) {
            assertEquals(MemberState.DEAD, cluster.members.get(i).member(victim).orElseThrow().state());
        }
    }

    @Test
    void aMemberThatLeavesGracefullyIsSeenAsLeft() throws Exception {
        Membership leaver = cluster.members.get(4);
        leaver.leave(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        leaver.close();

        cluster.awaitEveryone(List.of(0, 1, 2, 3),
                e -> e.type() == MembershipEvent.Type.LEFT && e.member().name().equals(leaver.name()));
        for (int i = 0; i < 4; i++) {
            assertEquals(MemberState.LEFT, cluster.members.get(i).member(leaver.name()).orElseThrow().state());
            assertTrue(cluster.events.get(i).stream().noneMatch(e -> e.type() == MembershipEvent.Type.DEAD
                    && e.member().name().equals(leaver.name())), "a graceful leave is not a death");
        }
    }

    @Test
    void metadataUpdatesReachEveryone() {
        byte[] metadata = "role=manager,zone=eu-1".getBytes(StandardCharsets.UTF_8);
        Membership updater = cluster.members.get(1);
        updater.updateLocalMetadata(metadata);

        cluster.awaitEveryone(List.of(0, 2, 3, 4), e -> e.type() == MembershipEvent.Type.UPDATED
                && e.member().name().equals(updater.name()));
        for (int i : List.of(0, 2, 3, 4)) {
            assertArrayEquals(metadata, cluster.members.get(i).member(updater.name()).orElseThrow().metadata());
        }
    }
}
