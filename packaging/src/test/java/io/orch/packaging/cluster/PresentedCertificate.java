package io.orch.packaging.cluster;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which certificate a node's RPC listener presents to a new connection now: a TLS handshake
 * with a fresh context (no session to resume) whose trust manager notes the server's
 * certificate. It presents a node certificate of the cluster, read from that node's data
 * directory, because workers' listeners require one (and log every handshake refused for want
 * of it).
 */
final class PresentedCertificate {
    private PresentedCertificate() {
    }

    /**
     * @param as the data directory of the node whose certificate the probe presents
     * @return the certificate presented at {@code host:port}, or empty if none was shown
     */
    static Optional<X509Certificate> at(String host, int port, Path as) {
        AtomicReference<X509Certificate> shown = new AtomicReference<>();
        X509TrustManager noting = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                if (chain != null && chain.length > 0) {
                    shown.set(chain[0]);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keysOf(as.resolve("certificates")).getKeyManagers(), new TrustManager[] {noting}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), 3_000);
                socket.setSoTimeout(3_000);
                socket.startHandshake();
            }
        } catch (IOException | GeneralSecurityException e) {
            // a handshake cut short after the server showed its certificate still tells which one
        }
        return Optional.ofNullable(shown.get());
    }

    private static KeyManagerFactory keysOf(Path certificates) throws IOException, GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(certificates.resolve("node.key"))));
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate node = x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificates.resolve("node.crt"))));
        Certificate ca = x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificates.resolve("ca.crt"))));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("probe", key, new char[0], new Certificate[] {node, ca});
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(store, new char[0]);
        return factory;
    }

    private static byte[] pemBody(Path file) throws IOException {
        String base64 = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }
}
