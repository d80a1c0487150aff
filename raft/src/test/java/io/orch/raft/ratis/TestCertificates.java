package io.orch.raft.ratis;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificate authorities and node certificates made with the JDK's own {@code keytool} in a
 * temporary directory: one PKCS#12 file per CA holding the CA key and the keys it issued
 * ({@code keytool -genkeypair -signer}, one keytool run per certificate: each run is a JVM start).
 */
final class TestCertificates {
    private static final char[] PASSWORD = "test-only-password".toCharArray();
    private final Path dir;

    TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A self-signed CA named {@code ca}. */
    void createCa(String ca) throws IOException {
        keytool("-genkeypair", "-alias", ca, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + ca,
                "-ext", "bc:c", "-validity", "2", "-keystore", keystore(ca), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD));
    }

    /** A node key and certificate for 127.0.0.1 (server and client use), signed by {@code ca}. */
    void issue(String node, String ca) throws IOException {
        keytool("-genkeypair", "-alias", node, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + node,
                "-validity", "2", "-keystore", keystore(ca), "-storepass", new String(PASSWORD), "-signer", ca,
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth");
    }

    /** What a replica runs with: the key of {@code node} (issued by {@code ca}), trusting only {@code trustedCa}. */
    RaftTls tls(String node, String ca, String trustedCa) throws IOException, GeneralSecurityException {
        return new RaftTls(keyManager(node, ca), trustManager(trustedCa));
    }

    /** The serial number of {@code node}'s certificate (issued by {@code ca}). */
    java.math.BigInteger serial(String node, String ca) throws IOException, GeneralSecurityException {
        return ((java.security.cert.X509Certificate) load(ca).getCertificate(node)).getSerialNumber();
    }

    X509KeyManager keyManager(String node, String ca) throws IOException, GeneralSecurityException {
        KeyStore issued = load(ca);
        Key key = issued.getKey(node, PASSWORD);
        Certificate[] chain = issued.getCertificateChain(node);
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        own.setKeyEntry(node, key, PASSWORD, chain); // only this node's key is offered
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(own, PASSWORD);
        for (KeyManager km : factory.getKeyManagers()) {
            if (km instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X509KeyManager");
    }

    X509TrustManager trustManager(String ca) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(ca, load(ca).getCertificate(ca));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    private KeyStore load(String ca) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystore(ca)))) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private String keystore(String ca) {
        return dir.resolve(ca + ".p12").toString();
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
