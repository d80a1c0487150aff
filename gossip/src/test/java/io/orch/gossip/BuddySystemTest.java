package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.sim.VirtualScheduler;
import io.orch.gossip.transport.Transport;
import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.Packet;
import io.orch.gossip.wire.Ping;
import io.orch.gossip.wire.Suspect;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One member driven packet by packet through a recording transport, in virtual time. */
class BuddySystemTest {

    private static final Address SELF = new Address("10.0.0.1", 7946);
    private static final Address PEER = new Address("10.0.0.2", 7946);

    /** Records what the member sends; never delivers anything by itself. */
    static final class RecordingTransport implements Transport {
        final List<Packet> sent = new ArrayList<>();
        Inbound inbound;

        @Override
        public Address start(Inbound inbound) {
            this.inbound = inbound;
            return SELF;
        }

        @Override
        public void sendPacket(Address to, Packet packet) {
            sent.add(packet);
        }

        @Override
        public CompletableFuture<Packet> request(Address to, Packet request, Duration timeout) {
            return CompletableFuture.failedFuture(new IOException("no TCP here"));
        }

        @Override
        public int packetOverhead() {
            return 2;
        }

        @Override
        public void close() {
        }
    }

    private final VirtualScheduler clock = new VirtualScheduler();
    private final RecordingTransport transport = new RecordingTransport();
    private Membership member;

    @BeforeEach
    void start() {
        member = Membership.builder("self").config(GossipConfig.lan()).transport(transport).scheduler(clock)
                .random(new Random(1)).build();
        member.start(List.of());
        clock.runFor(Duration.ofMillis(1));
    }

    private static Gossip peerAlive() {
        return Gossip.newBuilder().setAlive(Alive.newBuilder().setName("peer").setAddress(PEER.toString())
                .setIncarnation(0).setProtocol(1)).build();
    }

    @Test
    void aSuspectRefutesThroughTheAckOfThePingThatCarriedTheSuspicion() {
        Gossip suspicion = Gossip.newBuilder().setSuspect(Suspect.newBuilder().setName("self").setIncarnation(0)
                .setFrom("peer")).build();
        transport.inbound.onPacket(PEER, Packet.newBuilder().setProtocol(1).setSender("peer")
                .setPing(Ping.newBuilder().setSeq(7).setTarget("self"))
                .addGossip(peerAlive()).addGossip(suspicion).build());
        clock.runFor(Duration.ofMillis(1));

        Packet ack = transport.sent.stream().filter(p -> p.hasAck() && p.getAck().getSeq() == 7).findFirst()
                .orElseThrow();
        assertTrue(ack.getGossipList().stream().anyMatch(g -> g.hasAlive() && g.getAlive().getName().equals("self")
                && g.getAlive().getIncarnation() == 1), "the ack carries the refutation: ALIVE with incarnation 1");
        assertEquals(1, member.localMember().incarnation());
        assertEquals(1, member.stats().healthScore(), "being suspected counts against local health (Lifeguard)");
    }

    @Test
    void aPingForAnotherMemberIsNotAnswered() {
        transport.inbound.onPacket(PEER, Packet.newBuilder().setProtocol(1).setSender("peer")
                .setPing(Ping.newBuilder().setSeq(8).setTarget("someone-else")).build());
        clock.runFor(Duration.ofMillis(1));
        assertTrue(transport.sent.stream().noneMatch(Packet::hasAck));
    }

    @Test
    void packetsOfAnUnsupportedProtocolVersionAreIgnored() {
        transport.inbound.onPacket(PEER, Packet.newBuilder().setProtocol(GossipConfig.PROTOCOL_MAX + 1)
                .setSender("peer").addGossip(peerAlive()).build());
        clock.runFor(Duration.ofMillis(1));
        assertTrue(member.member("peer").isEmpty());
    }

    @Test
    void metadataAndUserMessagesAreSizeBounded() {
        assertThrows(IllegalArgumentException.class, () -> member.updateLocalMetadata(new byte[513]));
        assertThrows(IllegalArgumentException.class, () -> member.broadcast(new byte[513]));
        member.updateLocalMetadata(new byte[512]);
        clock.runFor(Duration.ofMillis(1));
        assertEquals(512, member.localMember().metadata().length);
    }
}
