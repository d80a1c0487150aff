package io.orch.agent.pki;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import java.security.KeyStore;
import java.security.Provider;

/**
 * gRPC (grpc-netty) TLS contexts: TLS 1.3 or 1.2, the JDK's TLS engine (so trust decisions
 * are exactly the trust managers', whatever native library is on the class path).
 */
final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    static SslContext server(KeyManagerFactory keys, TrustManager trust, ClientAuth clientAuth) {
        return server(SslContextBuilder.forServer(keys), trust, clientAuth);
    }

    private static SslContext server(SslContextBuilder forServer, TrustManager trust, ClientAuth clientAuth) {
        try {
            return GrpcSslContexts.configure(forServer, SslProvider.JDK)
                    .trustManager(trust)
                    .clientAuth(clientAuth)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the server TLS context: " + e.getMessage(), e);
        }
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
