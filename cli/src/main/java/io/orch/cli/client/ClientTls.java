package io.orch.cli.client;

import io.orch.api.certs.PemPrivateKeys;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * TLS to an agent's API as docker's {@code --tlsverify} does it: the server's certificate must
 * chain to {@code ca.pem} and name the host dialled (HTTPS host-name rules: an IP address must be
 * an IP SAN); the client presents {@code cert.pem} with {@code key.pem}. TLS 1.3 or 1.2 only.
 * Files are read once, when the CLI starts; a bad one is one line naming its flag.
 */
public final class ClientTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final long MAX_FILE_BYTES = 1 << 20;

    private final SSLContext context;

    private ClientTls(SSLContext context) {
        this.context = context;
    }

    /**
     * @throws IllegalArgumentException one line naming the flag whose file is missing or bad
     */
    public static ClientTls of(Path caFile, Path certFile, Path keyFile) {
        List<Certificate> cas = certificates("--tlscacert", caFile);
        List<Certificate> chain = certificates("--tlscert", certFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new ClientTls(context);
        } catch (GeneralSecurityException | IOException e) {
            // no cause text: it could describe the key
            throw new IllegalArgumentException("--tlskey " + keyFile + ": the key does not fit the certificate in --tlscert "
                    + certFile + " (or is of an unsupported kind)");
        }
    }

    /** Wraps a connected socket in TLS and completes the handshake, verifying the server as {@code host}. */
    public SSLSocket wrap(Socket socket, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    private static List<Certificate> certificates(String flag, Path file) {
        String text = read(flag, file);
        try (InputStream in = new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.isEmpty()) {
                throw new IllegalArgumentException(flag + " " + file + ": holds no PEM certificate");
            }
            return new ArrayList<>(all);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": not a PEM certificate");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text = read("--tlskey", file);
        try {
            return PemPrivateKeys.read(text);
        } catch (IllegalArgumentException e) {
            // PemPrivateKeys' messages name what was found, never key material
            throw new IllegalArgumentException("--tlskey " + file + ": not an unencrypted PEM private key (" + e.getMessage() + ")");
        }
    }

    private static String read(String flag, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(flag + " " + file + ": larger than 1 MiB, not a PEM file");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(flag + " " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public String toString() {
        return "ClientTls";
    }
}
