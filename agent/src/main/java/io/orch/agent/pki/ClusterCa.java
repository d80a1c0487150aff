package io.orch.agent.pki;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.RootRotation;
import io.orch.api.proto.TrustRoots;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's certificate authority as the Cluster object holds it now: its root CA, and during
 * a root rotation the new root too. Outside a rotation the root signs node certificates and is the
 * only one trusted. During one (as swarmkit's): the new root's key signs, each certificate is sent
 * with the cross-signed intermediate (so nodes that trust only the old root accept it), and both
 * roots are trusted. Never logs or shows a key.
 */
public final class ClusterCa {
    private final RootCa root;
    private final Optional<RootCa> next;
    private final Optional<X509Certificate> crossSigned;

    private ClusterCa(RootCa root, Optional<RootCa> next, Optional<X509Certificate> crossSigned) {
        this.root = root;
        this.next = next;
        this.crossSigned = crossSigned;
    }

    /** @throws IllegalArgumentException if the Cluster object's CA is not usable */
    public static ClusterCa of(Cluster cluster) {
        return of(cluster, Clock.systemUTC());
    }

    /** The same, issuing on {@code clock}. */
    public static ClusterCa of(Cluster cluster, Clock clock) {
        RootCa root = RootCa.fromPem(cluster.getRootCa().getCaCertPem(), cluster.getRootCa().getCaKeyPem(), clock);
        if (!cluster.hasRootRotation()) {
            return new ClusterCa(root, Optional.empty(), Optional.empty());
        }
        RootRotation rotation = cluster.getRootRotation();
        RootCa next = RootCa.fromPem(rotation.getCaCertPem(), rotation.getCaKeyPem(), clock);
        X509Certificate cross = Pem.parseCertificate(rotation.getCrossSignedCaCertPem(), "cross-signed CA certificate");
        if (!CertificateChains.signedBy(cross, root.certificate().getPublicKey())
                || !cross.getPublicKey().equals(next.certificate().getPublicKey())) {
            throw new IllegalArgumentException("the rotation's cross-signed certificate is not the new root signed by the old");
        }
        return new ClusterCa(root, Optional.of(next), Optional.of(cross));
    }

    /** The root CA in force (during a rotation, the old one until the rotation ends). */
    public RootCa root() {
        return root;
    }

    public boolean rotating() {
        return next.isPresent();
    }

    /** The root whose key signs node certificates now: the new root during a rotation. */
    public RootCa signingRoot() {
        return next.orElse(root);
    }

    /** The roots a node must trust now: the root, and the new root during a rotation. */
    public List<X509Certificate> trustedRoots() {
        return next.map(n -> List.of(root.certificate(), n.certificate())).orElse(List.of(root.certificate()));
    }

    /** As ca.crt holds them, and as JoinResponse.ca_certificate_pem carries them. */
    public String trustedRootsPem() {
        return Pem.certificates(trustedRoots());
    }

    /** The digest join tokens carry: the signing root's (during a rotation, joining nodes pin the new root). */
    public String tokenDigest() {
        return signingRoot().digest();
    }

    /**
     * A node certificate signed by the signing root's key, PEM, followed during a rotation by the
     * cross-signed intermediate (JoinResponse.certificate_pem, node.crt).
     *
     * @throws IllegalArgumentException for a bad CSR, node id, SAN or validity
     */
    public String issue(byte[] csrDer, String nodeId, NodeRole role, List<String> ipOrDnsSans, Duration validity) {
        String leaf = signingRoot().issue(csrDer, nodeId, role, ipOrDnsSans, validity);
        return crossSigned.map(c -> leaf + Pem.certificate(c)).orElse(leaf);
    }

    /** What the dispatcher tells nodes to trust now, and whose certificates they must hold. */
    public TrustRoots trustRoots() {
        TrustRoots.Builder out = TrustRoots.newBuilder().setSigningRootPem(signingRoot().certPem());
        trustedRoots().forEach(r -> out.addTrustedRootsPem(Pem.certificate(r)));
        return out.build();
    }

    /**
     * {@link #trustRoots()} from the Cluster object's PEM as stored (written by {@link RootCa#certPem()}),
     * without parsing a certificate or a key: cheap enough for every dispatcher tick; empty
     * without a root CA. Nodes parse and check what they are sent.
     */
    public static java.util.Optional<TrustRoots> trustRootsOf(Cluster cluster) {
        if (cluster.getRootCa().getCaCertPem().isEmpty()) {
            return java.util.Optional.empty();
        }
        TrustRoots.Builder out = TrustRoots.newBuilder().addTrustedRootsPem(cluster.getRootCa().getCaCertPem());
        if (cluster.hasRootRotation()) {
            out.addTrustedRootsPem(cluster.getRootRotation().getCaCertPem()).setSigningRootPem(cluster.getRootRotation().getCaCertPem());
        } else {
            out.setSigningRootPem(cluster.getRootCa().getCaCertPem());
        }
        return java.util.Optional.of(out.build());
    }

    /** Whether the certificate a node reports (its issuer's public key, DER) was signed by the signing root's key. */
    public boolean signedByCurrentKey(byte[] issuerPublicKeyDer) {
        return java.util.Arrays.equals(issuerPublicKeyDer, signingRoot().certificate().getPublicKey().getEncoded());
    }

    @Override
    public String toString() {
        return "ClusterCa[root " + root.digest() + next.map(n -> ", rotating to " + n.digest()).orElse("") + "]";
    }
}
