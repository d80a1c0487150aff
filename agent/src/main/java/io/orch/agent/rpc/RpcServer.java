package io.orch.agent.rpc;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import io.orch.agent.pki.LiveRevocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The node-to-node gRPC server on the node's listen address: join, dispatcher sessions, node
 * logs. Always TLS; every call is checked against the revocation list (RevokedCallerInterceptor). Client certificates are optional at the TLS layer, because a joining node has
 * none yet; every service other than join reads the caller's identity from {@link #PEER_TLS} and
 * refuses calls without a certificate of this cluster.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

    /** The caller's TLS session (its certificate chain says which node it is), or null. */
    public static final Context.Key<SSLSession> PEER_TLS = Context.key("orch-peer-tls");

    private final Server server;

    /**
     * @param revocations  the list every call is checked against, on established connections too
     * @param renewMethods full method names a demoted manager's manager certificate may still call
     */
    public RpcServer(InetSocketAddress bind, SslContext tls, List<BindableService> services,
                     LiveRevocations revocations, Set<String> renewMethods) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(bind)
                .sslContext(tls)
                // workers ping their session every second so a dead manager is noticed quickly
                .permitKeepAliveTime(500, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(64 << 20);
        ServerInterceptor peerTls = new PeerTlsInterceptor();
        ServerInterceptor revoked = new RevokedCallerInterceptor(revocations, renewMethods);
        for (BindableService s : services) {
            // the last one given runs first: a revoked caller is refused before anything else
            builder.addService(ServerInterceptors.intercept(s, peerTls, revoked));
        }
        this.server = builder.build();
    }

    public RpcServer start() throws IOException {
        server.start();
        LOG.info("node RPC listening on {}", server.getListenSockets());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    private static final class PeerTlsInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            return Contexts.interceptCall(Context.current().withValue(PEER_TLS, session), call, headers, next);
        }
    }
}
