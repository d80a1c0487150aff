package io.orch.agent.pki;

import io.orch.api.proto.PkiRootCa;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's root certificate authority: a self-signed ECDSA P-256 certificate
 * (CN=orch-root-ca, OU=cluster id, 20 years) and its key, which lives in the Cluster object of
 * the store. It signs every node certificate ({@link #issue}). The key is never logged, never in
 * an exception message and not in {@link #toString()}. Reading one ({@link #fromPem}) is the JDK's
 * work; making and signing certificates is {@link CertificateSigner}'s (Bouncy Castle), called only
 * from the methods that do so, so a manager at rest loads no Bouncy Castle class.
 */
public final class RootCa {
    public static final String COMMON_NAME = "orch-root-ca";
    public static final Duration DEFAULT_NODE_VALIDITY = Duration.ofDays(90);
    static final Duration CA_VALIDITY = Duration.ofDays(20 * 365 + 5);
    /** Certificates start this far in the past, so nodes whose clocks lag a little accept them (Swarm does the same). */
    static final Duration BACKDATE = Duration.ofHours(1);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String clusterId;
    private final String digest;
    private final Clock clock;

    private RootCa(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
        this.clusterId = Subjects.ou(certificate);
        this.digest = CaDigest.of(certificate);
    }

    /** A new root CA for the cluster {@code clusterId}. */
    public static RootCa create(String clusterId) {
        return create(clusterId, Clock.systemUTC());
    }

    public static RootCa create(String clusterId, Clock clock) {
        requireName("cluster id", clusterId);
        KeyPair pair = Keys.newEcKeyPair();
        Instant now = clock.instant();
        X509Certificate certificate = CertificateSigner.root(pair, clusterId, COMMON_NAME, now.minus(BACKDATE), now.plus(CA_VALIDITY));
        return new RootCa(certificate, pair.getPrivate(), clock);
    }

    /**
     * The root CA from its PEM certificate and PKCS#8 key (as {@link #certPem()} and
     * {@link #keyPem()} wrote them).
     *
     * @throws IllegalArgumentException if either is not valid, the certificate is not a
     *     self-signed CA, or the key does not belong to it (the message never quotes the key)
     */
    public static RootCa fromPem(String certPem, String keyPem) {
        return fromPem(certPem, keyPem, Clock.systemUTC());
    }

    public static RootCa fromPem(String certPem, String keyPem, Clock clock) {
        X509Certificate certificate = Pem.parseCertificate(certPem, "root CA certificate");
        PrivateKey key = Pem.parsePrivateKey(keyPem, "root CA key");
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("root CA certificate is not a CA certificate");
        }
        try {
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("root CA certificate is not self-signed");
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("root CA key does not belong to the root CA certificate");
        }
        return new RootCa(certificate, key, clock);
    }

    /** The CA as the Cluster object stores it. */
    public static RootCa fromProto(PkiRootCa proto) {
        return fromPem(proto.getCaCertPem(), proto.getCaKeyPem());
    }

    public PkiRootCa toProto() {
        return PkiRootCa.newBuilder().setCaCertPem(certPem()).setCaKeyPem(keyPem()).build();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certPem() {
        return Pem.certificate(certificate);
    }

    /** Secret: store it in the Cluster object only; never log it or show it. */
    public String keyPem() {
        return Pem.privateKey(key);
    }

    public String clusterId() {
        return clusterId;
    }

    /** The join tokens' CA part: base-36 SHA-256 of the DER certificate, 50 characters. */
    public String digest() {
        return digest;
    }

    /** {@link #issue(byte[], String, NodeRole, List, Duration)} for {@link #DEFAULT_NODE_VALIDITY}. */
    public String issue(byte[] csrDer, String nodeId, NodeRole role, List<String> ipOrDnsSans) {
        return issue(csrDer, nodeId, role, ipOrDnsSans, DEFAULT_NODE_VALIDITY);
    }

    /**
     * Signs a node certificate for the key in the CSR. Only the CSR's public key is used (after
     * its signature is checked, proving the caller holds the private key); everything else comes
     * from the arguments: CN=node id, OU=role ({@code swarm-manager}/{@code swarm-worker}),
     * O=cluster id, the SANs plus the node id and the role as DNS names, server and client auth.
     *
     * @return the node certificate, PEM
     * @throws IllegalArgumentException for a bad CSR, node id, SAN or validity, with a message
     *     naming what is wrong
     */
    public String issue(byte[] csrDer, String nodeId, NodeRole role, List<String> ipOrDnsSans, Duration validity) {
        Objects.requireNonNull(role, "role");
        requireName("node id", nodeId);
        requirePositive(validity);
        PublicKey nodeKey = CertificateRequests.verifiedPublicKey(csrDer);
        return signLeaf(nodeKey, role.ou(), nodeId, validity, CertificateSigner.Usage.NODE, ipOrDnsSans);
    }

    /**
     * Signs an API client certificate ({@code orch cert issue}): CN={@code clientName},
     * OU={@link ClientCertificates#OU}, O=cluster id, extended key usage clientAuth only, no
     * subject alternative name, so it can never serve TLS nor pass as a node (whose OU is a role).
     * As for nodes, only the CSR's public key is used, after its signature is checked.
     *
     * @return the client certificate, PEM
     * @throws IllegalArgumentException for a bad CSR, name or validity, naming what is wrong
     */
    public String issueClient(byte[] csrDer, String clientName, Duration validity) {
        ClientCertificates.requireName(clientName);
        requirePositive(validity);
        PublicKey clientKey = CertificateRequests.verifiedPublicKey(csrDer);
        return signLeaf(clientKey, ClientCertificates.OU, clientName, validity, CertificateSigner.Usage.CLIENT, null);
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity must be positive");
        }
    }

    /**
     * An end-entity certificate for {@code subjectKey} signed by this root, O=cluster id: backdated
     * by {@link #BACKDATE}, never outliving the root; the rest is {@link CertificateSigner#leaf}.
     *
     * @return the certificate, PEM
     */
    private String signLeaf(PublicKey subjectKey, String ou, String cn, Duration validity, CertificateSigner.Usage usage,
                            List<String> ipOrDnsSans) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        return Pem.certificate(CertificateSigner.leaf(certificate, key, clusterId, ou, cn, subjectKey,
                now.minus(BACKDATE), notAfter, usage, ipOrDnsSans));
    }

    /**
     * The cross-signed intermediate of a root rotation: {@code next}'s subject and public key,
     * signed by this root's key (issuer: this root). A node certificate that {@code next} signs,
     * sent with this certificate, chains to this root as well as to {@code next}: nodes that still
     * trust only this root accept it. A CA that signs node certificates only (path length 0),
     * valid no longer than either root.
     */
    public X509Certificate crossSign(RootCa next) {
        Instant now = clock.instant();
        Instant notAfter = next.certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        return CertificateSigner.crossSigned(certificate, key, next.certificate, now.minus(BACKDATE), notAfter);
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9-]{0,63}")) {
            throw new IllegalArgumentException(what + " \"" + value + "\": expected letters, digits or '-' (at most 64)");
        }
    }

    @Override
    public String toString() {
        return "RootCa[cluster " + clusterId + ", digest " + digest + "]";
    }
}
