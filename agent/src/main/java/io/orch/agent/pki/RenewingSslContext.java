package io.orch.agent.pki;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import java.util.List;
import java.util.function.Function;

/**
 * A gRPC TLS context that follows {@link LiveCredentials}: each new connection (gRPC asks for one
 * engine per connection) gets an engine of a context built for the credentials held at that
 * moment, so servers and channels made once present a renewed certificate from their next
 * connection on. A context per certificate, rather than one over a changing key manager, because
 * a context's TLS sessions outlive a certificate: a client would resume a session begun with the
 * server's previous certificate and skip the handshake that shows the new one. Sessions (and
 * TLS 1.3 tickets) of one context are unknown to the next, so the first connection after a
 * renewal is a full handshake at both ends. Connections already open keep their certificates.
 */
final class RenewingSslContext extends SslContext {
    private record Built(NodeCredentials credentials, SslContext context) {}

    private final LiveCredentials live;
    private final Function<NodeCredentials, SslContext> build;
    private final boolean client;
    private volatile Built built;

    /** @param build the context for one certificate (same kind every time: server or client, same trust) */
    RenewingSslContext(LiveCredentials live, Function<NodeCredentials, SslContext> build) {
        this.live = live;
        this.build = build;
        NodeCredentials now = live.current();
        this.built = new Built(now, build.apply(now));
        this.client = built.context().isClient();
    }

    /** The context for the certificate held now, built on the first connection after a change. */
    SslContext current() {
        NodeCredentials now = live.current();
        Built b = built;
        if (b.credentials() != now) {
            synchronized (this) {
                b = built;
                if (b.credentials() != now) {
                    b = new Built(now, build.apply(now));
                    built = b;
                }
            }
        }
        return b.context();
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public List<String> cipherSuites() {
        return current().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return current().applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return current().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return current().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return current().sessionContext();
    }
}
