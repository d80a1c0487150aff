package io.orch.agent.pki;

import io.orch.api.proto.TrustRoots;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a node does with the cluster's {@link TrustRoots} (from its replica on a manager, from the
 * dispatcher on a worker): trust exactly those roots, send the cross-signed intermediate only
 * while two roots are trusted (a rotation), and renew at once if its certificate was not signed
 * by the signing root's key.
 */
public final class NodeTrust {
    private NodeTrust() {}

    /** @throws IllegalArgumentException if a root is not a PEM certificate */
    public static List<X509Certificate> roots(TrustRoots trust) {
        return trust.getTrustedRootsPemList().stream().map(pem -> Pem.parseCertificate(pem, "trusted root CA")).toList();
    }

    /** Whether {@code held} was signed by another key than the one the cluster signs with now. */
    public static boolean needsRenewal(NodeCredentials held, TrustRoots trust) {
        if (trust.getSigningRootPem().isEmpty()) {
            return false;
        }
        X509Certificate signing = Pem.parseCertificate(trust.getSigningRootPem(), "signing root CA");
        return !Arrays.equals(held.issuerPublicKey().getEncoded(), signing.getPublicKey().getEncoded());
    }

    /**
     * {@code held} under the trust the cluster asks for, or empty if it has it already.
     *
     * @throws IllegalArgumentException if {@code held}'s certificate does not chain to those roots
     *     (a node that was down through a whole rotation: it must join again)
     */
    public static Optional<NodeCredentials> retrusted(NodeCredentials held, TrustRoots trust) {
        List<X509Certificate> roots = roots(trust);
        if (roots.isEmpty()) {
            return Optional.empty();
        }
        boolean rotating = roots.size() > 1;
        if (held.trustedRoots().equals(roots) && (rotating || held.intermediates().isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(held.withTrust(roots, rotating));
    }
}
