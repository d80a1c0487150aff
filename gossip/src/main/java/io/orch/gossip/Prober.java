package io.orch.gossip;

import io.orch.gossip.wire.Ack;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.IndirectPing;
import io.orch.gossip.wire.Nack;
import io.orch.gossip.wire.Packet;
import io.orch.gossip.wire.Ping;
import io.orch.gossip.wire.Suspect;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SWIM failure detection from the local member's side: one probe per (health-scaled) interval. A
 * probe is a direct UDP ping; if no ack arrives within the probe timeout, the ping is repeated, k
 * helpers are asked to ping the target for us, and a TCP ping is tried (for paths that drop UDP). Without any ack by the end
 * of the interval the target becomes SUSPECT. Also answers pings and indirect-ping requests.
 *
 * <p>Lifeguard local health: a direct ack lowers the health score; a failed probe raises it by the
 * number of helpers that did not even send a nack (if they could not reach us either, we are
 * probably the sick one), which stretches our own probe interval and timeouts.
 */
final class Prober {

    /** Waits for the ack (and counts nacks) for one sequence number. */
    private static final class AckWaiter {
        final Runnable onAck;
        boolean acked;
        int nacks;

        AckWaiter(Runnable onAck) {
            this.onAck = onAck;
        }
    }

    private final SwimNode node;
    private final Map<Long, AckWaiter> waiters = new HashMap<>();

    Prober(SwimNode node) {
        this.node = node;
    }

    void probeOnce() {
        if (node.leaving) {
            return;
        }
        GossipConfig config = node.config;
        MemberEntry target = node.table.nextProbeTarget(node.self, node.random, node.now(),
                config.deadReapTime().toMillis());
        if (target == null) {
            return;
        }
        long seq = node.nextSequence();
        long started = node.now();
        long timeout = node.awareness.scale(config.probeTimeout()).toMillis();
        long interval = node.awareness.scale(config.probeInterval()).toMillis();
        long accusedIncarnation = target.incarnation;
        int[] expectedNacks = {0};
        AckWaiter probe = new AckWaiter(() -> {
            long rtt = node.now() - started;
            if (rtt <= timeout) {
                node.awareness.applyDelta(-1);
            }
            node.observer.probed(rtt <= timeout ? GossipObserver.ProbeResult.DIRECT : GossipObserver.ProbeResult.INDIRECT, rtt);
        });
        waiters.put(seq, probe);

        // Lifeguard buddy system: a suspect learns of its suspicion from the ping itself.
        List<Gossip> priority = target.state == MemberState.SUSPECT
                ? List.of(suspectGossip(target.name, target.incarnation))
                : List.of();
        node.sendUdp(target.address, Packet.newBuilder().setPing(ping(seq, target.name)), priority);

        node.schedule(timeout, () -> {
            if (!probe.acked) {
                // A second direct ping costs two packets and, on a lossy LAN, saves most false
                // suspicions (each of which every member must then gossip): loss of one datagram is
                // far likelier than a dead member.
                node.sendUdp(target.address, Packet.newBuilder().setPing(ping(seq, target.name)), priority);
                expectedNacks[0] = askHelpers(target, seq, Duration.ofMillis(Math.max(1, interval - timeout)));
            }
        });
        node.schedule(interval, () -> {
            waiters.remove(seq);
            if (probe.acked) {
                return;
            }
            node.observer.probed(GossipObserver.ProbeResult.FAILED, -1);
            int missedNacks = expectedNacks[0] > 0 ? Math.max(0, expectedNacks[0] - probe.nacks) : 1;
            node.awareness.applyDelta(missedNacks);
            node.onSuspect(Suspect.newBuilder().setName(target.name).setIncarnation(accusedIncarnation)
                    .setFrom(node.name).build());
        });
    }

