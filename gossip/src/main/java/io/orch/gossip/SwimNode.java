package io.orch.gossip;

import com.google.protobuf.ByteString;
import io.orch.gossip.time.Cancellable;
import io.orch.gossip.time.Scheduler;
import io.orch.gossip.transport.Transport;
import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Dead;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.Packet;
import io.orch.gossip.wire.Suspect;
import io.orch.gossip.wire.UserMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one member and the rules that change it: how ALIVE, SUSPECT and DEAD
 * messages are applied (incarnation numbers decide), how the member refutes suspicion about itself,
 * and how packets are assembled with piggybacked gossip. Probing lives in {@link Prober}, full-state
 * exchange in {@link AntiEntropy}.
 *
 * <p>Threading: every entry point runs as a task on the {@link Scheduler} (one at a time) and holds
 * this object's monitor, so readers on other threads ({@link #snapshot()}) see a consistent table.
 */
final class SwimNode implements Transport.Inbound {

    private static final Logger LOG = LoggerFactory.getLogger(SwimNode.class);
    private static final int SEEN_USER_MESSAGES = 8192;

    final GossipConfig config;
    final String name;
    final Transport transport;
    final Scheduler scheduler;
    final Random random;
    private final MembershipListener listener;
    /** Set once by the builder before the member starts; the protocol thread reads it. */
    volatile GossipObserver observer = GossipObserver.NONE;

