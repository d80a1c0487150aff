package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.sim.VirtualScheduler;
import io.orch.gossip.wire.Ack;
import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The observer hears each probe's outcome and round trip, suspicions and deaths, in virtual time. */
class GossipObserverTest {
    private static final Address PEER = new Address("10.0.0.2", 7946);

    private final VirtualScheduler clock = new VirtualScheduler();
    private final BuddySystemTest.RecordingTransport transport = new BuddySystemTest.RecordingTransport();
    private final List<String> heard = new ArrayList<>();
    private final List<Long> rtts = new ArrayList<>();

    @BeforeEach
    void start() {
        GossipObserver observer = new GossipObserver() {
            @Override
            public void probed(ProbeResult result, long rttMillis) {
                heard.add("probe " + result);
                rtts.add(rttMillis);
            }

            @Override
            public void suspected() {
                heard.add("suspected");
            }

            @Override
            public void died() {
                heard.add("died");
            }
        };
        Membership member = Membership.builder("self").config(GossipConfig.lan()).transport(transport).scheduler(clock)
                .random(new Random(1)).observer(observer).build();
        member.start(List.of());
        clock.runFor(Duration.ofMillis(1));
        transport.inbound.onPacket(PEER, Packet.newBuilder().setProtocol(1).setSender("peer")
                .addGossip(Gossip.newBuilder().setAlive(Alive.newBuilder().setName("peer").setAddress(PEER.toString())
                        .setIncarnation(0).setProtocol(1))).build());
        clock.runFor(Duration.ofMillis(1));
    }

    @Test
    void anAnsweredProbeIsDirectWithItsRoundTrip() {
        Packet ping = awaitPing();
        clock.runFor(Duration.ofMillis(20));
        transport.inbound.onPacket(PEER, Packet.newBuilder().setProtocol(1).setSender("peer")
                .setAck(Ack.newBuilder().setSeq(ping.getPing().getSeq())).build());
        clock.runFor(Duration.ofMillis(1));
        assertEquals("probe DIRECT", heard.get(0));
        assertTrue(rtts.get(0) >= 20 && rtts.get(0) < GossipConfig.lan().probeTimeout().toMillis(), "rtt " + rtts);
    }

    @Test
    void aMemberThatNeverAnswersFailsItsProbesIsSuspectedThenDies() {
        clock.runFor(Duration.ofSeconds(60)); // the peer answers nothing: probe, suspicion, its timeout
        assertTrue(heard.contains("probe FAILED"), heard.toString());
        assertEquals(1, heard.stream().filter("suspected"::equals).count(), heard.toString());
        assertEquals(1, heard.stream().filter("died"::equals).count(), heard.toString());
        assertTrue(heard.indexOf("suspected") < heard.indexOf("died"), heard.toString());
        assertEquals(-1L, rtts.get(heard.indexOf("probe FAILED")));
    }

    private Packet awaitPing() {
        for (int i = 0; i < 100; i++) {
            var ping = transport.sent.stream().filter(Packet::hasPing).findFirst();
            if (ping.isPresent()) {
                return ping.get();
            }
            clock.runFor(Duration.ofMillis(100)); // virtual time: the next probe tick
        }
        throw new AssertionError("no probe sent: " + transport.sent);
    }
}
