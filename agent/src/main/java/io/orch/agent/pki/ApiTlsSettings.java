package io.orch.agent.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS of the TCP API as the flags ask for it ({@code --tlsverify}, client certificates always
 * required): who the server is ({@code --tlscert}/{@code --tlskey}, else the node's own
 * certificate) and which CA clients come from ({@code --tlscacert}, else the cluster's root CA,
 * whose client certificates only are let in).
 *
 * @param caFile   {@code --tlscacert}, or null for the cluster's root CA
 * @param certFile {@code --tlscert}, or null (with {@code keyFile}) for the node's certificate
 * @param keyFile  {@code --tlskey}
 */
public record ApiTlsSettings(Path caFile, Path certFile, Path keyFile) {
    /** A certificate, key or CA file larger than this is not one. */
    static final long MAX_FILE_BYTES = 1 << 20;

    public ApiTlsSettings {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(certFile == null ? "--tlskey needs --tlscert" : "--tlscert needs --tlskey");
        }
    }

    /** The node's own certificate is served (it renews in place). */
    public boolean servesNodeCertificate() {
        return certFile == null;
    }

    /** Whether this TLS needs the node's cluster credentials (a node in no swarm has none). */
    public boolean needsClusterCredentials() {
        return certFile == null || caFile == null;
    }

    /**
     * Reads and checks the files now, so a bad one stops the agent at start with one line naming
     * its flag rather than failing every handshake.
     *
     * @throws IllegalArgumentException naming the flag and the file
     */
    public void check() {
        if (caFile != null) {
            caCertificates();
        }
        if (certFile != null) {
            X509Certificate leaf = certificateChain().get(0);
            if (!Keys.matches(key(), leaf.getPublicKey())) {
                throw new IllegalArgumentException("--tlskey " + keyFile + ": the key does not belong to the certificate in --tlscert");
            }
        }
    }

    List<X509Certificate> caCertificates() {
        return Pem.parseCertificates(read("--tlscacert", caFile), "--tlscacert " + caFile);
    }

    List<X509Certificate> certificateChain() {
        return Pem.parseCertificates(read("--tlscert", certFile), "--tlscert " + certFile);
    }

    PrivateKey key() {
        return Pem.parsePrivateKey(read("--tlskey", keyFile), "--tlskey " + keyFile);
    }

    private static String read(String flag, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(flag + " " + file + ": larger than 1 MiB, not a PEM file");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }
}
