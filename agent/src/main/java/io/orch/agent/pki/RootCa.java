package io.orch.agent.pki;

import io.orch.api.proto.PkiRootCa;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's root certificate authority: a self-signed ECDSA P-256 certificate
 * (CN=orch-root-ca, OU=cluster id, 20 years) and its key, which lives in the Cluster object of
 * the store. It signs every node certificate ({@link #issue}). The key is never logged, never in
 * an exception message and not in {@link #toString()}.
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
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.OU, clusterId)
                .addRDN(BCStyle.CN, COMMON_NAME)
                .build();
        Instant now = clock.instant();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            // path length 1: this CA signs node certificates, and the intermediate that a later root
            // rotation cross-signs with it (roots made before rotations existed say 0; the JDK's
            // PKIX checks do not apply a trust anchor's own path length, so those rotate as well)
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = sign(builder, pair.getPrivate());
            return new RootCa(certificate, pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the root CA: " + e.getMessage(), e);
        }
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
        GeneralNames sans = SubjectAltNames.of(ipOrDnsSans, nodeId, role.ou());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, clusterId)
                .addRDN(BCStyle.OU, role.ou())
                .addRDN(BCStyle.CN, nodeId)
                .build();
        return signLeaf("node", subject, nodeKey, validity,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}), sans);
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
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, clusterId)
                .addRDN(BCStyle.OU, ClientCertificates.OU)
                .addRDN(BCStyle.CN, clientName)
                .build();
        return signLeaf("client", subject, clientKey, validity, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), null);
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity must be positive");
        }
    }

    /**
     * An end-entity certificate for {@code subjectKey} signed by this root: backdated by
     * {@link #BACKDATE}, never outliving the root, digital signature (and key encipherment for
     * RSA) with {@code usage} as its extended key usage, and the SANs when there are any.
     *
     * @return the certificate, PEM
     */
    private String signLeaf(String kind, X500Name subject, PublicKey subjectKey, Duration validity, ExtendedKeyUsage usage,
                            GeneralNames sans) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        try {
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int keyUsage = KeyUsage.digitalSignature | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false, usage);
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            return Pem.certificate(sign(builder, key));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot sign the " + kind + " certificate: " + e.getMessage(), e);
        }
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
        try {
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X500Name subject = X500Name.getInstance(next.certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, next.certificate.getPublicKey());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(next.certificate.getPublicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            return sign(builder, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot cross-sign the new root CA: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no signer for the CA key");
        }
    }

    /** 127 random bits, positive (RFC 5280 allows at most 20 octets). */
    private static BigInteger serial() {
        return new BigInteger(127, Keys.RANDOM).add(BigInteger.ONE);
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
