package io.orch.agent.pki;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;

/**
 * gRPC (grpc-netty) TLS contexts: TLS 1.3 or 1.2, the JDK's TLS engine (so trust decisions
 * are exactly the trust managers', whatever native library is on the class path).
 */
final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /** What grpc-netty's {@code GrpcSslContexts.configure(builder, SslProvider.JDK)} sets: ALPN offering h2 only. */
    private static final ApplicationProtocolConfig GRPC_ALPN = new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2");

    /** The gRPC server's context: the ciphers and ALPN of {@code GrpcSslContexts}, see {@link #jdkServer}. */
    static SslContext server(KeyManagerFactory keys, TrustManager trust, ClientAuth clientAuth) {
        return jdkServer(keys, trust, clientAuth, PROTOCOLS, Http2SecurityUtil.CIPHERS, GRPC_ALPN);
    }

    /**
     * A server context on the JDK's TLS engine, built as Netty's {@code SslContextBuilder.forServer(keys)
     * .sslProvider(JDK)} builds it, but without Netty's {@code JdkSslServerContext}: that class, when
     * first loaded, parses a test key through Bouncy Castle whenever bcpkix is on the class path, which
     * registers the whole Bouncy Castle provider (some 650 classes, 2,236 services, its signed manifest)
     * on every node, even one that never makes a certificate. What the builder adds besides is nothing
     * for a server: its trust manager wrapper only rewords a client's hostname errors, and its session
     * resumption hook acts only on Netty's {@code ResumableX509ExtendedTrustManager}s (ours are not).
     */
    static SslContext jdkServer(KeyManagerFactory keys, TrustManager trust, ClientAuth clientAuth, String[] protocols,
                                Iterable<String> ciphers, ApplicationProtocolConfig alpn) {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the server TLS context: " + e.getMessage(), e);
        }
        return new JdkSslContext(context, false, ciphers, SupportedCipherSuiteFilter.INSTANCE, alpn, clientAuth, protocols, false);
    }

    static SslContext client(KeyManagerFactory keys, TrustManager trust) {
        return client(SslContextBuilder.forClient().keyManager(keys), trust);
    }

    /** A client that presents no certificate: a node that is joining, or whose certificate expired. */
    static SslContext anonymousClient(TrustManager trust) {
        return client(SslContextBuilder.forClient(), trust);
    }

    private static SslContext client(SslContextBuilder forClient, TrustManager trust) {
        try {
            return GrpcSslContexts.configure(forClient, SslProvider.JDK)
                    .trustManager(trust)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the client TLS context: " + e.getMessage(), e);
        }
    }

    /** A javax.net.ssl factory that hands out one given trust manager. */
    static TrustManagerFactory factoryOf(TrustManager trust) {
        return new SingleTrustManagerFactory(trust);
    }

    private static final class SingleTrustManagerFactory extends TrustManagerFactory {
        private static final Provider PROVIDER = new Provider("orch-pki", "1.0", "orch cluster CA trust") {};

        SingleTrustManagerFactory(TrustManager trust) {
            super(new Spi(trust), PROVIDER, "orch-cluster-ca");
        }
    }

    private static final class Spi extends TrustManagerFactorySpi {
        private final TrustManager trust;

        Spi(TrustManager trust) {
            this.trust = trust;
        }

        @Override
        protected void engineInit(KeyStore ks) {
            // the trust manager is fixed at construction
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) {
            // the trust manager is fixed at construction
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {trust};
        }
    }
}
