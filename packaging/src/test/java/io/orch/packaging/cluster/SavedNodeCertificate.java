package io.orch.packaging.cluster;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A node's certificate, key and CA as it saved them in its data directory
 * ({@code DATA/certificates/node.key, node.crt, ca.crt}), read once so that a test can present
 * them later as whoever stole them would, whatever the node does with its files meanwhile. The
 * server's certificate is checked against the cluster CA, without a host name check (node
 * certificates name node addresses, not the loopback names tests dial), as the agents do.
 * {@link #toString()} shows the subject only, never the key.
 */
final class SavedNodeCertificate {
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate ca;

    private SavedNodeCertificate(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
        this.key = key;
        this.certificate = certificate;
        this.ca = ca;
    }

    static SavedNodeCertificate of(AgentNode node) {
        Path dir = node.dataDir.resolve("certificates");
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(dir.resolve("node.key"))));
            return new SavedNodeCertificate(key, x509(dir.resolve("node.crt")), x509(dir.resolve("ca.crt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(node + "'s saved credentials are unreadable", e);
        }
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The role the certificate states (its subject's OU: swarm-manager or swarm-worker). */
    String ou() {
        return ouOf(certificate);
    }

    static String ouOf(X509Certificate certificate) {
        for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
            if (part.startsWith("OU=")) {
                return part.substring(3);
            }
        }
        return "";
    }

    /** A gRPC client context presenting this certificate (the JDK's TLS engine, a fresh context: no session resumed). */
    SslContext grpcClient() {
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forClient().keyManager(key, certificate, ca), SslProvider.JDK)
                    .trustManager(trustingCa())
                    .build();
        } catch (SSLException e) {
            throw new AssertionError("cannot build a client TLS context", e);
        }
    }

    /** A JDK TLS context presenting this certificate, for raw probes (the Raft port). */
    SSLContext jdkClient() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("saved", key, new char[0], new X509Certificate[] {certificate, ca});
            KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new TrustManager[] {trustingCa()}, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError("cannot build a client TLS context", e);
        }
    }

    /** PKIX against the cluster CA alone; the two-argument checks do no host name identification. */
    private X509ExtendedTrustManager trustingCa() {
        X509TrustManager pkix;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            pkix = (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError("cannot trust the cluster CA", e);
        }
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client probe serves no one");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                throw new CertificateException("a client probe serves no one");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                throw new CertificateException("a client probe serves no one");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {ca};
            }
        };
    }

    private static X509Certificate x509(Path file) throws IOException, GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    private static byte[] pemBody(Path file) throws IOException {
        String base64 = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    @Override
    public String toString() {
        return "saved certificate " + certificate.getSubjectX500Principal().getName();
    }
}
