package io.orch.agent.dispatch;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;

import java.util.concurrent.TimeUnit;

/** Opens a channel to a manager's RPC address (host:port). Production: mTLS over Netty; tests: in-process. */
@FunctionalInterface
public interface ChannelFactory {
    ManagedChannel open(String address);

    /**
     * mTLS channels with keepalive pings every second, so a manager whose host vanished is noticed
     * even when no message is due (the node RPC server permits pings every 500 ms).
     *
     * @param tls client context: this node's certificate and key, trusting the cluster root CA
     */
    static ChannelFactory tls(SslContext tls) {
        return address -> NettyChannelBuilder.forTarget(address)
                .sslContext(tls)
                .keepAliveTime(1, TimeUnit.SECONDS)
                .keepAliveTimeout(1, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(64 << 20)
                .build();
    }
}
