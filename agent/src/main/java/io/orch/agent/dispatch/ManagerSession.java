package io.orch.agent.dispatch;

import io.orch.agent.worker.StatusBatches;

import io.orch.api.concurrent.Ticker;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orch.agent.net.NetworkMaps;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.Revocations;
import io.orch.api.proto.Cluster;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.api.proto.ManagerHeartbeat;
import io.orch.api.proto.ManagerMessage;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.StatusAck;
import io.orch.api.proto.StatusBatch;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.TrustRoots;
import io.orch.agent.pki.ClusterCa;
import io.orch.api.proto.WorkerHello;
import io.orch.api.proto.WorkerMessage;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One worker's session on this manager. Inbound messages arrive on gRPC threads; a tick on the
 * dispatcher's timer drains store events, sends the assignment set when it changed (after the
 * burst settles) and heartbeats. Every write to the stream holds the session's lock.
 *
 * <p>The tick runs when there is something to do, not on a fixed beat: a store event that concerns
 * the node wakes it at once, it runs every {@code tick} while a burst is being coalesced, and
 * otherwise when the next heartbeat is due. A session at rest used to tick every 15 ms (66 wake-ups
 * a second per connected node, each reading the store three times), which was most of an idle
 * leader's dispatcher thread; now it wakes once per heartbeat.
 */
final class ManagerSession {
    private static final Logger log = LoggerFactory.getLogger(ManagerSession.class);
    private static final int NODE_UPDATE_ATTEMPTS = 5;

    private final String nodeId;
    private final ClusterStore store;
    private final ServerCallStreamObserver<ManagerMessage> out;
    private final DispatcherService.Settings settings;
    private final Supplier<List<String>> managers;
    private final ScheduledExecutorService timer;
    private final Consumer<ManagerSession> onEnd;

    // guarded by this
    private boolean ended;
    private Subscription events;
    /** The next timed tick (the one a heartbeat or a coalescing burst needs); cancelled when the session ends. */
    private volatile ScheduledFuture<?> nextTick;
    private long sequence;
    private Assignments lastSent;
    private NetworkMap lastMapSent;
    private Revocations lastRevocationsSent;
    private long mapSequence;
    private long dirtySince = -1;
    private long lastEvent;
    private long lastHeartbeat;
    private TrustRoots lastTrustSent;
    private com.google.protobuf.ByteString lastGossipKeySent;

    private final Ticker ticker;
    /** Serialises ticks: a woken tick and a timed one never run at once. Never held by the store's applying thread. */
    private final Object tickLock = new Object();
    /** A tick woken by a store event is queued and has not started yet: further events need no other. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /**
     * Events the filter let through, and those a tick took from the queue (under tickLock). The
     * filter runs just before its event is queued, so a woken tick may find the queue still empty:
     * while more were let through than taken, the next tick comes after {@code tick}, not a heartbeat.
     */
    private final AtomicLong eventsLetThrough = new AtomicLong();
    private long eventsTaken;
    private volatile long lastHeard;
    private volatile boolean helloSeen;

    ManagerSession(String nodeId, ClusterStore store, ServerCallStreamObserver<ManagerMessage> out,
                   DispatcherService.Settings settings, Supplier<List<String>> managers,
                   ScheduledExecutorService timer, Ticker ticker, Consumer<ManagerSession> onEnd) {
        this.nodeId = nodeId;
        this.store = store;
        this.out = out;
        this.settings = settings;
        this.managers = managers;
        this.timer = timer;
        this.onEnd = onEnd;
        this.ticker = ticker;
        this.lastHeard = ticker.nanos();
    }

    String nodeId() {
        return nodeId;
    }

    synchronized boolean isEnded() {
        return ended;
    }

