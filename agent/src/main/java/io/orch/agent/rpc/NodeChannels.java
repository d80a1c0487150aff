package io.orch.agent.rpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A manager's channels to other nodes' RPC addresses over mutual TLS, one per node, kept for
 * later calls. A node that does not answer is given up on within {@link #CONNECT_TIMEOUT} (calls
 * never wait for a connection that is failing), and keepalive pings notice a node that vanishes
 * mid-call (a log follow may be idle for hours), so no call hangs on a dead node.
 */
public final class NodeChannels implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Log chunks are small; image chunks are 1 MiB: well under this. */
    private static final int MAX_INBOUND_BYTES = 8 << 20;

    private final SslContext tls;
    private final String what;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param tls  client context: this node's certificate, trusting the cluster root CA
     * @param what the client's name, for the error once closed ("the node logs client")
     */
    public NodeChannels(SslContext tls, String what) {
        this.tls = tls;
        this.what = what;
    }

    /** The channel to {@code address} (host:port), made on first use. */
    public ManagedChannel to(String address) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a)
                .sslContext(tls)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                // the node RPC server permits pings every 500 ms
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(false)
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
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
