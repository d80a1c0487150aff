package io.orch.agent.logs;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientResponseObserver;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.NodeLogsGrpc;
import io.orch.api.proto.TailRequest;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A manager's side of {@code NodeLogs}: calls other nodes' RPC addresses over mutual TLS, one
 * channel per node kept for later requests. A node that does not answer is given up on within
 * {@link #CONNECT_TIMEOUT} (calls never wait for a connection that is failing), and keepalive
 * pings notice a node that vanishes mid-stream, so no request hangs on a dead node.
 */
public final class NodeLogsClient implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final SslContext tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param tls client context: this manager's certificate, trusting the cluster root CA (any role: workers serve logs too) */
    public NodeLogsClient(SslContext tls) {
        this.tls = tls;
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
        if (closed) {
            throw new IllegalStateException("the node logs client is closed");
        }
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a)
                .sslContext(tls)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                // the node RPC server permits pings every 500 ms; a follow may be idle for hours
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(false)
                .maxInboundMessageSize(8 << 20)
                .build());
    }

    @Override
    public void close() {
        closed = true;
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        channels.clear();
    }
}