    /** Sends indirect pings through up to k live members and a TCP ping; returns the nacks to expect. */
    private int askHelpers(MemberEntry target, long seq, Duration remaining) {
        List<MemberEntry> helpers = node.table.randomMembers(node.config.indirectChecks(),
                e -> e != node.self && e != target && e.state == MemberState.ALIVE, node.random);
        IndirectPing request = IndirectPing.newBuilder().setSeq(seq).setTarget(target.name)
                .setTargetAddress(target.address.toString()).setWantNack(true).build();
        for (MemberEntry helper : helpers) {
            node.sendUdp(helper.address, Packet.newBuilder().setIndirectPing(request), List.of());
        }
        if (node.config.tcpFallbackPing()) {
            node.request(target.address, Packet.newBuilder().setPing(ping(seq, target.name)), remaining)
                    .whenCompleteAsync((response, error) -> {
                        if (error == null && response.hasAck()) {
                            onAck(response.getAck().getSeq());
                        }
                    }, task -> node.run(task));
        }
        return helpers.size();
    }

    /**
     * Tells {@code accused} that someone holds a suspect or dead verdict about its incarnation
     * {@code incarnation}: a ping carrying the suspicion, so that, if alive, it refutes at once and
     * its ack brings the refutation back. The local member itself refutes directly.
     */
    void warnAccused(MemberEntry accused, long incarnation) {
        if (accused == node.self) {
            node.onSuspect(Suspect.newBuilder().setName(node.name).setIncarnation(incarnation).setFrom(node.name).build());
            return;
        }
        Gossip warning = Gossip.newBuilder().setSuspect(Suspect.newBuilder().setName(accused.name)
                .setIncarnation(incarnation).setFrom(node.name)).build();
        node.sendUdp(accused.address, Packet.newBuilder().setPing(ping(node.nextSequence(), accused.name)),
                List.of(warning));
    }

    void onAck(long seq) {
        AckWaiter waiter = waiters.get(seq);
        if (waiter != null && !waiter.acked) {
            waiter.acked = true;
            waiter.onAck.run();
        }
    }

    void onNack(long seq) {
        AckWaiter waiter = waiters.get(seq);
        if (waiter != null) {
            waiter.nacks++;
        }
    }

    void onPing(Address from, Ping ping) {
        // A ping for a member that used to live at this address is not ours to answer.
        if (!ping.getTarget().isEmpty() && !ping.getTarget().equals(node.name)) {
            return;
        }
        node.sendUdp(from, Packet.newBuilder().setAck(Ack.newBuilder().setSeq(ping.getSeq())), List.of());
    }

    Packet onTcpPing(Ping ping) {
        Packet.Builder response = Packet.newBuilder().setProtocol(GossipConfig.PROTOCOL_CURRENT).setSender(node.name);
        if (!ping.getTarget().isEmpty() && !ping.getTarget().equals(node.name)) {
            return response.setNack(Nack.newBuilder().setSeq(ping.getSeq())).build();
        }
        return response.setAck(Ack.newBuilder().setSeq(ping.getSeq())).build();
    }

    /** Helper side: ping the target for the requester, forward its ack, or nack on timeout. */
    void onIndirectPing(Address requester, IndirectPing request) {
        long seq = node.nextSequence();
        AckWaiter waiter = new AckWaiter(() -> {
            waiters.remove(seq);
            node.sendUdp(requester, Packet.newBuilder().setAck(Ack.newBuilder().setSeq(request.getSeq())), List.of());
        });
        waiters.put(seq, waiter);
        node.sendUdp(Address.parse(request.getTargetAddress()),
                Packet.newBuilder().setPing(ping(seq, request.getTarget())), List.of());
        // Nack a little before our own probe timeout, so the nack reaches the requester before the end
        // of its probe interval; a late nack would count against the requester's health.
        node.schedule(node.config.probeTimeout().toMillis() * 4 / 5, () -> {
            if (waiters.remove(seq) != null && !waiter.acked && request.getWantNack()) {
                node.sendUdp(requester, Packet.newBuilder().setNack(Nack.newBuilder().setSeq(request.getSeq())),
                        List.of());
            }
        });
    }

    private Gossip suspectGossip(String member, long incarnation) {
        return Gossip.newBuilder().setSuspect(Suspect.newBuilder().setName(member).setIncarnation(incarnation)
                .setFrom(node.name)).build();
    }

    private static Ping ping(long seq, String target) {
        return Ping.newBuilder().setSeq(seq).setTarget(target).build();
    }
}
