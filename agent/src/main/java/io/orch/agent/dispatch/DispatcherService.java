package io.orch.agent.dispatch;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.concurrent.Ticker;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orch.api.proto.DispatcherGrpc;
import io.orch.api.proto.ManagerMessage;
import io.orch.api.proto.WorkerMessage;
import io.orch.raft.store.ClusterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The manager end of worker sessions (swarmkit's dispatcher), on every manager: each connected
 * node gets its assignment set pushed whenever it changes in the store (bursts coalesced) and
 * sends its task status, which is applied to the store only for tasks assigned to that node.
 * Followers' writes reach the Raft leader through the store's proposer. One session per node: a
 * newer one replaces the older.
 */
public final class DispatcherService extends DispatcherGrpc.DispatcherImplBase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatcherService.class);

    /**
     * @param heartbeatPeriod how often the manager sends a heartbeat (workers give up on it after a few missed)
     * @param workerTimeout   a session the worker has sent nothing on for this long is closed
     * @param coalesce        a change is sent once the store has been quiet this long...
     * @param maxDelay        ...or at the latest this long after the first change of a burst
     * @param tick            how often a session looks again while a burst of changes is coalesced (at rest
     *                        it wakes for a store event or a heartbeat, see {@link ManagerSession})
     */
    public record Settings(Duration heartbeatPeriod, Duration workerTimeout, Duration coalesce, Duration maxDelay,
                           Duration tick) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofMillis(30),
                    Duration.ofMillis(100), Duration.ofMillis(15));
        }
    }

    /** Told when a node's session comes up and when its last session ends (e.g. to mark it down). */
    public interface SessionListener {
        void up(String nodeId);

        void down(String nodeId);
    }

    private final ClusterStore store;
    private final NodeAuthenticator authenticator;
    private final Supplier<List<String>> managers;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final Ticker ticker;
    private final Map<String, ManagerSession> sessions = new ConcurrentHashMap<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param managers the RPC addresses (host:port) of every manager, sent to workers for fail-over
     */
    public DispatcherService(ClusterStore store, NodeAuthenticator authenticator, Supplier<List<String>> managers,
                             Settings settings) {
        this(store, authenticator, managers, settings, Ticker.system());
    }

    /** @param ticker the time the sessions' heartbeats, worker timeout and coalescing are measured in */
    public DispatcherService(ClusterStore store, NodeAuthenticator authenticator, Supplier<List<String>> managers,
                             Settings settings, Ticker ticker) {
        this.store = store;
        this.ticker = ticker;
        this.authenticator = authenticator;
        this.managers = managers;
        this.settings = settings;
        this.timer = Executors.newScheduledThreadPool(2, DaemonThreads.factory("orch-dispatcher"));
    }

    public DispatcherService(ClusterStore store, NodeAuthenticator authenticator, Supplier<List<String>> managers) {
        this(store, authenticator, managers, Settings.defaults());
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    /** Ids of the nodes with a session on this manager now. */
    public Set<String> connectedNodes() {
        return new TreeSet<>(sessions.keySet());
    }

    @Override
    public StreamObserver<WorkerMessage> session(StreamObserver<ManagerMessage> responses) {
        ServerCallStreamObserver<ManagerMessage> out = (ServerCallStreamObserver<ManagerMessage>) responses;
        String nodeId;
        try {
            if (closed) {
                throw Status.UNAVAILABLE.withDescription("the dispatcher is shutting down").asRuntimeException();
            }
            nodeId = authenticator.nodeId();
            if (store.read(r -> r.node(nodeId)).isEmpty()) {
                throw Status.PERMISSION_DENIED.withDescription("node " + nodeId + " is not a member of this cluster")
                        .asRuntimeException();
            }
        } catch (StatusRuntimeException e) {
            responses.onError(e);
            return new DiscardingObserver();
        }
        ManagerSession session = new ManagerSession(nodeId, store, out, settings, managers, timer, ticker, this::ended);
        out.setOnCancelHandler(() -> session.end(null));
        return session.inbound(this::established);
    }

    /** The session's Hello was accepted: it now is the node's session. */
    private void established(ManagerSession session) {
        ManagerSession previous = sessions.put(session.nodeId(), session);
        if (previous != null) {
            previous.end(Status.ABORTED.withDescription("replaced by a newer session of the same node"));
        } else {
            log.info("node {} connected to the dispatcher", session.nodeId());
            listeners.forEach(l -> l.up(session.nodeId()));
        }
        if (session.isEnded()) {
            ended(session); // it ended while being established
        }
    }

    private void ended(ManagerSession session) {
        if (sessions.remove(session.nodeId(), session)) {
            log.info("node {} disconnected from the dispatcher", session.nodeId());
            listeners.forEach(l -> l.down(session.nodeId()));
        }
    }

    /** Ends every session (workers fail over to another manager) and stops. */
    @Override
    public void close() {
        closed = true;
        for (ManagerSession s : sessions.values()) {
            s.end(Status.UNAVAILABLE.withDescription("the manager is shutting down"));
        }
        timer.shutdownNow();
    }

    private static final class DiscardingObserver implements StreamObserver<WorkerMessage> {
        @Override
        public void onNext(WorkerMessage value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
