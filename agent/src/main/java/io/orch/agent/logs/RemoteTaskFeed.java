package io.orch.agent.logs;

import io.orch.api.model.Times;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.TailRequest;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A task that ran on another node: its lines through that node's {@code NodeLogs.Tail}. When
 * following, chunks are asked for in batches and only while the receiver keeps up, so a slow
 * HTTP client slows the remote reader instead of filling this node's memory.
 */
public final class RemoteTaskFeed implements TaskLogFeed {
    private static final int BATCH = 128;

    private final NodeLogsClient client;
    private final String nodeId;
    private final String address;
    private final TailRequest request;
    /** Told when the node could not be reached, so the request's other tasks on it do not wait again. */
    private final Consumer<String> onUnreachable;

    // follow state, guarded by this
    private ClientCallStreamObserver<TailRequest> call;
    private int outstanding;
    private boolean ended;
    private boolean closed;

    public RemoteTaskFeed(NodeLogsClient client, String nodeId, String address, TailRequest request,
                          Consumer<String> onUnreachable) {
        this.client = client;
        this.nodeId = nodeId;
        this.address = address;
        this.request = request;
        this.onUnreachable = onUnreachable;
    }

    @Override
    public void readAll(LineSink sink, BooleanSupplier wanted) throws LogUnavailableException {
        try (NodeLogsClient.BlockingTail chunks = client.tail(address, request)) {
            while (wanted.getAsBoolean() && chunks.hasNext()) {
                LogChunk c = chunks.next();
                sink.line(c.getStream(), Times.instant(c.getTimestamp()), c.getLine().toByteArray());
            }
        } catch (StatusRuntimeException e) {
            throw new LogUnavailableException(explain(e.getStatus()));
        }
    }

    @Override
    public void follow(LineSink sink, BooleanSupplier ready, Consumer<String> onError) {
        client.follow(address, request, new ClientResponseObserver<TailRequest, LogChunk>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<TailRequest> requestStream) {
                synchronized (RemoteTaskFeed.this) {
                    call = requestStream;
                    outstanding = BATCH;
                }
                requestStream.disableAutoRequestWithInitial(BATCH);
            }

            @Override
            public void onNext(LogChunk c) {
                sink.line(c.getStream(), Times.instant(c.getTimestamp()), c.getLine().toByteArray());
                synchronized (RemoteTaskFeed.this) {
                    outstanding--;
                }
                requestMore(ready.getAsBoolean());
            }

            @Override
            public void onError(Throwable t) {
                boolean report;
                synchronized (RemoteTaskFeed.this) {
                    report = !closed;
                    ended = true;
                }
                if (report) {
                    onError.accept(explain(Status.fromThrowable(t)));
                }
            }

            @Override
            public void onCompleted() {
                synchronized (RemoteTaskFeed.this) {
                    ended = true;
                }
            }
        });
    }

    /** Another batch once half of the last one has arrived and the receiver keeps up. */
    private synchronized void requestMore(boolean ready) {
        if (ready && call != null && !ended && !closed && outstanding <= BATCH / 2) {
            call.request(BATCH - outstanding);
            outstanding = BATCH;
        }
    }

    @Override
    public void poll(Instant now, boolean ready) {
        requestMore(ready); // resumes a feed that paused while the receiver was slow
    }

    @Override
    public synchronized boolean done(Instant now) {
        return ended;
    }

    @Override
    public synchronized void close() {
        if (!closed && call != null && !ended) {
            call.cancel("the logs request ended", null);
        }
        closed = true;
    }

    private String explain(Status status) {
        String why = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> {
                String message = "node " + nodeId + " at " + address + " is not reachable (" + why + ")";
                onUnreachable.accept(message);
                yield message;
            }
            case PERMISSION_DENIED, UNAUTHENTICATED -> "node " + nodeId + " refused to serve its logs (" + why + ")";
            default -> "reading the logs from node " + nodeId + " failed (" + why + ")";
        };
    }
}
