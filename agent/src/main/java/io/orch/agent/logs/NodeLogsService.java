package io.orch.agent.logs;

import io.orch.api.model.Times;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orch.agent.pki.PeerIdentity;
import io.orch.agent.rpc.RpcServer;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.NodeLogsGrpc;
import io.orch.api.proto.TailRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves the output of the tasks that ran on this node to the cluster's managers (their API
 * merges every node's logs). Every node serves it on its RPC listener. Only a caller presenting
 * a manager certificate of this cluster is answered: a worker must not read another node's logs.
 *
 * <p>The first part (the tail) is read in the call's thread and sent only as fast as the caller
 * takes it; with {@code follow} a poller on the shared {@link LogFollowers} thread then sends what
 * the files gain, until the caller cancels or {@code until} has passed.
 */
public final class NodeLogsService extends NodeLogsGrpc.NodeLogsImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLogsService.class);
    /** How long the first part waits between looks at a caller that is not taking more. */
    private static final long READY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Path tasksDir;
    private final String clusterId;
    private final Clock clock;
    private final ScheduledExecutorService followers;
    private final AtomicInteger following = new AtomicInteger();

    /**
     * @param tasksDir  DATA/tasks of this node
     * @param clusterId this node's cluster: callers' certificates must name it
     */
    public NodeLogsService(Path tasksDir, String clusterId, Clock clock, ScheduledExecutorService followers) {
        this.tasksDir = tasksDir;
        this.clusterId = clusterId;
        this.clock = clock;
        this.followers = followers;
    }

    public NodeLogsService(Path tasksDir, String clusterId) {
        this(tasksDir, clusterId, Clock.systemUTC(), LogFollowers.shared());
    }

    @Override
    public void tail(TailRequest request, StreamObserver<LogChunk> responseObserver) {
        ServerCallStreamObserver<LogChunk> out = (ServerCallStreamObserver<LogChunk>) responseObserver;
        TaskLogReader reader;
        LogQuery query;
        try {
            authorize();
            query = LogQuery.of(request);
            if (!query.stdout() && !query.stderr()) {
                throw Status.INVALID_ARGUMENT.withDescription("choose at least one of stdout and stderr").asRuntimeException();
            }
            try {
                reader = TaskLogReader.of(tasksDir, request.getTaskId(), query);
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        Follower follower = new Follower(reader, query, out);
        out.setOnCancelHandler(follower::stop);
        follower.start();
    }

    /** Calls being followed now (a caller that goes away ends its follow). */
    public int following() {
        return following.get();
    }

    /** A manager certificate of this cluster, or the call is refused. */
    private void authorize() {
        PeerIdentity peer;
        try {
            peer = PeerIdentity.fromSslSession(RpcServer.PEER_TLS.get());
        } catch (IllegalArgumentException e) {
            throw Status.UNAUTHENTICATED.withDescription("node logs need a node certificate: " + e.getMessage()).asRuntimeException();
        }
        if (!peer.clusterId().equals(clusterId)) {
            throw Status.PERMISSION_DENIED.withDescription("node " + peer.nodeId() + " is not a member of this cluster").asRuntimeException();
        }
        if (!peer.isManager()) {
            throw Status.PERMISSION_DENIED.withDescription("only managers may read other nodes' logs; node "
                    + peer.nodeId() + " is a worker").asRuntimeException();
        }
    }

    /** One call: the first part now, then (follow) a poll every {@link LogFollowers#POLL_MILLIS} ms. */
    private final class Follower {
        // reader and out: used by the call's thread in start(), then by poll() (under this) once
        // start() has scheduled it; the cancel handler only calls stop()
        private final TaskLogReader reader;
        private final LogQuery query;
        private final ServerCallStreamObserver<LogChunk> out;
        // guarded by this (the Follower): start(), poll() and the cancel handler's stop()
        private ScheduledFuture<?> poller;
        private boolean stopped;

        Follower(TaskLogReader reader, LogQuery query, ServerCallStreamObserver<LogChunk> out) {
            this.reader = reader;
            this.query = query;
            this.out = out;
        }

        void start() {
            try {
                reader.readExisting(this::sendWhenReady);
            } catch (IOException e) {
                fail(e);
                return;
            } catch (StatusRuntimeException e) {
                return; // the caller went away while we sent
            }
            if (out.isCancelled()) {
                return;
            }
            if (!query.follow() || !query.openAt(clock.instant())) {
                out.onCompleted();
                return;
            }
            synchronized (this) {
                if (!stopped) {
                    following.incrementAndGet();
                    poller = followers.scheduleWithFixedDelay(this::poll, LogFollowers.POLL_MILLIS, LogFollowers.POLL_MILLIS,
                            TimeUnit.MILLISECONDS);
                }
            }
        }

        /**
         * The first part may be a whole file: each line waits until the caller takes more. The
         * call's own thread runs this, so gRPC's on-ready callback (same thread) cannot wake it;
         * it looks again after a short pause instead.
         */
        private void sendWhenReady(LogChunk.Stream stream, Instant time, byte[] line) {
            while (!out.isReady()) {
                if (out.isCancelled()) {
                    throw Status.CANCELLED.asRuntimeException();
                }
                LockSupport.parkNanos(READY_WAIT_NANOS);
            }
            out.onNext(chunk(stream, time, line));
        }

        private synchronized void poll() {
            if (stopped) {
                return;
            }
            Instant now = clock.instant();
            try {
                if (!query.openAt(now)) {
                    stop();
                    out.onCompleted();
                    return;
                }
                if (!out.isReady()) {
                    return; // the caller is slow: let the transport drain first
                }
                reader.readNew(now, LogFollowers.MAX_BYTES_PER_POLL, (stream, time, line) -> out.onNext(chunk(stream, time, line)));
            } catch (IOException e) {
                stop();
                fail(e);
            } catch (RuntimeException e) {
                stop(); // cancelled under us
            }
        }

        synchronized void stop() {
            if (poller != null && !stopped) {
                poller.cancel(false);
                following.decrementAndGet();
            }
            stopped = true;
        }

        private void fail(IOException e) {
            LOG.warn("reading task output failed: {}", e.toString());
            out.onError(Status.INTERNAL.withDescription("reading the task's output failed: " + e.getMessage()).asRuntimeException());
        }
    }

    private static LogChunk chunk(LogChunk.Stream stream, Instant time, byte[] line) {
        return LogChunk.newBuilder().setStream(stream).setLine(ByteString.copyFrom(line)).setTimestamp(Times.timestamp(time)).build();
    }
}
