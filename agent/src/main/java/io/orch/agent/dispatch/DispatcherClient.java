package io.orch.agent.dispatch;

import io.orch.api.concurrent.Backoff;
import io.orch.api.concurrent.Ticker;
import io.orch.api.concurrent.DaemonThreads;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orch.agent.worker.StatusSink;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.DispatcherGrpc;
import io.orch.api.proto.ManagerMessage;
import io.orch.api.proto.StatusAck;
import io.orch.api.proto.StatusBatch;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.WorkerHeartbeat;
import io.orch.api.proto.WorkerHello;
import io.orch.api.proto.WorkerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The worker end of the dispatcher session: one stream to one manager at a time, assignments
 * down, task status up. A stream that breaks or a manager that stays silent past the timeout
 * (heartbeats every ~0.5 s) makes it reconnect with back-off (0.1 s doubling to 2 s, jittered),
 * to the next manager in turn. Status is kept until a manager acknowledges it (the latest per
 * task wins), so what was reported while cut off is sent on the next session.
 *
 * <p>All session state lives on one thread; {@link #report} and the gRPC callbacks hand work to it.
 */
public final class DispatcherClient implements StatusSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatcherClient.class);
    /** The shortest wait between two checks of the session's timers (a bound on wake-ups when one is overdue). */
    private static final Duration MIN_TICK = Duration.ofMillis(10);

    /**
     * @param heartbeat      how often the worker sends a heartbeat
     * @param managerTimeout a manager that sent nothing for this long is given up
     * @param minBackoff     first reconnect delay, doubled per failed attempt...
     * @param maxBackoff     ...up to this
     */
    public record Settings(Duration heartbeat, Duration managerTimeout, Duration minBackoff, Duration maxBackoff) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(2));
        }
    }

    /** Session events, delivered on the client's thread (keep them short). */
    public interface Listener {
        default void connected(boolean connected) {
        }

        default void assignments(Assignments assignments) {
        }

        /** The overlay networks this node's tasks use, with every task and service on them. */
        default void networkMap(io.orch.api.proto.NetworkMap map) {
        }

        /** The cluster's revocation list: sent at session start and whenever it changes. */
        default void revocations(io.orch.api.proto.Revocations revocations) {
        }

        /** A manager's heartbeat: its managers list and the role this node should have. */
        default void heartbeat(io.orch.api.proto.ManagerHeartbeat heartbeat) {
        }

        /** The root CAs to trust now and the one whose key must sign this node's certificate (a root rotation). */
        default void trustRoots(io.orch.api.proto.TrustRoots roots) {
        }

        /** The cluster's gossip key (when the session opens): a worker holds it in memory only. Never logged. */
        default void gossipKey(byte[] key) {
        }
    }

    private final Supplier<List<String>> managers;
    private final ChannelFactory channels;
    private final Supplier<WorkerHello> hello;
    private final Settings settings;
    private final Random random;
    private final Ticker ticker;
    private final Backoff reconnectBackoff;
    private final ScheduledExecutorService loop;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, TaskStatus> unacked = new LinkedHashMap<>(); // guarded by itself
    private final AtomicBoolean sendQueued = new AtomicBoolean();

    // loop thread only
    private Attempt current;
    private int failures;
    private int nextManager;
    private long nextBatchId;
    private List<String> learnedManagers = List.of();
    private boolean started;
    private boolean closed;

    private volatile boolean connected;
    private volatile long disconnectedSince;
    private volatile String managerAddress;

    /**
     * @param managers the managers' RPC addresses (host:port) as this node knows them
     * @param hello    what this node is, read at each (re)connect
     */
    public DispatcherClient(Supplier<List<String>> managers, ChannelFactory channels, Supplier<WorkerHello> hello,
                            Settings settings, Random random) {
        this(managers, channels, hello, settings, random, Ticker.system());
    }

    /** @param ticker the time heartbeats, the manager timeout and {@link #disconnectedFor()} are measured in */
    public DispatcherClient(Supplier<List<String>> managers, ChannelFactory channels, Supplier<WorkerHello> hello,
                            Settings settings, Random random, Ticker ticker) {
        this.managers = managers;
        this.channels = channels;
        this.hello = hello;
        this.settings = settings;
        this.random = random;
        this.ticker = ticker;
        this.disconnectedSince = ticker.nanos();
        this.nextManager = random.nextInt(1 << 16);
        // jitter of a third spreads the reconnects of many workers that lost the same manager
        this.reconnectBackoff = new Backoff(settings.minBackoff(), 2, settings.maxBackoff(), 1.0 / 3, random::nextDouble);
        this.loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-dispatcher-client"));
    }

    public DispatcherClient(Supplier<List<String>> managers, ChannelFactory channels, Supplier<WorkerHello> hello) {
        this(managers, channels, hello, Settings.defaults(), new Random());
    }

    /** Sends this node's description again on the current session (after its images changed). */
    public void describeAgain() {
        loop.execute(() -> {
            Attempt a = current;
            if (a != null && a.out != null && connected) {
                try {
                    a.out.onNext(WorkerMessage.newBuilder().setHello(hello.get()).build());
                } catch (RuntimeException e) {
                    log.debug("could not send the node description again: {}", e.toString());
                }
            }
        });
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Connects (in the background) and keeps a session until closed. */
    public void start() {
        onLoop(() -> {
            if (!started && !closed) {
                started = true;
                connect();
                tickAndReschedule();
            }
        });
    }

    /** Whether a manager has answered on the current session. */
    public boolean connected() {
        return connected;
    }

    /** How long no manager has answered (zero while connected). */
    public Duration disconnectedFor() {
        return connected ? Duration.ZERO : Duration.ofNanos(ticker.nanos() - disconnectedSince);
    }

    /** The manager of the current session, if connected. */
    public Optional<String> manager() {
        return connected ? Optional.ofNullable(managerAddress) : Optional.empty();
    }

    /** Status reported but not yet acknowledged by a manager. */
    public int pendingStatuses() {
        synchronized (unacked) {
            return unacked.size();
        }
    }

    @Override
    public void report(String taskId, TaskStatus status) {
        synchronized (unacked) {
            unacked.put(taskId, status);
        }
        if (sendQueued.compareAndSet(false, true)) {
            onLoop(() -> {
                sendQueued.set(false);
                sendStatuses();
            });
        }
    }

    @Override
    public void flush(Duration timeout) {
        // a wait of the caller's thread, on real time (not a decision of the session)
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (unacked) {
            while (!unacked.isEmpty() && System.nanoTime() < deadline) {
                try {
                    unacked.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ session (loop thread)

    /** One stream to one manager. */
    private final class Attempt {
        final String address;
        final ManagedChannel channel;
        final Map<String, TaskStatus> sent = new HashMap<>();
        final Map<Long, Map<String, TaskStatus>> inFlight = new HashMap<>();
        ClientCallStreamObserver<WorkerMessage> out;
        long lastHeard = ticker.nanos();
        long lastSent = ticker.nanos();
        boolean established;

        Attempt(String address, ManagedChannel channel) {
            this.address = address;
            this.channel = channel;
        }
    }

    private void connect() {
        if (closed || current != null) {
            return;
        }
        List<String> candidates = candidates();
        if (candidates.isEmpty()) {
            retryLater("no manager address known");
            return;
        }
        String address = candidates.get(Math.floorMod(nextManager++, candidates.size()));
        Attempt a;
        try {
            a = new Attempt(address, channels.open(address));
        } catch (RuntimeException e) {
            retryLater("cannot open a channel to " + address + ": " + e.getMessage());
            return;
        }
        current = a;
        a.out = (ClientCallStreamObserver<WorkerMessage>) DispatcherGrpc.newStub(a.channel).session(new Inbound(a));
        a.out.onNext(WorkerMessage.newBuilder().setHello(hello.get()).build());
        sendStatuses();
    }

    private List<String> candidates() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        List<String> configured = managers.get();
        if (configured != null) {
            all.addAll(configured);
        }
        all.addAll(learnedManagers);
        all.remove("");
        return new ArrayList<>(all);
    }

    private final class Inbound implements StreamObserver<ManagerMessage> {
        private final Attempt attempt;

        Inbound(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onNext(ManagerMessage m) {
            onLoop(() -> received(attempt, m));
        }

        @Override
        public void onError(Throwable t) {
            onLoop(() -> fail(attempt, t.getMessage()));
        }

        @Override
        public void onCompleted() {
            onLoop(() -> fail(attempt, "the manager ended the session"));
        }
    }

    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed
        }
    }

    private void received(Attempt a, ManagerMessage m) {
        if (a != current) {
            return;
        }
        a.lastHeard = ticker.nanos();
        if (!a.established) {
            a.established = true;
            failures = 0;
            managerAddress = a.address;
            connected = true;
            log.info("dispatcher session established with manager {}", a.address);
            listeners.forEach(l -> l.connected(true));
        }
        switch (m.getKindCase()) {
            case ASSIGNMENTS -> listeners.forEach(l -> l.assignments(m.getAssignments()));
            case NETWORK_MAP -> listeners.forEach(l -> l.networkMap(m.getNetworkMap()));
            case REVOCATIONS -> listeners.forEach(l -> l.revocations(m.getRevocations()));
            case STATUS_ACK -> acked(a, m.getStatusAck());
            case TRUST_ROOTS -> listeners.forEach(l -> l.trustRoots(m.getTrustRoots()));
            case GOSSIP_KEY -> listeners.forEach(l -> l.gossipKey(m.getGossipKey().toByteArray()));
            case HEARTBEAT -> {
                learnedManagers = List.copyOf(m.getHeartbeat().getManagersList());
                listeners.forEach(l -> l.heartbeat(m.getHeartbeat()));
            }
            default -> { }
        }
    }

    private void acked(Attempt a, StatusAck ack) {
        Map<String, TaskStatus> batch = a.inFlight.remove(ack.getBatchId());
        if (batch == null) {
            return;
        }
        if (ack.getRefusedTaskIdsCount() > 0) {
            log.warn("the manager refused status for tasks {}: not assigned to this node", ack.getRefusedTaskIdsList());
        }
        synchronized (unacked) {
            // a newer status reported meanwhile stays, to go in a later batch
            batch.forEach((id, status) -> unacked.remove(id, status));
            unacked.notifyAll();
        }
    }

    private void sendStatuses() {
        Attempt a = current;
        if (a == null || a.out == null) {
            return;
        }
        Map<String, TaskStatus> batch = new LinkedHashMap<>();
        synchronized (unacked) {
            unacked.forEach((id, status) -> {
                if (a.sent.get(id) != status) {
                    batch.put(id, status);
                }
            });
        }
        if (batch.isEmpty()) {
            return;
        }
        long id = ++nextBatchId;
        a.sent.putAll(batch);
        a.inFlight.put(id, batch);
        send(a, WorkerMessage.newBuilder().setStatuses(StatusBatch.newBuilder().setBatchId(id).putAllStatuses(batch)).build());
    }

    private void send(Attempt a, WorkerMessage m) {
        try {
            a.out.onNext(m);
            a.lastSent = ticker.nanos();
        } catch (RuntimeException e) {
            fail(a, "send failed: " + e.getMessage());
        }
    }

    /**
     * Checks the manager timeout and heartbeats, then schedules the next check for when one of them
     * is due (not on a fixed 50 ms beat as before: 20 wake-ups a second on every node at rest).
     */
    private void tickAndReschedule() {
        if (closed) {
            return;
        }
        tick();
        try {
            loop.schedule(this::tickAndReschedule, nextTickDelay(ticker.nanos()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed
        }
    }

    private void tick() {
        Attempt a = current;
        if (a == null) {
            return;
        }
        long now = ticker.nanos();
        if (now - a.lastHeard > settings.managerTimeout().toNanos()) {
            fail(a, "no heartbeat from the manager for " + settings.managerTimeout().toMillis() + " ms");
        } else if (now - a.lastSent >= settings.heartbeat().toNanos()) {
            send(a, WorkerMessage.newBuilder().setHeartbeat(WorkerHeartbeat.getDefaultInstance()).build());
        }
    }

    /**
     * Nanoseconds from {@code now} to the next check: when the heartbeat is due or the manager's
     * silence would pass the timeout, whichever is first; never longer than a heartbeat period (a
     * session that starts meanwhile is checked within one), never shorter than {@link #MIN_TICK}.
     */
    private long nextTickDelay(long now) {
        long period = settings.heartbeat().toNanos();
        long delay = period;
        Attempt a = current;
        if (a != null) {
            long heartbeatDue = a.lastSent + period - now;
            // just past the timeout, so the check that follows sees it passed
            long timeoutDue = a.lastHeard + settings.managerTimeout().toNanos() - now + 1;
            delay = Math.min(delay, Math.min(heartbeatDue, timeoutDue));
        }
        return Math.max(MIN_TICK.toNanos(), delay);
    }

    private void fail(Attempt a, String why) {
        if (a != current) {
            return;
        }
        current = null;
        try {
            a.out.cancel(why, null);
        } catch (RuntimeException ignored) {
            // already broken
        }
        a.channel.shutdownNow();
        if (a.established) {
            log.warn("dispatcher session with manager {} lost: {}", a.address, why);
            connected = false;
            disconnectedSince = ticker.nanos();
            listeners.forEach(l -> l.connected(false));
        }
        retryLater(why);
    }

    private void retryLater(String why) {
        if (closed) {
            return;
        }
        long delay = reconnectBackoff.delay(failures).toMillis();
        failures++;
        log.debug("reconnecting to a manager in {} ms ({})", delay, why);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Ends the session; unacknowledged status is dropped. */
    @Override
    public void close() {
        try {
            loop.submit(() -> {
                closed = true;
                Attempt a = current;
                current = null;
                if (a != null) {
                    try {
                        a.out.onCompleted();
                    } catch (RuntimeException ignored) {
                        // already broken
                    }
                    a.channel.shutdown();
                }
                connected = false;
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("closing the dispatcher client: {}", e.toString());
        }
        loop.shutdownNow();
    }
}
