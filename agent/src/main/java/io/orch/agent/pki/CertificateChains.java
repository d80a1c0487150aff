package io.orch.agent.pki;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Which key signed a node certificate, checked by signatures only (no dates: an expired
 * certificate is still loaded, to prove who it was): a trusted root's, or an intermediate's that a
 * trusted root signed (the cross-signed new root of a rotation).
 */
final class CertificateChains {
    private CertificateChains() {}

    static Optional<PublicKey> issuerKey(X509Certificate leaf, List<X509Certificate> intermediates, List<X509Certificate> roots) {
        for (X509Certificate root : roots) {
            if (signedBy(leaf, root.getPublicKey())) {
                return Optional.of(root.getPublicKey());
            }
        }
        for (X509Certificate intermediate : intermediates) {
            if (signedBy(leaf, intermediate.getPublicKey())
                    && roots.stream().anyMatch(root -> signedBy(intermediate, root.getPublicKey()))) {
                return Optional.of(intermediate.getPublicKey());
            }
        }
        return Optional.empty();
    }

    static boolean signedBy(X509Certificate certificate, PublicKey key) {
        try {
            certificate.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