    /** The observer gRPC feeds with the worker's messages. */
    StreamObserver<WorkerMessage> inbound(Consumer<ManagerSession> onHello) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WorkerMessage m) {
                lastHeard = ticker.nanos();
                switch (m.getKindCase()) {
                    case HELLO -> hello(m.getHello(), onHello);
                    case STATUSES -> {
                        if (helloSeen) {
                            statuses(m.getStatuses());
                        } else {
                            end(Status.FAILED_PRECONDITION.withDescription("a session starts with hello"));
                        }
                    }
                    case HEARTBEAT -> { }
                    default -> end(Status.INVALID_ARGUMENT.withDescription("unknown worker message"));
                }
            }

            @Override
            public void onError(Throwable t) {
                end(null);
            }

            @Override
            public void onCompleted() {
                end(Status.OK);
            }
        };
    }

    private void hello(WorkerHello hello, Consumer<ManagerSession> onHello) {
        if (helloSeen) {
            updateNode(hello, NODE_UPDATE_ATTEMPTS); // the node describes itself again (its images changed)
            return;
        }
        helloSeen = true;
        updateNode(hello, NODE_UPDATE_ATTEMPTS);
        synchronized (this) {
            if (ended) {
                return;
            }
            // subscribe before the first read, so no change between the two is missed
            events = store.watch(this::concernsNodeAndWake);
            dirtySince = 0; // the first set goes out on the first tick
        }
        wake(); // the first tick; from then on ticks schedule themselves (tickAndReschedule)
        onHello.accept(this);
    }

    /** Keeps the Node object current; version-checked, so a concurrent writer wins and this retries on its result. */
    private void updateNode(WorkerHello hello, int attemptsLeft) {
        store.update(tx -> {
            Node node = tx.read().node(nodeId).orElse(null);
            if (node == null) {
                return;
            }
            Node.Builder b = node.toBuilder();
            if (hello.hasDescription()) {
                b.setDescription(hello.getDescription());
            }
            if (hello.getRuntimesCount() > 0) {
                b.clearRuntimes().addAllRuntimes(hello.getRuntimesList());
            }
            NodeStatus.Builder status = node.getStatus().toBuilder().setState(NodeStatus.State.READY).setMessage("");
            if (!hello.getAddr().isEmpty()) {
                status.setAddr(hello.getAddr());
            }
            b.setStatus(status);
            Node updated = b.build();
            if (!updated.equals(node)) {
                tx.update(updated);
            }
        }).whenComplete((result, error) -> {
            if (error == null && result.ok()) {
                return;
            }
            if (attemptsLeft > 1) {
                updateNode(hello, attemptsLeft - 1);
            } else {
                log.warn("could not update node {} from its hello: {}", nodeId,
                        error != null ? error.getMessage() : result.error());
            }
        });
    }

    /**
     * The watch's filter, run on the store's applying thread: an event for this node also wakes the
     * tick. Takes no lock (the applying thread must never wait on a session).
     */
    private boolean concernsNodeAndWake(StoreEvent e) {
        boolean concerns = concernsNode(e);
        if (concerns) {
            eventsLetThrough.incrementAndGet();
            wake();
        }
        return concerns;
    }

    /** Runs a tick soon on the timer, unless one is already queued. */
    private void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                timer.execute(this::tickAndReschedule);
            } catch (RejectedExecutionException e) {
                wakeQueued.set(false); // the dispatcher is closing
            }
        }
    }

    /** One tick, then the next timed one: at {@code tick} while a change waits to be sent, else when the heartbeat is due. */
    private void tickAndReschedule() {
        synchronized (tickLock) {
            wakeQueued.set(false); // events from here on need a tick after this one
            ScheduledFuture<?> previous = nextTick;
            if (previous != null) {
                previous.cancel(false); // this tick does its work (a no-op when it is this very tick)
            }
            tick();
            if (isEnded()) {
                return;
            }
            try {
                nextTick = timer.schedule(this::tickAndReschedule, nextTickDelay(ticker.nanos()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the dispatcher is closing
            }
        }
    }

    /**
     * Nanoseconds from {@code now} to the next timed tick: {@code tick} while a burst is being
     * coalesced; otherwise when the heartbeat is due, which is never later than one heartbeat
     * period, so the worker timeout is checked at least that often.
     */
    private synchronized long nextTickDelay(long now) {
        long tick = settings.tick().toNanos();
        if (dirtySince >= 0 || eventsLetThrough.get() > eventsTaken) {
            return tick;
        }
        long heartbeatDue = lastHeartbeat + settings.heartbeatPeriod().toNanos() - now;
        return Math.max(tick, Math.min(heartbeatDue, settings.heartbeatPeriod().toNanos()));
    }

    private boolean concernsNode(StoreEvent e) {
        return switch (e.kind()) {
            case TASK -> onNetwork(e.before()) || onNetwork(e.after())
                    || (e.after() != null && nodeId.equals(((Task) e.after()).getNodeId()))
                    || (e.before() != null && nodeId.equals(((Task) e.before()).getNodeId()));
            // names, referenced data, networks and node addresses (the network map's tunnel
            // endpoints); both sets are compared before sending
            case SERVICE, SECRET, CONFIG, NETWORK, NODE -> true;
            // the revocation list, which workers enforce on the RPCs they serve
            case CLUSTER -> true;
            default -> false;
        };
    }

    /** A task on an overlay network anywhere may change this node's network map. */
    private static boolean onNetwork(Object task) {
        return task != null && ((Task) task).getNetworksAttachmentsCount() > 0;
    }

    /** Applies the worker's statuses for its own tasks; refuses the rest. Acked once committed. */
    private void statuses(StatusBatch batch) {
        Map<String, TaskStatus> accepted = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        store.read(r -> {
            batch.getStatusesMap().forEach((taskId, status) -> {
                Optional<Task> t = r.task(taskId);
                if (t.isPresent() && nodeId.equals(t.get().getNodeId())) {
                    accepted.put(taskId, status);
                } else if (t.isPresent()) {
                    refused.add(taskId);
                }
                // a task that is gone: nothing to apply, nothing wrong with the report
            });
            return null;
        });
        if (!refused.isEmpty()) {
            log.warn("node {} reported status for {} task(s) not assigned to it: refused", nodeId, refused.size());
        }
        StatusAck ack = StatusAck.newBuilder().setBatchId(batch.getBatchId()).addAllRefusedTaskIds(refused).build();
        // in as many entries as the store's budget needs: a node that reports thousands at once is not refused
        StatusBatches.write(store, accepted).whenComplete((result, error) -> {
            if (error == null) {
                send(ManagerMessage.newBuilder().setStatusAck(ack).build());
            } else {
                // the worker keeps unacknowledged status and sends it again on its next session
                end(Status.UNAVAILABLE.withDescription("task status not committed; reconnect"));
            }
        });
    }

    private void tick() {
        try {
            long now = ticker.nanos();
            if (now - lastHeard > settings.workerTimeout().toNanos()) {
                end(Status.UNAVAILABLE.withDescription("no heartbeat from the worker"));
                return;
            }
            Subscription sub;
            synchronized (this) {
                if (ended) {
                    return;
                }
                sub = events;
            }
            int taken = sub.pollAll(Duration.ZERO).size();
            eventsTaken += taken; // under tickLock: tick() runs only from tickAndReschedule
            if (taken > 0) {
                synchronized (this) {
                    lastEvent = now;
                    if (dirtySince < 0) {
                        dirtySince = now;
                    }
                }
            }
            sendAssignmentsIfDue(now);
            sendHeartbeatIfDue(now);
            sendTrustRootsIfChanged();
            sendGossipKeyIfChanged();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("dispatcher session of node {} failed", nodeId, e);
            end(Status.INTERNAL.withDescription("dispatcher error"));
        }
    }

    private synchronized void sendAssignmentsIfDue(long now) {
        if (dirtySince < 0 || ended) {
            return;
        }
        boolean quiet = now - lastEvent >= settings.coalesce().toNanos();
        boolean overdue = now - dirtySince >= settings.maxDelay().toNanos();
        if (dirtySince != 0 && !quiet && !overdue) {
            return;
        }
        dirtySince = -1;
        long[] version = new long[1];
        NetworkMap[] map = new NetworkMap[1];
        Revocations[] revoked = new Revocations[1];
        Assignments set = store.read(r -> {
            version[0] = r.version();
            map[0] = NetworkMaps.of(r, nodeId);
            revoked[0] = Revocations.newBuilder()
                    .addAllRevoked(r.cluster().map(Cluster::getRevokedList).orElse(List.of())).build();
            return AssignmentSets.of(r, nodeId);
        });
        // first: the worker refuses revoked callers before anything else changes
        if (!revoked[0].equals(lastRevocationsSent)) {
            lastRevocationsSent = revoked[0];
            send(ManagerMessage.newBuilder().setRevocations(revoked[0]).build());
        }
        // the map first: a task's network peers and names are in place when it is assigned
        if (!map[0].equals(lastMapSent)) {
            lastMapSent = map[0];
            send(ManagerMessage.newBuilder().setNetworkMap(map[0].toBuilder().setSequence(++mapSequence)).build());
        }
        if (set.equals(lastSent)) {
            return;
        }
        lastSent = set;
        send(ManagerMessage.newBuilder()
                .setAssignments(set.toBuilder().setSequence(++sequence).setStoreVersion(version[0])).build());
    }

    private synchronized void sendHeartbeatIfDue(long now) {
        if (now - lastHeartbeat < settings.heartbeatPeriod().toNanos()) {
            return;
        }
        lastHeartbeat = now;
        var role = store.read(r -> r.node(nodeId)).map(n -> n.getSpec().getRole()).orElse(io.orch.api.proto.NodeSpec.Role.WORKER);
        long certExpiry = store.read(r -> r.cluster()).map(c -> NodeCertExpiry.of(c.getSpec()).toNanos()).orElse(0L);
        send(ManagerMessage.newBuilder().setHeartbeat(ManagerHeartbeat.newBuilder()
                .setPeriodMillis(settings.heartbeatPeriod().toMillis()).addAllManagers(managers.get())
                .setDesiredRole(role).setNodeCertExpiry(certExpiry)).build());
    }

    /**
     * The roots the worker must trust and whose key must have signed its certificate: when the
     * session opens and whenever a root rotation starts or ends (read from the replica at each
     * tick: the Cluster object is one in-memory read).
     */
    private synchronized void sendTrustRootsIfChanged() {
        if (ended) {
            return;
        }
        Optional<TrustRoots> roots = store.read(r -> r.cluster()).flatMap(ClusterCa::trustRootsOf);
        if (roots.isEmpty() || roots.get().equals(lastTrustSent)) {
            return;
        }
        lastTrustSent = roots.get();
        send(ManagerMessage.newBuilder().setTrustRoots(roots.get()).build());
    }

    /**
     * The cluster's gossip key, when the session opens (and were it ever to change): a worker keeps
     * it in memory only, so this is how a restarted worker gets it back (docs/security.md).
     */
    private synchronized void sendGossipKeyIfChanged() {
        if (ended) {
            return;
        }
        com.google.protobuf.ByteString key = store.read(r -> r.cluster()).map(Cluster::getGossipKey)
                .orElse(com.google.protobuf.ByteString.EMPTY);
        if (key.isEmpty() || key.equals(lastGossipKeySent)) {
            return;
        }
        lastGossipKeySent = key;
        send(ManagerMessage.newBuilder().setGossipKey(key).build());
    }

    private synchronized void send(ManagerMessage m) {
        if (ended || out.isCancelled()) {
            return;
        }
        try {
            out.onNext(m);
        } catch (RuntimeException e) {
            log.debug("session of node {} broke: {}", nodeId, e.toString());
            end(null);
        }
    }

    /**
     * Ends the session once: closes the stream with {@code status} (null when the worker already
     * went away), stops watching, and tells the dispatcher.
     */
    void end(Status status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            ScheduledFuture<?> timed = nextTick;
            if (timed != null) {
                timed.cancel(false);
            }
            if (events != null) {
                events.close();
            }
            if (status != null && !out.isCancelled()) {
                try {
                    if (status.isOk()) {
                        out.onCompleted();
                    } else {
                        out.onError(status.asRuntimeException());
                    }
                } catch (RuntimeException e) {
                    log.debug("closing the session of node {}: {}", nodeId, e.toString());
                }
            }
        }
        onEnd.accept(this);
    }
}
