package io.orch.agent.logs;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientResponseObserver;
import io.orch.agent.rpc.NodeChannels;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.NodeLogsGrpc;
import io.orch.api.proto.TailRequest;

import java.time.Duration;
import java.util.Iterator;

/**
 * A manager's side of {@code NodeLogs}: tails and follows tasks' logs on other nodes over the
 * {@link NodeChannels} (mutual TLS, a node that does not answer given up on, keepalive).
 */
public final class NodeLogsClient implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = NodeChannels.CONNECT_TIMEOUT;

    private final NodeChannels channels;

    /** @param tls client context: this manager's certificate, trusting the cluster root CA (any role: workers serve logs too) */
    public NodeLogsClient(SslContext tls) {
        this.channels = new NodeChannels(tls, "the node logs client");
    }

    /** A running blocking call: its chunks in order; closing it cancels the call. */
    public interface BlockingTail extends Iterator<LogChunk>, AutoCloseable {
        @Override
        void close();
    }

    /**
     * Opens a call and reads it in the caller's thread; {@code hasNext} and {@code next} throw
     * {@link io.grpc.StatusRuntimeException} when the node cannot be reached or fails.
     */
    public BlockingTail tail(String address, TailRequest request) {
        Context.CancellableContext context = Context.current().withCancellation();
        Iterator<LogChunk> chunks;
        try {
            chunks = context.call(() -> NodeLogsGrpc.newBlockingStub(channel(address)).tail(request));
        } catch (RuntimeException e) {
            context.cancel(null);
            throw e;
        } catch (Exception e) {
            context.cancel(null);
            throw new IllegalStateException(e);
        }
        return new BlockingTail() {
            @Override
            public boolean hasNext() {
                return chunks.hasNext();
            }

            @Override
            public LogChunk next() {
                return chunks.next();
            }

            @Override
            public void close() {
                context.cancel(null);
            }
        };
    }

    /** Opens a call whose chunks arrive on a gRPC thread; the observer sets up flow control in {@code beforeStart}. */
    public void follow(String address, TailRequest request, ClientResponseObserver<TailRequest, LogChunk> observer) {
        NodeLogsGrpc.newStub(channel(address)).tail(request, observer);
    }

    private ManagedChannel channel(String address) {
        return channels.to(address);
    }

    @Override
    public void close() {
        channels.close();
    }
}
