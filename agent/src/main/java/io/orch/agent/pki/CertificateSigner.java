package io.orch.agent.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
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
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Builds and signs certificates with Bouncy Castle: the cluster's root ({@link RootCa#create}), node and
 * client certificates ({@link RootCa#issue}, {@link RootCa#issueClient}), a root rotation's cross-signed
 * intermediate. This class, {@link CertificateRequests} and {@link SubjectAltNames} are the agent's only
 * users of Bouncy Castle, and only {@link RootCa}'s signing methods call them, so a worker never loads a
 * Bouncy Castle class and a manager loads them when it first makes or signs a certificate (cluster init,
 * a join, a renewal, a rotation). Keep it that way: no other class may name a Bouncy Castle type, and
 * no class loaded at rest may name one in a field, a signature or a catch clause (the JVM's verifier
 * loads such types when it links the class). {@code BouncyCastleStaysLazyTest} checks that a node's
 * start path defines no Bouncy Castle class.
 */
final class CertificateSigner {
    /** What an end-entity certificate is for: its extended key usage. */
    enum Usage {
        /** A node's: server and client auth (it serves its gRPC and may serve the API). */
        NODE,
        /** An API client's ({@code orch cert issue}): client auth only. */
        CLIENT
    }

    private CertificateSigner() {}

    /** The self-signed root: OU=cluster id, CN={@code commonName}, a CA of path length 1. */
    static X509Certificate root(KeyPair pair, String clusterId, String commonName, Instant notBefore, Instant notAfter) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.OU, clusterId)
                .addRDN(BCStyle.CN, commonName)
                .build();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(notBefore), Date.from(notAfter), name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            // path length 1: this CA signs node certificates, and the intermediate that a later root
            // rotation cross-signs with it (roots made before rotations existed say 0; the JDK's
            // PKIX checks do not apply a trust anchor's own path length, so those rotate as well)
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return sign(builder, pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the root CA: " + e.getMessage(), e);
        }
    }

    /**
     * An end-entity certificate for {@code subjectKey} signed by {@code issuer}'s key: subject
     * O={@code o}, OU={@code ou}, CN={@code cn}; digital signature (and key encipherment for RSA)
     * with {@code usage}'s extended key usage; for a node, the subjectAltName of
     * {@link SubjectAltNames#of} ({@code ipOrDnsSans}, then the CN and the OU); a client's has none.
     *
     * @throws IllegalArgumentException naming the first SAN that is neither an IP address nor a DNS name
     */
    static X509Certificate leaf(X509Certificate issuer, PrivateKey issuerKey, String o, String ou, String cn, PublicKey subjectKey,
                                Instant notBefore, Instant notAfter, Usage usage, List<String> ipOrDnsSans) {
        GeneralNames sans = usage == Usage.NODE ? SubjectAltNames.of(ipOrDnsSans, cn, ou) : null;
        ExtendedKeyUsage extendedUsage = usage == Usage.NODE
                ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
                : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, o)
                .addRDN(BCStyle.OU, ou)
                .addRDN(BCStyle.CN, cn)
                .build();
        String kind = usage == Usage.NODE ? "node" : "client";
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(nameOf(issuer), serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int keyUsage = KeyUsage.digitalSignature | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false, extendedUsage);
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
            return sign(builder, issuerKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot sign the " + kind + " certificate: " + e.getMessage(), e);
        }
    }

    /**
     * {@code next}'s subject and public key signed by {@code issuer}'s key: a CA that signs node
     * certificates only (path length 0), valid from {@code notBefore} to {@code notAfter}.
     */
    static X509Certificate crossSigned(X509Certificate issuer, PrivateKey issuerKey, X509Certificate next,
                                       Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(nameOf(issuer), serial(),
                    Date.from(notBefore), Date.from(notAfter), nameOf(next), next.getPublicKey());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(next.getPublicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
            return sign(builder, issuerKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot cross-sign the new root CA: " + e.getMessage(), e);
        }
    }

    private static X500Name nameOf(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
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
}
