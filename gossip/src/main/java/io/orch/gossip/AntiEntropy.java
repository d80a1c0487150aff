package io.orch.gossip;

import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Dead;
import io.orch.gossip.wire.MemberRecord;
import io.orch.gossip.wire.Packet;
import io.orch.gossip.wire.PushPull;
import io.orch.gossip.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Full-state exchange over TCP ("push-pull"): how a new member learns the cluster (join), how
 * members repair what gossip missed (periodic, with one random live member), and how a cluster
 * split by a partition grows back together (periodic, with one random DEAD member: once the network
 * heals, the first successful exchange makes each side refute the other's stale death verdicts).
 */
final class AntiEntropy {

    private final SwimNode node;

    AntiEntropy(SwimNode node) {
        this.node = node;
    }

    /** Push-pulls with every seed; completes with the number that answered, or fails if none did. */
    CompletableFuture<Integer> join(List<Address> seeds) {
        List<Address> others = seeds.stream().filter(a -> !a.equals(node.self.address)).distinct().toList();
        if (others.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<Throwable> lastError = new AtomicReference<>();
        List<CompletableFuture<Void>> attempts = new ArrayList<>();
        for (Address seed : others) {
            attempts.add(exchange(seed, true).handle((ok, error) -> {
                if (error == null) {
                    answered.incrementAndGet();
                } else {
                    lastError.set(error);
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            if (answered.get() == 0) {
                throw new JoinException("no seed answered among " + others, lastError.get());
            }
            return answered.get();
        });
    }

    /**
     * Members that joined before us, while our alive announcement was in flight, may only learn of us
     * (and we of those who joined meanwhile) by anti-entropy: during a mass join most members already
     * know each newcomer from their own join, so relayed announcements die out early. A couple of
     * push-pulls with random members soon after joining closes those gaps in seconds instead of
     * waiting for the regular push-pull period.
     */
    void afterJoin() {
        for (long delay : POST_JOIN_SYNC_MILLIS) {
            node.schedule(delay / 2 + (long) (node.random.nextDouble() * delay), this::pushPullOnce);
        }
    }

    /** When to push-pull after a join (each jittered by +-50%). */
    private static final long[] POST_JOIN_SYNC_MILLIS = {1_000, 3_000};

    void pushPullOnce() {
        if (node.leaving) {
            return;
        }
        List<MemberEntry> peer = node.table.randomMembers(1,
                e -> e != node.self && e.state == MemberState.ALIVE, node.random);
        if (!peer.isEmpty()) {
            exchange(peer.get(0).address, false);
        }
    }

    void reconnectOnce() {
        if (node.leaving) {
            return;
        }
        MemberEntry dead = node.table.randomDead(node.random);
        if (dead != null) {
            exchange(dead.address, false);
        }
    }

    /** Sends our state, merges the answer on the protocol thread. */
    private CompletableFuture<Void> exchange(Address peer, boolean join) {
        PushPull ours = localState(join);
        CompletableFuture<Void> merged = new CompletableFuture<>();
        node.request(peer, Packet.newBuilder().setPushPull(ours), node.config.tcpTimeout())
                .whenComplete((response, error) -> node.run(() -> {
                    if (error != null) {
                        merged.completeExceptionally(error);
                    } else if (!response.hasPushPull()) {
                        merged.completeExceptionally(new IllegalStateException("not a push-pull answer"));
                    } else {
                        if (join) {
                            node.withoutRelaying(() -> merge(response.getPushPull()));
                        } else {
                            merge(response.getPushPull());
                        }
                        merged.complete(null);
                    }
                }));
        return merged;
    }

    /**
     * Answers a push-pull. Merges first, so that if the caller believed us dead we have already refuted
     * and our answer carries the higher incarnation: that is what lets a healed partition reconnect.
     */
    Packet onPushPull(PushPull remote) {
        merge(remote);
        return Packet.newBuilder().setProtocol(GossipConfig.PROTOCOL_CURRENT).setSender(node.name)
                .setPushPull(localState(false)).build();
    }

    PushPull localState(boolean join) {
        PushPull.Builder state = PushPull.newBuilder().setJoin(join);
        for (MemberEntry e : node.table.all()) {
            state.addMembers(MemberRecord.newBuilder().setName(e.name).setAddress(e.address.toString())
                    .setIncarnation(e.incarnation).setMetadata(e.metadata).setStatus(status(e.state))
                    .setProtocol(e.protocol)
                    .setRestartGraceMillis(e.restarting() ? Math.max(1, e.restartUntilMillis - node.now()) : 0));
        }
        return state.build();
    }

    /**
     * Applies a remote table. A remote SUSPECT or DEAD verdict about a member we believe alive is not
     * adopted: the remote may be on the far side of a partition that just healed, and counting such
     * second-hand verdicts as confirmations would shrink suspicion timeouts and kill live members. We
     * tell the accused instead (it refutes at once if alive; if it is really dead our own probes will
     * find it). A verdict about ourselves is refuted on the spot.
     */
    void merge(PushPull remote) {
        for (MemberRecord r : remote.getMembersList()) {
            switch (r.getStatus()) {
                case STATUS_ALIVE -> node.onAlive(alive(r));
                case STATUS_SUSPECT, STATUS_DEAD -> {
                    if (r.getStatus() == Status.STATUS_SUSPECT) {
                        node.onAlive(alive(r)); // learn the member (or its newer incarnation) first
                    }
                    MemberEntry e = node.table.get(r.getName());
                    if (e != null && e.state == MemberState.ALIVE && e.incarnation <= r.getIncarnation()) {
                        node.prober.warnAccused(e, r.getIncarnation());
                    }
                }
                case STATUS_LEFT -> node.onDead(Dead.newBuilder().setName(r.getName())
                        .setIncarnation(r.getIncarnation()).setFrom(r.getName())
                        .setRestartGraceMillis(r.getRestartGraceMillis()).build());
                default -> { }
            }
        }
    }

    private static Alive alive(MemberRecord r) {
        return Alive.newBuilder().setName(r.getName()).setAddress(r.getAddress()).setIncarnation(r.getIncarnation())
                .setMetadata(r.getMetadata()).setProtocol(r.getProtocol()).build();
    }

    private static Status status(MemberState state) {
        return switch (state) {
            case ALIVE -> Status.STATUS_ALIVE;
            case SUSPECT -> Status.STATUS_SUSPECT;
            case DEAD -> Status.STATUS_DEAD;
            case LEFT -> Status.STATUS_LEFT;
        };
    }
}