    // guarded by this: the table, the awareness score, both queues, the suspicions and the messages
    // seen are only touched in protocol tasks, which run under the monitor (see guarded()), and by
    // close(), snapshot() and stats(), which take it
    final MemberTable table = new MemberTable();
    final Awareness awareness;
    private final BroadcastQueue memberQueue = new BroadcastQueue();
    private final BroadcastQueue userQueue = new BroadcastQueue();
    private final Map<String, Suspicion> suspicions = new HashMap<>();
    private final Map<String, Boolean> seenUserMessages = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_USER_MESSAGES;
        }
    };
    final Prober prober;
    final AntiEntropy antiEntropy;
    private final List<Cancellable> loops = new ArrayList<>(); // guarded by this (start's task adds, close() cancels)

    // guarded by this: written and read in protocol tasks only (Prober and AntiEntropy read self
    // and leaving from theirs); localSnapshot() reads self under the monitor
    MemberEntry self;
    private ByteString initialMetadata;
    private long sequence;
    private long userSequence;
    boolean leaving;
    private boolean relaying = true;
    // set by close() before it takes the monitor, so queued tasks stop at once; guarded() checks it
    // again under the monitor
    private volatile boolean closed;
    // incremented under this only (sendUdp and request run in protocol tasks); volatile, though
    // stats() reads them under the monitor as well
    private volatile long udpPacketsSent;
    private volatile long tcpRequestsSent;
    private volatile long gossipMessagesSent;

    SwimNode(GossipConfig config, String name, ByteString metadata, Transport transport, Scheduler scheduler,
             Random random, MembershipListener listener) {
        this.config = config;
        this.name = name;
        this.initialMetadata = metadata;
        this.transport = transport;
        this.scheduler = scheduler;
        this.random = random;
        this.listener = listener;
        this.awareness = new Awareness(config.awarenessMaxMultiplier());
        this.prober = new Prober(this);
        this.antiEntropy = new AntiEntropy(this);
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Binds the transport, enters the table, starts the protocol loops, then joins through the seeds. */
    CompletableFuture<Integer> start(List<Address> seeds) {
        Address bound = transport.start(this);
        CompletableFuture<Integer> joined = new CompletableFuture<>();
        run(() -> {
            self = new MemberEntry(name, bound, initialMetadata, 0, GossipConfig.PROTOCOL_CURRENT, now());
            table.add(self, random);
            broadcastSelfAlive();
            // Random phases: members started together must not probe and gossip in lockstep.
            long probe = config.probeInterval().toMillis();
            long pushPull = config.pushPullInterval().toMillis();
            long reconnect = config.reconnectInterval().toMillis();
            loop(random.nextInt((int) probe), prober::probeOnce,
                    () -> awareness.scale(config.probeInterval()).toMillis());
            loop(random.nextInt((int) config.gossipInterval().toMillis()), this::gossipOnce,
                    () -> config.gossipInterval().toMillis());
            loop(pushPull / 2 + (long) (random.nextDouble() * pushPull), antiEntropy::pushPullOnce,
                    () -> GossipConfig.pushPullScale(config.pushPullInterval(), table.liveCount()).toMillis());
            loop(reconnect / 2 + (long) (random.nextDouble() * reconnect), antiEntropy::reconnectOnce,
                    () -> GossipConfig.pushPullScale(config.reconnectInterval(), table.liveCount()).toMillis());
            antiEntropy.join(seeds).whenComplete((n, err) -> {
                if (err != null) {
                    joined.completeExceptionally(err);
                } else {
                    if (n > 0) {
                        antiEntropy.afterJoin();
                    }
                    joined.complete(n);
                }
            });
        });
        return joined;
    }

    /** Stops everything at once without telling anyone (what a crash looks like to the others). */
    void close() {
        closed = true;
        synchronized (this) {
            loops.forEach(Cancellable::cancel);
            suspicions.values().forEach(Suspicion::cancel);
            suspicions.clear();
        }
        transport.close();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Announces a graceful leave, with a restart grace when it is zero or more (see {@link
     * Membership#leaveForRestart}); the future completes once the announcement has been gossiped out.
     */
    CompletableFuture<Void> leave(Duration timeout, Duration restartGrace) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(() -> {
            leaving = true;
            Dead leave = Dead.newBuilder().setName(name).setIncarnation(self.incarnation).setFrom(name)
                    .setRestartGraceMillis(restartGrace.toMillis()).build();
            table.setState(self, MemberState.LEFT, now());
            memberQueue.enqueue(name, Gossip.newBuilder().setDead(leave).build(), () -> done.complete(null));
            gossipOnce(); // do not wait for the next round
            schedule(timeout.toMillis(), () -> done.complete(null));
        });
        return done;
    }

    // ---- task plumbing ----------------------------------------------------------------------

    long now() {
        return scheduler.nowMillis();
    }

    long nextSequence() {
        return ++sequence;
    }

    /** Runs {@code task} on the protocol thread, under the monitor, unless closed. */
    void run(Runnable task) {
        scheduler.execute(() -> guarded(task));
    }

    Cancellable schedule(long delayMillis, Runnable task) {
        return scheduler.schedule(delayMillis, () -> guarded(task));
    }

    /** Runs {@code body} after {@code firstDelay}, then again every {@code period} (re-read each time). */
    private void loop(long firstDelay, Runnable body, LongSupplier period) {
        loops.add(new RepeatingTask(body, period).startAfter(firstDelay));
    }

    private final class RepeatingTask implements Cancellable {
        private final Runnable body;
        private final LongSupplier period;
        private Cancellable next = Cancellable.NONE; // guarded by SwimNode.this: ticks run in protocol tasks

        RepeatingTask(Runnable body, LongSupplier period) {
            this.body = body;
            this.period = period;
        }

        RepeatingTask startAfter(long delay) {
            next = schedule(delay, this::tick);
            return this;
        }

        private void tick() {
            try {
                body.run();
            } finally {
                next = schedule(period.getAsLong(), this::tick);
            }
        }

        @Override
        public void cancel() {
            next.cancel();
        }
    }

    private void guarded(Runnable task) {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (!closed) {
                task.run();
            }
        }
    }

    // ---- inbound ----------------------------------------------------------------------------

    @Override
    public void onPacket(Address from, Packet packet) {
        run(() -> handlePacket(from, packet));
    }

    @Override
    public CompletableFuture<Packet> onRequest(Address from, Packet request) {
        CompletableFuture<Packet> response = new CompletableFuture<>();
        run(() -> {
            try {
                response.complete(handleRequest(request));
            } catch (RuntimeException e) {
                response.completeExceptionally(e);
            }
        });
        return response;
    }

    private static boolean supported(Packet packet) {
        return packet.getProtocol() >= GossipConfig.PROTOCOL_MIN && packet.getProtocol() <= GossipConfig.PROTOCOL_MAX;
    }

    private void handlePacket(Address from, Packet packet) {
        if (!supported(packet) || self == null) {
            return;
        }
        // Gossip first: a ping that carries a suspicion about us (Lifeguard's buddy system) makes us
        // refute before we ack, so the ack itself carries the refutation back.
        for (Gossip g : packet.getGossipList()) {
            applyGossip(g);
        }
        switch (packet.getBodyCase()) {
            case PING -> prober.onPing(from, packet.getPing());
            case INDIRECT_PING -> prober.onIndirectPing(from, packet.getIndirectPing());
            case ACK -> prober.onAck(packet.getAck().getSeq());
            case NACK -> prober.onNack(packet.getNack().getSeq());
            default -> { }
        }
    }

    private Packet handleRequest(Packet request) {
        if (!supported(request) || self == null) {
            throw new IllegalArgumentException("unsupported protocol " + request.getProtocol());
        }
        return switch (request.getBodyCase()) {
            case PING -> prober.onTcpPing(request.getPing());
            case PUSH_PULL -> antiEntropy.onPushPull(request.getPushPull());
            default -> throw new IllegalArgumentException("unexpected request " + request.getBodyCase());
        };
    }

    void applyGossip(Gossip g) {
        switch (g.getKindCase()) {
            case ALIVE -> onAlive(g.getAlive());
            case SUSPECT -> onSuspect(g.getSuspect());
            case DEAD -> onDead(g.getDead());
            case USER -> onUserMessage(g.getUser());
            default -> { }
        }
    }

    // ---- the membership rules -----------------------------------------------------------------

    void onAlive(Alive a) {
        if (a.getName().equals(name)) {
            // Someone holds a newer or different picture of us (we restarted, or it is stale): out-vote it.
            boolean differs = a.getIncarnation() > self.incarnation
                    || (a.getIncarnation() == self.incarnation
                        && (!a.getMetadata().equals(self.metadata) || !a.getAddress().equals(self.address.toString())));
            if (differs && !leaving) {
                refute(a.getIncarnation());
            }
            return;
        }
        if (a.getProtocol() < GossipConfig.PROTOCOL_MIN || a.getProtocol() > GossipConfig.PROTOCOL_MAX) {
            return;
        }
        MemberEntry e = table.get(a.getName());
        if (e == null) {
            e = new MemberEntry(a.getName(), Address.parse(a.getAddress()), a.getMetadata(), a.getIncarnation(),
                    a.getProtocol(), now());
            table.add(e, random);
            enqueue(a.getName(), Gossip.newBuilder().setAlive(a).build());
            emit(MembershipEvent.Type.ALIVE, e);
            return;
        }
        // Only the member itself raises its incarnation, so only a higher one is news.
        if (a.getIncarnation() <= e.incarnation) {
            return;
        }
        MemberState before = e.state;
        boolean changed = !a.getMetadata().equals(e.metadata) || !a.getAddress().equals(e.address.toString());
        e.incarnation = a.getIncarnation();
        e.metadata = a.getMetadata();
        if (!a.getAddress().equals(e.address.toString())) {
            e.address = Address.parse(a.getAddress());
        }
        e.protocol = a.getProtocol();
        cancelSuspicion(e.name);
        table.setState(e, MemberState.ALIVE, now());
        enqueue(e.name, Gossip.newBuilder().setAlive(a).build());
        if (before != MemberState.ALIVE) {
            emit(MembershipEvent.Type.ALIVE, e);
        } else if (changed) {
            emit(MembershipEvent.Type.UPDATED, e);
        }
    }

    void onSuspect(Suspect s) {
        MemberEntry e = table.get(s.getName());
        if (e == null || s.getIncarnation() < e.incarnation) {
            return; // unknown, or about an incarnation already refuted
        }
        if (e == self) {
            if (!leaving) {
                refute(s.getIncarnation());
                // Lifeguard: being suspected hints that we are the slow one.
                awareness.applyDelta(1);
            }
            return;
        }
        Suspicion running = suspicions.get(e.name);
        if (running != null) {
            if (running.confirm(s.getFrom())) {
                enqueue(e.name, Gossip.newBuilder().setSuspect(s).build()); // let others shrink theirs too
            }
            return;
        }
        if (e.state != MemberState.ALIVE) {
            return;
        }
        e.incarnation = s.getIncarnation();
        table.setState(e, MemberState.SUSPECT, now());
        enqueue(e.name, Gossip.newBuilder().setSuspect(s).build());
        int n = table.liveCount();
        int k = GossipConfig.expectedConfirmations(config.suspicionConfirmations(), n);
        Duration min = GossipConfig.suspicionMinTimeout(config.suspicionMult(), n, config.probeInterval());
        Duration max = GossipConfig.suspicionMaxTimeout(config.suspicionMaxTimeoutMult(), min);
        String suspect = e.name;
        long incarnation = e.incarnation;
        suspicions.put(suspect, new Suspicion(scheduler, s.getFrom(), k, min, max,
                () -> guarded(() -> suspicionExpired(suspect, incarnation))));
        observer.suspected();
        emit(MembershipEvent.Type.SUSPECT, e);
    }

    private void suspicionExpired(String suspect, long incarnation) {
        MemberEntry e = table.get(suspect);
        Suspicion s = suspicions.get(suspect);
        if (e == null || e.state != MemberState.SUSPECT || e.incarnation != incarnation || s == null) {
            return;
        }
        LOG.debug("{}: {} is dead, suspicion timed out with {} confirmations", name, suspect, s.confirmations());
        onDead(Dead.newBuilder().setName(suspect).setIncarnation(incarnation).setFrom(name).build());
    }

    void onDead(Dead d) {
        MemberEntry e = table.get(d.getName());
        if (e == null || d.getIncarnation() < e.incarnation) {
            return;
        }
        boolean left = d.getFrom().equals(d.getName());
        if (e == self) {
            if (!leaving) {
                refute(d.getIncarnation()); // we are not dead: say so with a higher incarnation
            }
            return;
        }
        if (e.state == MemberState.LEFT || (e.state == MemberState.DEAD && !left)) {
            return;
        }
        // A graceful leave is the member's own word: it overrides a DEAD verdict reached meanwhile.
        cancelSuspicion(e.name);
        e.incarnation = d.getIncarnation();
        table.setState(e, left ? MemberState.LEFT : MemberState.DEAD, now());
        e.restartUntilMillis = left && d.getRestartGraceMillis() > 0 ? now() + d.getRestartGraceMillis() : 0;
        if (e.restartUntilMillis > 0) {
            long until = e.restartUntilMillis;
            long incarnation = e.incarnation;
            schedule(d.getRestartGraceMillis(), () -> restartGraceOver(e.name, incarnation, until));
        }
        enqueue(e.name, Gossip.newBuilder().setDead(d).build());
        if (!left) {
            observer.died();
        }
        emit(left ? MembershipEvent.Type.LEFT : MembershipEvent.Type.DEAD, e);
    }

    /** A member that announced a restart and did not come back in time: from now on it has simply left. */
    private void restartGraceOver(String member, long incarnation, long until) {
        MemberEntry e = table.get(member);
        if (e == null || e.state != MemberState.LEFT || e.incarnation != incarnation || e.restartUntilMillis != until) {
            return; // it came back (or left again since)
        }
        e.restartUntilMillis = 0;
        LOG.debug("{}: {} announced a restart but is not back within its grace", name, member);
        emit(MembershipEvent.Type.LEFT, e);
    }

    /** Publishes a new incarnation, higher than {@code accused}, which overrides suspect and dead claims. */
    private void refute(long accused) {
        self.incarnation = Math.max(self.incarnation, accused) + 1;
        broadcastSelfAlive();
    }

    void updateMetadata(ByteString metadata) {
        if (self == null) {
            initialMetadata = metadata;
            return;
        }
        self.metadata = metadata;
        self.incarnation++;
        broadcastSelfAlive();
    }

    private void broadcastSelfAlive() {
        enqueue(name, Gossip.newBuilder().setAlive(selfAlive()).build());
    }

    Alive selfAlive() {
        return Alive.newBuilder().setName(name).setAddress(self.address.toString())
                .setIncarnation(self.incarnation).setMetadata(self.metadata)
                .setProtocol(GossipConfig.PROTOCOL_CURRENT).build();
    }

    private void cancelSuspicion(String member) {
        Suspicion s = suspicions.remove(member);
        if (s != null) {
            s.cancel();
        }
    }

    private void emit(MembershipEvent.Type type, MemberEntry e) {
        try {
            listener.onEvent(new MembershipEvent(type, e.snapshot()));
        } catch (RuntimeException ex) {
            LOG.warn("membership listener failed on {} {}", type, e.name, ex);
        }
    }

    // ---- user broadcasts ----------------------------------------------------------------------

    void broadcastUser(ByteString payload) {
        UserMessage m = UserMessage.newBuilder().setOrigin(name).setId(++userSequence).setPayload(payload).build();
        seenUserMessages.put(userKey(m), Boolean.TRUE);
        userQueue.enqueue(userKey(m), Gossip.newBuilder().setUser(m).build());
        userQueue.trimTo(config.userQueueLimit());
    }

    private void onUserMessage(UserMessage m) {
        String key = userKey(m);
        if (seenUserMessages.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        userQueue.enqueue(key, Gossip.newBuilder().setUser(m).build()); // epidemic: pass it on once
        userQueue.trimTo(config.userQueueLimit());
        try {
            listener.onUserMessage(m.getOrigin(), m.getPayload().toByteArray());
        } catch (RuntimeException ex) {
            LOG.warn("user message listener failed", ex);
        }
    }

    private static String userKey(UserMessage m) {
        return m.getOrigin() + '\u0000' + m.getId();
    }

    // ---- sending --------------------------------------------------------------------------------

    /**
     * Applies {@code merge} without re-gossiping what it teaches us about others. A joiner learns the
     * whole cluster from its seed; all of it is old news to everyone else, and relaying it would
     * flood the cluster with n messages per join. Our own refutations are still sent.
     */
    void withoutRelaying(Runnable merge) {
        relaying = false;
        try {
            merge.run();
        } finally {
            relaying = true;
        }
    }

    private void enqueue(String key, Gossip g) {
        if (!relaying && !key.equals(name)) {
            return;
        }
        memberQueue.enqueue(key, g);
    }

    /**
     * Sends {@code body} over UDP, first with {@code priority} gossip, then filled up with queued
     * membership broadcasts and user broadcasts. Returns the number of piggybacked messages.
     */
    int sendUdp(Address to, Packet.Builder body, List<Gossip> priority) {
        Packet bare = body.setProtocol(GossipConfig.PROTOCOL_CURRENT).setSender(name).build();
        int budget = config.udpPacketBytes() - transport.packetOverhead() - bare.getSerializedSize();
        List<Gossip> gossip = new ArrayList<>(priority);
        for (Gossip g : priority) {
            int size = g.getSerializedSize();
            budget -= size + BroadcastQueue.entrySize(size);
        }
        int limit = GossipConfig.retransmitLimit(config.retransmitMult(), table.liveCount());
        budget -= memberQueue.take(budget, limit, gossip);
        userQueue.take(budget, limit, gossip);
        Packet packet = gossip.isEmpty() ? bare : bare.toBuilder().addAllGossip(gossip).build();
        if (packet.getBodyCase() == Packet.BodyCase.BODY_NOT_SET && gossip.isEmpty()) {
            return 0; // nothing to say
        }
        udpPacketsSent++;
        gossipMessagesSent += gossip.size();
        transport.sendPacket(to, packet);
        return gossip.size();
    }

    CompletableFuture<Packet> request(Address to, Packet.Builder body, Duration timeout) {
        tcpRequestsSent++;
        Packet packet = body.setProtocol(GossipConfig.PROTOCOL_CURRENT).setSender(name).build();
        return transport.request(to, packet, timeout);
    }

    /** One gossip round: piggyback-only packets to a few random members, dead ones for a while too. */
    private void gossipOnce() {
        if (memberQueue.isEmpty() && userQueue.isEmpty()) {
            return;
        }
        long now = now();
        long toTheDead = config.gossipToTheDeadTime().toMillis();
        List<MemberEntry> targets = table.randomMembers(config.gossipNodes(),
                e -> e != self && (e.state.isLive() || (e.state == MemberState.DEAD && now - e.stateChangedMillis < toTheDead)),
                random);
        for (MemberEntry target : targets) {
            if (sendUdp(target.address, Packet.newBuilder(), List.of()) == 0) {
                break;
            }
        }
    }

    // ---- reading from other threads -------------------------------------------------------------

    synchronized List<Member> snapshot() {
        List<Member> members = new ArrayList<>(table.size());
        for (MemberEntry e : table.all()) {
            members.add(e.snapshot());
        }
        return members;
    }

    synchronized Member localSnapshot() {
        return self == null ? null : self.snapshot();
    }

    GossipStats stats() {
        synchronized (this) {
            return new GossipStats(udpPacketsSent, tcpRequestsSent, gossipMessagesSent, awareness.score(),
                    table.liveCount(), memberQueue.size(), userQueue.size());
        }
    }
}
